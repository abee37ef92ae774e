/**
 * The commander's use cases: an area's mode (normal / standby / emergency, with who, why, when),
 * campaigns that become one task per household for the worker of its grid, temporary members,
 * bulk reassignment, the second round over the unreached, and the figures per grid.
 */
import type { Queryable } from '../../db/db.js';
import { type Actor, actorLabel } from '../../kernel/actor.js';
import { areaScope } from '../../kernel/policy.js';
import { redactFreeText } from '../../lib/privacy.js';
import type { ReassignFilter, UnreachedRow } from './campaign-staff.repository.js';
import { EmergencyErrors } from './emergency.errors.js';
import { emergencyCommandPolicy, emergencyReadPolicy } from './emergency.policy.js';
import type { AreaMode, CampaignKind, CampaignRow, GridProgress, Target } from './emergency.repository.js';
import type { EmergencySupport } from './emergency-support.js';

/** Fields a campaign's short form may ask for. */
export const FORM_FIELDS = ['present', 'ill', 'needs', 'supplies', 'notes'] as const;
/** One of FORM_FIELDS. */
export type FormField = (typeof FORM_FIELDS)[number];

/** A new campaign as the commander gives it. */
export interface CampaignInput {
  areaCode: string;
  kind: CampaignKind;
  title: string;
  form: FormField[];
  deadline?: string;
  target: Target;
}

/** A campaign with its figures: rate = reached (done + needs help) ÷ tasks, null without tasks. */
export interface CampaignView extends CampaignRow {
  reached: number;
  rate: number | null;
  grids: Array<GridProgress & { rate: number | null }>;
  warnings: string[];
}

/** Reached ÷ total (in [0,1]); null when there is nothing to reach. */
export function reachedRate(p: Pick<GridProgress, 'total' | 'done' | 'needsHelp'>): number | null {
  return p.total === 0 ? null : (p.done + p.needsHelp) / p.total;
}

const MODE_TEXT: Record<AreaMode, { zh: string; en: string }> = {
  normal: { zh: '解除应急状态', en: 'Emergency ended' },
  standby: { zh: '进入应急待命状态', en: 'Emergency standby' },
  emergency: { zh: '进入应急状态', en: 'State of emergency' },
};

/** Mode and campaign use cases. */
export class EmergencyCommandService {
  constructor(private readonly s: EmergencySupport) {}

  /** Switches an area's mode (audited; the history keeps every switch). Entering or leaving emergency issues a CAP alert. */
  async setMode(
    actor: Actor,
    code: string,
    input: { mode: AreaMode; reason: string },
  ): Promise<{ areaCode: string; mode: AreaMode; previous: AreaMode; alertIdentifier: string | null }> {
    emergencyCommandPolicy.assertPermits(actor, 'set_mode');
    const reason = redactFreeText(input.reason.trim());
    return this.s.db.transaction(async (tx) => {
      const area = await this.s.repo.area(tx, code);
      if (!area || !emergencyCommandPolicy.can(actor, 'set_mode', { areaCode: code }))
        throw EmergencyErrors.AreaNotFound({ params: { code } });
      const current = await this.s.repo.mode(tx, code, true);
      if (current.mode === input.mode) throw EmergencyErrors.SameMode({ params: { code, mode: input.mode } });
      await this.s.changeMode(tx, actor, {
        code,
        from: current.mode,
        to: input.mode,
        reason,
        by: actorLabel(actor),
        alertId: null,
      });
      let alertIdentifier: string | null = null;
      if (this.s.alerts && (input.mode === 'emergency' || current.mode === 'emergency')) {
        const text = MODE_TEXT[input.mode];
        const alert = await this.s.alerts.issue(tx, actor, {
          areaCode: code,
          event: text,
          headline: { zh: `${area.nameZh}${text.zh}`, en: `${text.en}: ${area.nameEn}` },
          description: { zh: reason, en: reason },
          severity: input.mode === 'emergency' ? 'Severe' : 'Minor',
          urgency: input.mode === 'emergency' ? 'Immediate' : 'Past',
          expires: new Date(this.s.now().getTime() + 7 * 86_400_000),
          // Leaving the emergency cancels the declaration's alert (msgType Cancel, references).
          cancelsPrevious: current.mode === 'emergency',
        });
        alertIdentifier = alert.identifier;
      }
      return { areaCode: code, mode: input.mode, previous: current.mode, alertIdentifier };
    });
  }

  /** An area's mode and its history (commanders and readers of the area). */
  async modeOf(actor: Actor, code: string) {
    emergencyReadPolicy.assertPermits(actor, 'read');
    if (!this.reads(actor, code)) throw EmergencyErrors.AreaNotFound({ params: { code } });
    const area = await this.s.repo.area(this.s.db, code);
    if (!area) throw EmergencyErrors.AreaNotFound({ params: { code } });
    const [mode, history] = await Promise.all([
      this.s.repo.mode(this.s.db, code),
      this.s.repo.modeHistory(this.s.db, code),
    ]);
    return { areaCode: code, mode: mode.mode, history };
  }

