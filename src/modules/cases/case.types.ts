import type { ActorRole } from '../../kernel/actor.js';
import type { CaseState, ResumableState, Satisfaction, TaskStatus } from './case-state.js';

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
