import { type Static, Type } from '@sinclair/typebox';
import { ACTOR_ROLES } from '../../kernel/actor.js';
import type { FieldCipher } from '../../lib/privacy.js';
import { maskName, maskPhone, redactFreeText } from '../../lib/privacy.js';
import type { CaseDetail, CaseEvent, CaseRecord, DuplicateCandidate, PublicCaseView } from './case.types.js';
import type { NearbyOpenCase } from './case-search.repository.js';
import { stageOf } from './case-state.js';
import { snapshotOf } from './case-transition.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });

/** A department task on a case. */
export const TaskDto = Type.Object({
  department: Type.String(),
  status: Type.String(),
  deadline: Nullable(DateTime),
  viaWhistle: Type.Boolean(),
});

/** A case as staff lists show it (personal data masked). */
export const CaseDto = Type.Object({
  id: Type.Integer(),
  publicCode: Type.String(),
  state: Type.String(),
  stage: Nullable(Type.String()),
  channel: Type.String(),
  categoryCode: Nullable(Type.String()),
  categoryVersion: Type.Union([Type.Integer(), Type.Null()]),
  hotlineType: Nullable(Type.String()),
  urgent: Type.Boolean(),
  description: Type.String(),
  address: Nullable(Type.String()),
  location: Type.Object({ lng: Type.Number(), lat: Type.Number() }),
  gridCode: Type.String(),
  departmentCode: Nullable(Type.String()),
  tasks: Type.Array(TaskDto),
  reporterName: Nullable(Type.String({ description: 'masked' })),
  reporterPhone: Nullable(Type.String({ description: 'masked' })),
  reportedAt: DateTime,
  filedAt: Nullable(DateTime),
  closedAt: Nullable(DateTime),
  updatedAt: DateTime,
  deadline: Nullable(DateTime),
  deadlineStage: Nullable(Type.String()),
  deadlineStatus: Type.String(),
  escalationLevel: Type.Integer(),
  evaluation: Nullable(Type.String()),
  reopenCount: Type.Integer(),
  extensionRequested: Type.Boolean(),
  mergedInto: Type.Union([Type.Integer(), Type.Null()]),
});