  /**
   * The incident view of any staff member: areas in standby or emergency that touch their area
   * (above or below it) and the active campaigns there, active first.
   */
  async incident(actor: Actor) {
    const scope = areaScope(actor);
    const [modes, campaigns] = await Promise.all([
      this.s.repo.activeModes(this.s.db, scope),
      this.s.repo.campaigns(this.s.db, scope, 50, true),
    ]);
    return { modes, campaigns: campaigns.filter((c) => c.status === 'active') };
  }

  /**
   * Starts a campaign: one task per household of the target for the worker of its grid, the
   * per-grid counters and one inbox notice per worker, in ONE transaction. An area without
   * households gives a campaign with no task and the warning NO_HOUSEHOLDS.
   */
  async create(actor: Actor, input: CampaignInput): Promise<CampaignView> {
    emergencyCommandPolicy.assertPermits(actor, 'campaign');
    const id = await this.s.db.transaction(async (tx) => {
      const area = await this.s.repo.area(tx, input.areaCode);
      if (!area || !emergencyCommandPolicy.can(actor, 'campaign', { areaCode: input.areaCode }))
        throw EmergencyErrors.AreaNotFound({ params: { code: input.areaCode } });
      const at = this.s.now();
      const id = await this.s.repo.insertCampaign(tx, {
        areaCode: input.areaCode,
        kind: input.kind,
        title: redactFreeText(input.title.trim()),
        form: [...new Set(input.form)],
        deadline: input.deadline ?? null,
        round: 1,
        parentId: null,
        createdBy: actorLabel(actor),
        at,
      });
      const tasks = await this.s.repo.generateTasks(tx, id, input.areaCode, input.target, at);
      await this.afterGeneration(tx, actor, id, input.areaCode, {
        tasks,
        round: 1,
        target: input.target.kind,
      });
      return id;
    });
    return this.view(id);
  }

  /** The second (next) round: a new campaign over only the households the parent did not reach. */
  async nextRound(actor: Actor, parentId: number, input: { deadline?: string }): Promise<CampaignView> {
    emergencyCommandPolicy.assertPermits(actor, 'campaign');
    const id = await this.s.db.transaction(async (tx) => {
      const parent = await this.commanded(tx, actor, parentId, 'campaign', true);
      const at = this.s.now();
      const id = await this.s.repo.insertCampaign(tx, {
        ...parent,
        deadline: input.deadline ?? parent.deadline,
        round: parent.round + 1,
        parentId,
        createdBy: actorLabel(actor),
        at,
      });
      const tasks = await this.s.repo.generateNextRound(tx, id, parentId, at);
      if (tasks === 0) throw EmergencyErrors.NothingUnreached({ params: { id: parentId } });
      await this.s.repo.closeCampaign(tx, parentId, at);
      await this.afterGeneration(tx, actor, id, parent.areaCode, {
        tasks,
        round: parent.round + 1,
        parentId,
      });
      return id;
    });
    return this.view(id);
  }

  private async afterGeneration(
    tx: Queryable,
    actor: Actor,
    id: number,
    areaCode: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    const at = this.s.now();
    const counts = await this.s.repo.workerCounts(tx, id);
    if (counts.length > 0)
      await this.s.deps.inbox.notifyMany(
        tx,
        counts.map((c) => ({
          audiences: [{ kind: 'users', userIds: [c.userId] }],
          caseId: null,
          kind: 'emergency.tasks',
          titleZh: `专项行动：您有 ${c.tasks} 户待走访`,
          titleEn: `Campaign: ${c.tasks} households to visit`,
          body: { campaignId: id, tasks: c.tasks },
          at,
        })),
      );
    await this.s.deps.audit.record(tx, {
      actor,
      action: 'emergency.campaign_create',
      resourceType: 'emergency_campaign',
      resourceId: String(id),
      areaCode,
      details: { ...details, workers: counts.length },
    });
  }

