import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Commanders: switch an area's mode, start and close campaigns, add temporary members,
 * reassign tasks, broadcast, take in CAP alerts — admins and supervisors inside their area.
 */
export const emergencyCommandPolicy = new Policy<InArea>('emergency_command').allow(
  ['admin', 'supervisor'],
  ['set_mode', 'campaign', 'assign', 'broadcast', 'cap_in'],
  inScope,
);

/** Incident view, progress and unreached lists: staff readers of the area. */
export const emergencyReadPolicy = new Policy<InArea>('emergency_read').allow(
  ['admin', 'supervisor', 'dispatcher'],
  ['read'],
  inScope,
);

/**
 * Task updates: any staff role passes this gate; the repository then admits only the grid's
 * own members and the campaign's temporary members of that grid (anyone else: 404).
 */
export const emergencyTaskPolicy = new Policy<InArea>('emergency_task').allow(
  ['grid_worker', 'supervisor', 'dispatcher', 'admin', 'hotline_operator', 'dept_handler'],
  ['work'],
);
