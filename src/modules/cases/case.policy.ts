import { type InArea, inScope, Policy } from '../../kernel/policy.js';
import type { Channel } from './case.types.js';

/** What case rules look at: the grid the case lies in, its departments and its reporters. */
export interface CaseResource extends InArea {
  departments: readonly string[];
  reporterUserIds: readonly number[];
}

/** Staff roles that read cases by area scope. */
export const AREA_READER_ROLES = [
  'grid_worker',
  'hotline_operator',
  'dispatcher',
  'supervisor',
  'admin',
] as const;

/** The policy action a report by each channel needs. */
export const CHANNEL_ACTION: Readonly<Record<Channel, string>> = {
  resident: 'report',
  patrol: 'report_patrol',
  hotline: 'report_hotline',
  sensor: 'report_sensor',
  open311: 'report_open311',
  bulk: 'report_bulk',
};

/**
 * Who may do what to a case. Area rules compare the case's grid with the grant's area;
 * department handlers act on cases with a task for their department; residents on their own reports.
 */
export const casePolicy = new Policy<CaseResource>('case')
  .allow(['resident', 'grid_worker', 'hotline_operator', 'dispatcher', 'supervisor'], ['report'])
  .allow(['grid_worker'], ['report_patrol'], inScope)
  .allow(['hotline_operator'], ['report_hotline'])
  .allow(['dispatcher', 'supervisor'], ['report_bulk'], inScope)
  .allow([...AREA_READER_ROLES, 'dept_handler', 'resident'], ['read', 'search'])
  .allow(
    ['dispatcher'],
    [
      'file',
      'reject',
      'dispatch',
      'reassign',
      'whistle',
      'suspend',
      'resume',
      'void',
      'merge_into',
      'approve_extension',
      'deny_extension',
    ],
    inScope,
  )
  .allow(
    ['supervisor'],
    [
      'approve_extension',
      'deny_extension',
      'verify_pass',
      'verify_fail',
      'suspend',
      'resume',
      'reopen',
      'void',
    ],
    inScope,
  )
  .allow(['grid_worker'], ['verify_pass', 'verify_fail'], inScope)
  .allow(
    ['dept_handler'],
    ['accept', 'return', 'report_back', 'request_extension'],
    (grant, c) => grant.departmentCode !== null && c.departments.includes(grant.departmentCode),
  )
  .allow(['resident'], ['evaluate', 'reopen'], (_g, c, actor) => c.reporterUserIds.includes(actor.userId))
  .allow(['hotline_operator'], ['evaluate'], inScope)
  // Clear reporter data and unredacted texts: audited, with a purpose (and raw-text search).
  .allow(['supervisor'], ['reveal'], inScope)
  // Names of the staff in a case's history: staff who read the case by area or by department
  // task (colleagues acting in office, not personal data of residents); residents never.
  .allow([...AREA_READER_ROLES], ['see_actor_names'], inScope)
  .allow(
    ['dept_handler'],
    ['see_actor_names'],
    (grant, c) => grant.departmentCode !== null && c.departments.includes(grant.departmentCode),
  )
  .allow(['admin'], '*');
