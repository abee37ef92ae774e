/**
 * The worker's side of a campaign: the task list by building and floor, and task updates —
 * done / not at home / needs help — sent online or replayed from the phone's offline queue.
 * One (worker, idempotency key) is one update: a replay answers with the first result and moves
 * no counter. "Needs help" files one case through the case intake (key `emergency-task:<id>`).
 */
import { createHash } from 'node:crypto';
import { type Actor, systemActor } from '../../kernel/actor.js';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { codeWithin, refusal } from '../../kernel/policy.js';
import type { WorkerTaskRow } from './campaign-staff.repository.js';
import { EmergencyErrors } from './emergency.errors.js';
import { emergencyTaskPolicy } from './emergency.policy.js';
import type { TaskStatus } from './emergency.repository.js';
import type { EmergencySupport } from './emergency-support.js';

/** A task update as the phone sends it. */
export interface TaskUpdateInput {
  idempotencyKey: string;
  status: Exclude<TaskStatus, 'open'>;
  /** The campaign form's answers (people present, anyone ill, needs, supplies delivered, notes). */
  answers?: { present?: number; ill?: boolean; needs?: string; supplies?: number; notes?: string };
  photoId?: number;
  /** For "needs help": what is needed and the case category (both required then). */
  needs?: string;
  caseCategory?: string;
  /** When the worker recorded it (an offline update keeps its time). */
  recordedAt?: string;
}

/** The answer to a task update. */
export interface TaskUpdateResult {
  taskId: number;
  status: TaskStatus;
  caseId: number | null;
  replayed: boolean;
}

type UserActor = Extract<Actor, { kind: 'user' }>;

/** Task use cases for workers and temporary members. */
export class EmergencyTaskService {
  constructor(private readonly s: EmergencySupport) {}

  /** The caller's tasks in active campaigns, ordered by building, floor and room. */
  async mine(
    actor: Actor,
    opts: { campaignId?: number; limit: number },
  ): Promise<{ items: WorkerTaskRow[] }> {
    const user = this.worker(actor);
    return { items: await this.s.staff.workerTasks(this.s.db, user.userId, opts.limit, opts.campaignId) };
  }

