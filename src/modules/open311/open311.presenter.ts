/**
 * Turns taxonomy categories and cases into GeoReport v2 resources (field names exactly as the
 * spec writes them). The seven closed-loop stages become `open`/`closed` with a human status
 * note; nothing about the reporter is ever part of a request: not their name or phone, not the
 * tracking code that grants their rights (the request id is the case's separate public id), not
 * the exact spot (coordinates are rounded to COARSE_DECIMALS) and not the raw address or text
 * (both go through the one redaction path, redactFreeText).
 */
import type { Locale } from '../../config/config.js';
import { redactFreeText } from '../../lib/privacy.js';
import type { Category, StageDeadlines } from '../taxonomy/index.js';
import type { Open311CaseRow } from './open311.repository.js';
import { w3cDateTime } from './open311-format.js';

/** A service of the services list. */
export interface GeoService {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

/** One attribute of a service definition. */
export interface GeoAttribute {
  variable: boolean;
  code: string;
  datatype: 'string' | 'number' | 'datetime' | 'text' | 'singlevaluelist' | 'multivaluelist';
  required: boolean;
  datatype_description: string;
  order: number;
  description: string;
  values?: Array<{ key: string; name: string }>;
}

/** A service definition. */
export interface GeoServiceDefinition {
  service_code: string;
  attributes: GeoAttribute[];
}

/** A service request as GET requests returns it. */
export interface GeoRequest {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string | null;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number;
  long: number;
  media_url: string | null;
}

/**
 * Decimal places of public coordinates: 3 places is a cell of about 110 m (latitude) by 95 m
 * (longitude at 31° N), enough to see the street, too coarse to find the reporter's door.
 */
export const COARSE_DECIMALS = 3;

/** A coordinate rounded for public answers (see COARSE_DECIMALS). */
export function coarse(degrees: number): number {
  const f = 10 ** COARSE_DECIMALS;
  return Math.round(degrees * f) / f;
}

/** States whose case is finished: Open311 `closed`. */
export const CLOSED_STATES = ['closed', 'evaluated', 'rejected', 'voided'] as const;
/** States of a running case: Open311 `open`. */
export const OPEN_STATES = [
  'reported',
  'filed',
  'dispatched',
  'handling',
  'reported_back',
  'suspended',
] as const;

const STATUS_NOTES: Readonly<Record<string, { 'zh-CN': string; en: string }>> = {
  reported: { 'zh-CN': '已受理，等待立案', en: 'Received; waiting to be filed' },
  filed: { 'zh-CN': '已立案，等待派遣', en: 'Filed; waiting for dispatch' },
  dispatched: { 'zh-CN': '已派遣至处置部门', en: 'Dispatched to the responsible department' },
  handling: { 'zh-CN': '处置中', en: 'Being handled' },
  reported_back: { 'zh-CN': '已处置，等待现场核查', en: 'Handled; waiting for on-site verification' },
  suspended: { 'zh-CN': '暂缓办理（挂账）', en: 'Suspended for now' },
  closed: { 'zh-CN': '已核查结案', en: 'Verified on site and closed' },
  evaluated: { 'zh-CN': '已结案并完成评价', en: 'Closed and evaluated' },
  rejected: { 'zh-CN': '不符合立案条件，不予立案', en: 'Not accepted: does not meet the filing criteria' },
  voided: { 'zh-CN': '已作废（重复或无效上报）', en: 'Voided (duplicate or invalid report)' },
};

const pick = (locale: Locale, zh: string, en: string) => (locale === 'en' ? en : zh);

/** "Handled by X within N working hours": what the city commits to for a category. */
export function serviceNotice(
  deadlines: StageDeadlines,
  department: { nameZh: string; nameEn: string } | undefined,
  locale: Locale,
): string {
  const hours = Math.round((deadlines.handle / 60) * 10) / 10;
  const working = deadlines.handleUnit === 'working';
  const zh = `${department ? `${department.nameZh}处置，` : ''}处置时限 ${hours} ${working ? '工作小时' : '小时'}`;
  const en = `${department ? `Handled by ${department.nameEn} ` : 'Handled '}within ${hours} ${working ? 'working hours' : 'hours'}`;
  return pick(locale, zh, en);
}

/** A category as a GeoReport service. */
export function toService(c: Category, groupName: string, locale: Locale): GeoService {
  return {
    service_code: c.code,
    service_name: pick(locale, c.nameZh, c.nameEn),
    description: pick(locale, c.filingCriteriaZh, c.filingCriteriaEn),
    metadata: true,
    type: 'realtime',
    keywords: (locale === 'en' ? c.keywordsEn : c.keywordsZh).join(','),
    group: groupName,
  };
}

/**
 * The attributes of a category, from the taxonomy: its filing and closing criteria (information
 * for the user), a part identifier for city-part categories, and a danger question for urgent
 * ones (they jump the queue).
 */
export function toDefinition(c: Category, locale: Locale): GeoServiceDefinition {
  const attributes: GeoAttribute[] = [
    {
      variable: false,
      code: 'filing_criteria',
      datatype: 'string',
      required: false,
      datatype_description: '',
      order: 1,
      description: pick(locale, `立案条件：${c.filingCriteriaZh}`, `Filed when: ${c.filingCriteriaEn}`),
    },
    {
      variable: false,
      code: 'closing_criteria',
      datatype: 'string',
      required: false,
      datatype_description: '',
      order: 2,
      description: pick(locale, `结案条件：${c.closingCriteriaZh}`, `Closed when: ${c.closingCriteriaEn}`),
    },
  ];
  if (c.kind === 'part') {
    attributes.push({
      variable: true,
      code: 'part_id',
      datatype: 'string',
      required: false,
      datatype_description: pick(locale, '部件标牌上的 16 位编码', 'The 16-digit code on the part label'),
      order: attributes.length + 1,
      description: pick(locale, '部件编码', 'Part identifier'),
    });
  }
  if (c.urgent) {
    attributes.push({
      variable: true,
      code: 'danger',
      datatype: 'singlevaluelist',
      required: false,
      datatype_description: '',
      order: attributes.length + 1,
      description: pick(locale, '现场是否危及人身安全？', 'Is anyone in danger on site?'),
      values: [
        { key: 'yes', name: pick(locale, '是', 'Yes') },
        { key: 'no', name: pick(locale, '否', 'No') },
      ],
    });
  }
  return { service_code: c.code, attributes };
}

/** A case as a GeoReport service request (no personal data, no tracking code; coarse; redacted). */
export function toRequest(r: Open311CaseRow, locale: Locale): GeoRequest {
  const closed = (CLOSED_STATES as readonly string[]).includes(r.state);
  const notes = STATUS_NOTES[r.state] ?? { 'zh-CN': r.state, en: r.state };
  const dept =
    r.departmentNameZh !== null && r.departmentNameEn !== null
      ? { nameZh: r.departmentNameZh, nameEn: r.departmentNameEn }
      : undefined;
  return {
    service_request_id: r.publicId,
    status: closed ? 'closed' : 'open',
    status_notes: notes[locale],
    service_name: pick(locale, r.categoryNameZh, r.categoryNameEn),
    service_code: r.categoryCode,
    description: redactFreeText(r.description),
    agency_responsible: dept ? pick(locale, dept.nameZh, dept.nameEn) : null,
    service_notice: serviceNotice(r.deadlines, dept, locale),
    requested_datetime: w3cDateTime(r.reportedAt),
    updated_datetime: w3cDateTime(r.updatedAt),
    // The running stage clock's deadline (working calendar); none once the case is finished.
    expected_datetime: !closed && r.clockDeadline ? w3cDateTime(r.clockDeadline) : null,
    address: r.address !== null ? redactFreeText(r.address) : null,
    address_id: null,
    zipcode: null,
    lat: coarse(r.lat),
    long: coarse(r.lng),
    media_url: r.mediaUrl,
  };
}