  /** Ends a campaign (its tasks and figures stay). */
  async close(actor: Actor, id: number): Promise<CampaignView> {
    emergencyCommandPolicy.assertPermits(actor, 'campaign');
    await this.s.db.transaction(async (tx) => {
      const c = await this.commanded(tx, actor, id, 'campaign', true);
      await this.s.repo.closeCampaign(tx, id, this.s.now());
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'emergency.campaign_close',
        resourceType: 'emergency_campaign',
        resourceId: String(id),
        areaCode: c.areaCode,
      });
    });
    return this.view(id);
  }

  /** Campaigns inside the reader's area, active first. */
  async list(actor: Actor, limit: number): Promise<CampaignRow[]> {
    emergencyReadPolicy.assertPermits(actor, 'read');
    return this.s.repo.campaigns(this.s.db, emergencyReadPolicy.scopeFor(actor, 'read'), limit);
  }

  /** One campaign with its figures per grid. */
  async get(actor: Actor, id: number): Promise<CampaignView> {
    emergencyReadPolicy.assertPermits(actor, 'read');
    const c = await this.s.repo.campaign(this.s.db, id);
    if (!c || !this.reads(actor, c.areaCode)) throw EmergencyErrors.CampaignNotFound({ params: { id } });
    return this.view(id);
  }

  /** Households not reached yet, per grid (for the next round). */
  async unreached(
    actor: Actor,
    id: number,
    opts: { gridCode?: string; limit: number },
  ): Promise<{ items: UnreachedRow[] }> {
    await this.get(actor, id);
    return { items: await this.s.staff.unreached(this.s.db, id, opts.gridCode, opts.limit) };
  }

  /** Adds a temporary member (a sunk-down cadre, a volunteer) to one grid for the campaign. */
  async addMember(
    actor: Actor,
    id: number,
    m: { gridCode: string; userId: number },
  ): Promise<{ added: boolean }> {
    emergencyCommandPolicy.assertPermits(actor, 'assign');
    return this.s.db.transaction(async (tx) => {
      const c = await this.commanded(tx, actor, id, 'assign');
      if (!m.gridCode.startsWith(c.areaCode))
        throw EmergencyErrors.GridOutsideCampaign({ params: { grid: m.gridCode }, field: 'body/gridCode' });
      if (!(await this.s.staff.userActive(tx, m.userId)))
        throw EmergencyErrors.UserNotFound({ params: { id: m.userId }, field: 'body/userId' });
      const added = await this.s.staff.addMember(tx, {
        campaignId: id,
        gridCode: m.gridCode,
        userId: m.userId,
        by: actorLabel(actor),
        at: this.s.now(),
      });
      if (added)
        await this.s.deps.audit.record(tx, {
          actor,
          action: 'emergency.member_add',
          resourceType: 'emergency_campaign',
          resourceId: String(id),
          areaCode: m.gridCode,
          details: { userId: m.userId },
        });
      return { added };
    });
  }

  /** Moves tasks in bulk to one worker of their grid (a grid member or temporary member). */
  async reassign(
    actor: Actor,
    id: number,
    input: ReassignFilter & { toUserId: number },
  ): Promise<{ moved: number; grids: string[] }> {
    emergencyCommandPolicy.assertPermits(actor, 'assign');
    return this.s.db.transaction(async (tx) => {
      const c = await this.commanded(tx, actor, id, 'assign');
      if (input.gridCode && !input.gridCode.startsWith(c.areaCode))
        throw EmergencyErrors.GridOutsideCampaign({
          params: { grid: input.gridCode },
          field: 'body/gridCode',
        });
      if (input.gridCode && !(await this.s.staff.worksGrid(tx, id, input.gridCode, input.toUserId)))
        throw EmergencyErrors.NotAMember({
          params: { id: input.toUserId, grid: input.gridCode },
          field: 'body/toUserId',
        });
      const { toUserId, ...filter } = input;
      const out = await this.s.staff.reassign(tx, id, filter, toUserId);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'emergency.tasks_reassign',
        resourceType: 'emergency_campaign',
        resourceId: String(id),
        areaCode: c.areaCode,
        details: { toUserId, moved: out.moved, grids: out.grids },
      });
      return out;
    });
  }

  private reads(actor: Actor, code: string): boolean {
    return (
      emergencyReadPolicy.can(actor, 'read', { areaCode: code }) ||
      emergencyCommandPolicy.can(actor, 'campaign', { areaCode: code })
    );
  }

  private async commanded(
    tx: Queryable,
    actor: Actor,
    id: number,
    action: string,
    lock = false,
  ): Promise<CampaignRow> {
    const c = await this.s.repo.campaign(tx, id, lock);
    if (!c || !emergencyCommandPolicy.can(actor, action, { areaCode: c.areaCode }))
      throw EmergencyErrors.CampaignNotFound({ params: { id } });
    if (c.status !== 'active') throw EmergencyErrors.CampaignClosed({ params: { id } });
    return c;
  }

  private async view(id: number): Promise<CampaignView> {
    const c = (await this.s.repo.campaign(this.s.db, id))!;
    const grids = await this.s.repo.progress(this.s.db, id);
    const sum = grids.reduce(
      (a, g) => ({ total: a.total + g.total, done: a.done + g.done, needsHelp: a.needsHelp + g.needsHelp }),
      { total: 0, done: 0, needsHelp: 0 },
    );
    return {
      ...c,
      reached: sum.done + sum.needsHelp,
      rate: reachedRate(sum),
      grids: grids.map((g) => ({ ...g, rate: reachedRate(g) })),
      warnings: c.tasksTotal === 0 ? ['NO_HOUSEHOLDS'] : [],
    };
  }
}