/** One history entry. */
export const EventDto = Type.Object({
  id: Type.Integer(),
  at: DateTime,
  action: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Type.String(),
  actor: Type.String({
    description: 'deprecated: actorName when present, else actorRole (kept for older clients)',
  }),
  actorRole: Type.Union(
    ACTOR_ROLES.map((r) => Type.Literal(r)),
    {
      description: 'the role the actor acted in; shown to everyone who may read the case',
    },
  ),
  actorName: Nullable(
    Type.String({
      description:
        'staff and machines by name, residents masked; null unless the caller may see actor names (staff of the case)',
    }),
  ),
  departmentCode: Nullable(Type.String()),
  stageDone: Nullable(Type.String()),
  onTime: Type.Union([Type.Boolean(), Type.Null()]),
  note: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

/** A case with history and the actions the caller may take. */
export const CaseDetailDto = Type.Object({
  case: CaseDto,
  events: Type.Array(EventDto),
  photos: Type.Array(
    Type.Object({
      id: Type.Integer(),
      purpose: Type.String(),
      mime: Type.String(),
      bytes: Type.Integer(),
      sha256: Type.String(),
    }),
  ),
  reporters: Type.Integer(),
  actions: Type.Array(Type.String()),
});

/** The public tracking view. */
export const PublicCaseDto = Type.Object({
  publicCode: Type.String(),
  state: Type.String(),
  stage: Nullable(Type.String()),
  categoryCode: Nullable(Type.String()),
  description: Type.String(),
  gridCode: Type.String(),
  reportedAt: DateTime,
  closedAt: Nullable(DateTime),
  deadline: Nullable(DateTime),
  evaluation: Nullable(Type.String()),
  timeline: Type.Array(
    Type.Object({
      at: DateTime,
      action: Type.String(),
      state: Type.String(),
      note: Type.String(),
      actorRole: Type.Union(ACTOR_ROLES.map((r) => Type.Literal(r))),
    }),
  ),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * The one redaction of a case's free text (descriptions, addresses, notes) on its way out of the
 * server: every presenter below and every other answer that carries a case text calls this.
 */
export function presentFreeText(text: string): string {
  return redactFreeText(text);
}

/**
 * Nearby open cases offered as "me too" candidates (to anyone who reports, anonymous included):
 * another reporter's description, so redacted like every case text. Also applied to stored
 * intake answers on replay, so answers stored before a detector change are redacted anew.
 */
export function presentCandidate(r: NearbyOpenCase | DuplicateCandidate): DuplicateCandidate {
  return {
    id: r.id,
    publicCode: r.publicCode,
    categoryCode: r.categoryCode,
    description: presentFreeText(r.description),
    state: r.state,
    distanceM: Math.round(r.distanceM),
    similarity: Math.round(r.similarity * 100) / 100,
    reportedAt: typeof r.reportedAt === 'string' ? r.reportedAt : r.reportedAt.toISOString(),
  };
}

function decryptOrNull(cipher: FieldCipher, v: string | null): string | null {
  if (!v) return null;
  try {
    return cipher.decrypt(v);
  } catch {
    return null;
  }
}

/** Presents a case with personal data masked and free text redacted. */
export function presentCase(c: CaseRecord, cipher: FieldCipher): Static<typeof CaseDto> {
  const name = decryptOrNull(cipher, c.reporterNameEnc);
  const phone = decryptOrNull(cipher, c.reporterPhoneEnc);
  return {
    id: c.id,
    publicCode: c.publicCode,
    state: c.state,
    stage: stageOf(snapshotOf(c)),
    channel: c.channel,
    categoryCode: c.categoryCode,
    categoryVersion: c.categoryVersion,
    hotlineType: c.hotlineType,
    urgent: c.urgent,
    description: presentFreeText(c.description),
    address: c.address ? presentFreeText(c.address) : null,
    location: { lng: c.lng, lat: c.lat },
    gridCode: c.gridCode,
    departmentCode: c.departmentCode,
    tasks: c.tasks,
    reporterName: name ? maskName(name) : null,
    reporterPhone: phone ? maskPhone(phone) : null,
    reportedAt: c.reportedAt.toISOString(),
    filedAt: iso(c.filedAt),
    closedAt: iso(c.closedAt),
    updatedAt: c.updatedAt.toISOString(),
    deadline: iso(c.clockDeadline),
    deadlineStage: c.clockStage,
    deadlineStatus: c.deadlineStatus,
    escalationLevel: c.escalationLevel,
    evaluation: c.evaluation,
    reopenCount: c.reopenCount,
    extensionRequested: c.extensionRequested,
    mergedInto: c.mergedInto,
  };
}

/** Event data that points at other cases' reporters (a merged case's tracking code is its reporter's secret). */
const STAFF_ONLY_DATA = ['mergedPublicCode', 'mergedCaseId'];

/**
 * The name an event shows to a caller who may see actor names: staff and machines by name (they
 * act in office), residents masked like a reporter's name (clear only through an audited reveal),
 * anonymous callers none.
 */
function actorNameOf(e: CaseEvent): string | null {
  if (e.actorKind === 'anonymous') return null;
  if (e.actorRole === 'resident') return e.actorKind === 'user' ? maskName(e.actorName) : null;
  return e.actorName;
}

/**
 * Presents one event (notes redacted like descriptions). Everyone sees the actor's role;
 * `actorNames` (casePolicy 'see_actor_names': staff of the case) adds the name. Without it the
 * event carries no name and no id of any person, and no pointer to another case's reporter.
 */
export function presentEvent(e: CaseEvent, view: { actorNames: boolean }): Static<typeof EventDto> {
  const actorName = view.actorNames ? actorNameOf(e) : null;
  const data = view.actorNames
    ? e.data
    : Object.fromEntries(Object.entries(e.data).filter(([k]) => !STAFF_ONLY_DATA.includes(k)));
  return {
    id: e.id,
    at: e.at.toISOString(),
    action: e.action,
    fromState: e.fromState,
    toState: e.toState,
    actor: actorName ?? e.actorRole,
    actorRole: e.actorRole,
    actorName,
    departmentCode: e.departmentCode,
    stageDone: e.stageDone,
    onTime: e.onTime,
    note: presentFreeText(e.note),
    data,
  };
}

/** Presents a case detail. */
export function presentDetail(d: CaseDetail, cipher: FieldCipher): Static<typeof CaseDetailDto> {
  return {
    case: presentCase(d.record, cipher),
    events: d.events.map((e) => presentEvent(e, { actorNames: d.actorNames })),
    photos: d.photos.map(({ id, purpose, mime, bytes, sha256 }) => ({ id, purpose, mime, bytes, sha256 })),
    reporters: d.reporters,
    actions: d.actions,
  };
}

/** Presents the public tracking view. */
export function presentPublic(v: PublicCaseView): Static<typeof PublicCaseDto> {
  return {
    ...v,
    description: presentFreeText(v.description),
    reportedAt: v.reportedAt.toISOString(),
    closedAt: iso(v.closedAt),
    deadline: iso(v.deadline),
    timeline: v.timeline.map((t) => ({ ...t, at: t.at.toISOString(), note: presentFreeText(t.note) })),
  };
}