  /** Records a task update (see the file comment). A task the caller does not work: 404. */
  async update(actor: Actor, taskId: number, input: TaskUpdateInput): Promise<TaskUpdateResult> {
    const user = this.worker(actor);
    if (input.status === 'needs_help' && !input.needs?.trim())
      throw EmergencyErrors.NeedsText({ field: 'body/needs' });
    if (input.status === 'needs_help' && !input.caseCategory)
      throw EmergencyErrors.NeedsText({ field: 'body/caseCategory' });
    const { idempotencyKey: key, ...content } = input;
    const requestHash = createHash('sha256')
      .update(canonicalJson({ taskId, ...content }))
      .digest('hex');
    const prior = await this.s.repo.findUpdate(this.s.db, user.userId, key);
    if (prior) return this.replay(user, prior, requestHash, key, taskId, input);
    const done = await this.s.db.transaction(async (tx) => {
      const task = await this.s.repo.taskForWorker(tx, taskId, user.userId);
      if (!task) throw EmergencyErrors.TaskNotFound({ params: { id: taskId } });
      if (task.campaignStatus !== 'active')
        throw EmergencyErrors.CampaignClosed({ params: { id: task.campaignId } });
      const at = this.s.now();
      if (
        !(await this.s.repo.insertUpdate(tx, {
          userId: user.userId,
          key,
          taskId,
          requestHash,
          status: input.status,
          at,
        }))
      )
        return undefined;
      const answers = { ...input.answers, ...(input.needs ? { needs: input.needs } : {}) };
      await this.s.repo.updateTask(tx, {
        id: taskId,
        status: input.status,
        answersEnc: Object.keys(answers).length ? this.s.deps.cipher.encrypt(JSON.stringify(answers)) : null,
        photoId: input.photoId ?? null,
        userId: user.userId,
        at,
      });
      if (task.status !== input.status) {
        const c = (await this.s.repo.campaign(tx, task.campaignId))!;
        const figures = await this.s.repo.bumpProgress(
          tx,
          task.campaignId,
          task.gridCode,
          task.status,
          input.status,
          at,
        );
        await this.s.announce(tx, { ...figures, campaignId: task.campaignId, areaCode: c.areaCode });
      }
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'emergency.task_update',
        resourceType: 'emergency_task',
        resourceId: String(taskId),
        areaCode: task.gridCode,
        details: {
          from: task.status,
          to: input.status,
          campaignId: task.campaignId,
          offline: input.recordedAt !== undefined,
        },
      });
      return task;
    });
    if (done === undefined) {
      const raced = await this.s.repo.findUpdate(this.s.db, user.userId, key);
      if (raced) return this.replay(user, raced, requestHash, key, taskId, input);
      throw EmergencyErrors.IdempotencyMismatch({ params: { key } });
    }
    const caseId = await this.raiseCase(user, taskId, done.gridCode, done.caseId, input);
    return { taskId, status: input.status, caseId, replayed: false };
  }

  private async replay(
    user: UserActor,
    prior: { taskId: number; requestHash: string; status: TaskStatus },
    requestHash: string,
    key: string,
    taskId: number,
    input: TaskUpdateInput,
  ): Promise<TaskUpdateResult> {
    if (prior.requestHash !== requestHash || prior.taskId !== taskId)
      throw EmergencyErrors.IdempotencyMismatch({ params: { key } });
    const task = await this.s.repo.taskForWorker(this.s.db, taskId, user.userId);
    if (!task) throw EmergencyErrors.TaskNotFound({ params: { id: taskId } });
    // A replay after a crash between the two transactions still files the case, once.
    const caseId = await this.raiseCase(user, taskId, task.gridCode, task.caseId, input);
    return { taskId, status: prior.status, caseId, replayed: true };
  }

  /** "Needs help" → one case in the closed loop (patrol channel), linked to the task. */
  private async raiseCase(
    user: UserActor,
    taskId: number,
    gridCode: string,
    caseId: number | null,
    input: TaskUpdateInput,
  ): Promise<number | null> {
    const intake = this.s.deps.intake;
    if (input.status !== 'needs_help' || caseId !== null || !intake || !input.needs) return caseId;
    const place = await this.s.repo.taskPlace(this.s.db, taskId);
    if (!place) return null;
    // A grid worker files it as a patrol report of their own; a temporary member (a cadre, a
    // volunteer) holds no patrol grant there, so the campaign files it on their behalf.
    const worker = user.grants.some((g) => g.role === 'grid_worker' && codeWithin(g.areaCode, gridCode));
    const reporter = worker ? user : systemActor(`emergency:${user.userId}`, user.origin);
    const { result } = await intake.report(reporter, {
      channel: 'patrol',
      idempotencyKey: `emergency-task:${taskId}`,
      lng: place.lng,
      lat: place.lat,
      description: input.needs,
      categoryCode: input.caseCategory,
      ...(input.photoId !== undefined ? { photoIds: [input.photoId] } : {}),
      externalRef: `emergency-task:${taskId}`,
    });
    await this.s.db.transaction(async (tx) => {
      await this.s.repo.setTaskCase(tx, taskId, result.id);
      await this.s.deps.audit.record(tx, {
        actor: user,
        action: 'emergency.task_case',
        resourceType: 'emergency_task',
        resourceId: String(taskId),
        areaCode: gridCode,
        details: { caseId: result.id },
      });
    });
    return result.id;
  }

  private worker(actor: Actor): UserActor {
    emergencyTaskPolicy.assertPermits(actor, 'work');
    if (actor.kind !== 'user') throw refusal(actor);
    return actor;
  }
}
