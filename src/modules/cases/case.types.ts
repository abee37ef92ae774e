import type { ActorRole } from '../../kernel/actor.js';
import type { Satisfaction, TaskStatus } from './case-state.js';
import type { CaseActionType, CaseState, ResumableState } from './case-transitions.table.js';

/** Channels a report can come in by. */
export const CHANNELS = ['resident', 'patrol', 'hotline', 'sensor', 'open311', 'bulk'] as const;
/** One of CHANNELS. */
export type Channel = (typeof CHANNELS)[number];

/** The five 12345 request types. */
export const HOTLINE_TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
/** One of HOTLINE_TYPES. */
export type HotlineType = (typeof HOTLINE_TYPES)[number];

/** A department's task on a case, as stored in the case row. */
export interface StoredTask {
  department: string;
  status: TaskStatus;
  /** Deadline of this department's handling (whistle tasks each have their own). */
  deadline: string | null;
  viaWhistle: boolean;
}

/** A case row as the services see it (personal fields still encrypted). */
export interface CaseRecord {
  id: number;
  publicCode: string;
  state: CaseState;
  suspendedFrom: ResumableState | null;
  reopenCount: number;
  extensionRequested: boolean;
  extensionMinutes: number | null;
  evaluation: Satisfaction | null;
  mergedInto: number | null;
  channel: Channel;
  categoryVersion: number | null;
  categoryCode: string | null;
  hotlineType: HotlineType | null;
  urgent: boolean;
  description: string;
  address: string | null;
  lng: number;
  lat: number;
  gridCode: string;
  areaId: number;
  departmentCode: string | null;
  tasks: StoredTask[];
  reporterUserId: number | null;
  reporterNameEnc: string | null;
  reporterPhoneEnc: string | null;
  reporterPhoneHash: string | null;
  externalRef: string | null;
  reportedAt: Date;
  filedAt: Date | null;
  dispatchedAt: Date | null;
  reportedBackAt: Date | null;
  closedAt: Date | null;
  evaluatedAt: Date | null;
  updatedAt: Date;
  clockStage: string | null;
  clockStartedAt: Date | null;
  clockDeadline: Date | null;
  clockPausedMinutes: number | null;
  deadlineStatus: 'ok' | 'due_soon' | 'overdue';
  escalationLevel: number;
  rowVersion: number;
}

/** One entry of a case's history. */
export interface CaseEvent {
  id: number;
  caseId: number;
  at: Date;
  actorKind: string;
  actorId: string | null;
  actorName: string;
  /** The role the actor acted in (stored with the event: grants change, history does not). */
  actorRole: ActorRole;
  action: string;
  fromState: string | null;
  toState: string;
  departmentCode: string | null;
  stageDone: string | null;
  onTime: boolean | null;
  note: string;
  publicNote: boolean;
  data: Record<string, unknown>;
}

/** A nearby open case the reporter may join instead of filing ("me too"). */
export interface DuplicateCandidate {
  id: number;
  publicCode: string;
  categoryCode: string | null;
  description: string;
  state: string;
  distanceM: number;
  similarity: number;
  reportedAt: string;
}

/** A case with its history, as staff see it (personal fields still encrypted; the presenter masks). */
export interface CaseDetail {
  record: CaseRecord;
  events: CaseEvent[];
  photos: Array<{
    id: number;
    purpose: string;
    mime: string;
    bytes: number;
    sha256: string;
    eventId: number | null;
  }>;
  reporters: number;
  /** Actions this actor could take now (for buttons). */
  actions: CaseActionType[];
  /** The history may name its actors to this caller (casePolicy 'see_actor_names'); else roles only. */
  actorNames: boolean;
}

/** What anyone holding the tracking code may see (free text redacted by the case presenter's path). */
export interface PublicCaseView {
  publicCode: string;
  state: string;
  stage: string | null;
  categoryCode: string | null;
  description: string;
  gridCode: string;
  reportedAt: Date;
  closedAt: Date | null;
  deadline: Date | null;
  evaluation: string | null;
  /** Public steps with the role that took each (never a name). */
  timeline: Array<{ at: Date; action: string; state: string; note: string; actorRole: ActorRole }>;
}

/** The payload of a case action; which fields matter depends on the action. */
export interface WorkflowInput {
  note?: string;
  categoryCode?: string;
  urgent?: boolean;
  departments?: string[];
  department?: string;
  from?: string;
  to?: string;
  minutes?: number;
  result?: Satisfaction;
  comment?: string;
  targetId?: number;
  photoIds?: number[];
}
