/** Shapes of the API replies the web app reads (mirrors the server's TypeBox DTOs). */

export type RoleName =
  | 'resident'
  | 'grid_worker'
  | 'hotline_operator'
  | 'dispatcher'
  | 'dept_handler'
  | 'supervisor'
  | 'admin';

export interface Grant {
  id: number;
  role: RoleName;
  areaCode: string | null;
  departmentCode: string | null;
}

export interface User {
  id: number;
  username: string | null;
  displayName: string;
  phone: string | null;
  grants: Grant[];
}

export interface Task {
  department: string;
  status: string;
  deadline: string | null;
  viaWhistle: boolean;
}

export interface CaseItem {
  id: number;
  publicCode: string;
  state: string;
  stage: string | null;
  channel: string;
  categoryCode: string | null;
  hotlineType: string | null;
  urgent: boolean;
  description: string;
  address: string | null;
  location: { lng: number; lat: number };
  gridCode: string;
  departmentCode: string | null;
  tasks: Task[];
  reporterName: string | null;
  reporterPhone: string | null;
  reportedAt: string;
  closedAt: string | null;
  updatedAt: string;
  deadline: string | null;
  deadlineStatus: string;
  evaluation: string | null;
  extensionRequested: boolean;
}

export interface CaseEvent {
  id: number;
  at: string;
  action: string;
  toState: string;
  actor: string;
  /** The role the actor acted in (a code; translate with tx('actorRole', …)). */
  actorRole: string;
  /** The actor's name, only for staff of the case; null for residents and trackers. */
  actorName: string | null;
  departmentCode: string | null;
  note: string;
}

export interface CaseDetail {
  case: CaseItem;
  events: CaseEvent[];
  photos: Array<{ id: number; purpose: string }>;
  reporters: number;
  /** Actions the caller may take now (snake_case action names). */
  actions: string[];
}

export interface PublicCase {
  publicCode: string;
  state: string;
  stage: string | null;
  categoryCode: string | null;
  description: string;
  gridCode: string;
  reportedAt: string;
  closedAt: string | null;
  deadline: string | null;
  evaluation: string | null;
  timeline: Array<{ at: string; action: string; state: string; note: string; actorRole: string }>;
}

export interface Duplicate {
  id: number;
  publicCode: string;
  categoryCode: string | null;
  description: string;
  state: string;
  distanceM: number;
  similarity: number;
  reportedAt: string;
}

export interface IntakeReply {
  id: number;
  publicCode: string;
  state: string;
  gridCode: string;
  suggestedDepartment: string | null;
  possibleDuplicates: Duplicate[];
}

export interface Area {
  code: string;
  level: string;
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  center: { lng: number; lat: number };
  bbox: [number, number, number, number];
  geometry?: GeoJSON.Polygon | GeoJSON.MultiPolygon;
}

/** A category of the active taxonomy (GET /api/taxonomy), with the code of its major class. */
export interface Category {
  code: string;
  kind: string;
  majorCode: string;
  nameZh: string;
  nameEn: string;
  departmentCode: string;
  urgent: boolean;
  photoRequired: boolean;
}

/** A major class of the taxonomy and its categories. */
export interface Major {
  code: string;
  kind: string;
  nameZh: string;
  nameEn: string;
  categories: Category[];
}

/** An active department (GET /api/departments). */
export interface Department {
  code: string;
  nameZh: string;
  nameEn: string;
  kind: string;
}

/** Reference data the forms need: the taxonomy (grouped and flat) and the departments. */
export interface Lookups {
  version: number;
  majors: Major[];
  categories: Category[];
  departments: Department[];
}

export interface AreaCount {
  code: string;
  open: number;
  overdue: number;
  dueSoon: number;
}

export interface Summary {
  today: string;
  reportedToday: number;
  closedToday: number;
  open: number;
  overdue: number;
  dueSoon: number;
  rates: { onTimeClosure: number | null; satisfaction: number | null; onTimeDispatch: number | null };
  trend: Array<{ day: string; reported: number; closed: number }>;
  topCategories: Array<{ code: string; n: number }>;
}

/** One message of GET /api/events/stream. */
export interface StreamEvent {
  caseId: number;
  publicCode: string;
  eventId: number;
  action: string;
  state: string;
  gridCode: string;
  categoryCode: string | null;
  departmentCode: string | null;
  deadlineStatus: string;
  at: string;
}
