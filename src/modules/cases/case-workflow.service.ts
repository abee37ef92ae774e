/**
 * The closed-loop transitions. Every action is one use case: the actor's role is checked, the
 * case is read inside the actor's scope (404 otherwise) and locked, the state machine decides
 * (409 on an illegal transition, nothing written), then the new state, deadlines, event, rollups,
 * audit record and notifications are written in one transaction.
 */

import { type Queryable, sqlState } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { Audience } from '../../kernel/inbox.js';
import { CommonErrors, text } from '../../lib/errors.js';
import { CaseErrors } from './case.errors.js';
import { type CaseResource, casePolicy } from './case.policy.js';
import type { CaseRecord, WorkflowInput } from './case.types.js';
import { REOPEN_WINDOW_DAYS } from './case-clock.js';
import { type CaseAction, nextState } from './case-state.js';
import { type CaseSupport, hashRequest, idempotencyScope } from './case-support.js';
import { applyTransition, departmentOf, eventData, snapshotOf } from './case-transition.js';
import type { CaseActionType, CaseEffect } from './case-transitions.table.js';

const TITLES: Partial<Record<CaseActionType, [string, string]>> = {
  file: ['已立案', 'filed'],
  reject: ['不予立案', 'not accepted'],
  dispatch: ['已派遣', 'dispatched'],
  whistle: ['吹哨报到', 'summoned'],
  return: ['已回退', 'returned'],
  reassign: ['已改派', 'reassigned'],
  request_extension: ['申请延期', 'extension requested'],
  approve_extension: ['延期已批准', 'extension approved'],
  deny_extension: ['延期未批准', 'extension denied'],
  report_back: ['处置反馈', 'reported back'],
  verify_pass: ['已核查结案', 'verified and closed'],
  verify_fail: ['核查未通过，返工', 'failed verification, rework'],
  reopen: ['重新办理', 'reopened'],
  void: ['已作废', 'voided'],
  merge_into: ['已合并', 'merged'],
};

/** Transitions of the closed loop. */
export class CaseWorkflowService {
  constructor(private readonly s: CaseSupport) {}

  /** Performs one action on a case; returns the case as it is afterwards. */
  async act(
    actor: Actor,
    caseId: number,
    type: CaseActionType,
    input: WorkflowInput,
    opts: { idempotencyKey?: string } = {},
  ): Promise<CaseRecord> {
    casePolicy.assertPermits(actor, type);
    if (!opts.idempotencyKey) return this.apply(actor, caseId, type, input, undefined);
    // An offline client replays queued actions with their keys: a key seen before returns the
    // case as it is now and applies nothing again.
    const key = {
      scope: idempotencyScope(actor),
      key: `action:${opts.idempotencyKey}`,
      hash: hashRequest({ caseId, type, input }),
    };
    const replay = async () => {
      const prior = await this.s.deps.repo.findIdempotent(this.s.deps.db, key.scope, key.key);
      if (!prior) return undefined;
      if (prior.requestHash !== key.hash) {
        throw CaseErrors.IdempotencyKeyReused({
          params: { key: opts.idempotencyKey ?? '' },
          field: 'idempotencyKey',
        });
      }
      const current = await this.s.deps.repo.findVisible(this.s.deps.db, caseId, this.s.visibility(actor));
      if (!current) throw CaseErrors.CaseNotFound({ params: { id: caseId } });
      return current;
    };
    const seen = await replay();
    if (seen) return seen;
    try {
      return await this.apply(actor, caseId, type, input, key);
    } catch (err) {
      if (sqlState(err) === '23505') {
        const winner = await replay();
        if (winner) return winner;
      }
      throw err;
    }
  }

  private async apply(
    actor: Actor,
    caseId: number,
    type: CaseActionType,
    input: WorkflowInput,
    key: { scope: string; key: string; hash: string } | undefined,
  ): Promise<CaseRecord> {
    const { db, repo, clock } = this.s.deps;
    return db.transaction(async (tx) => {
      const c = await repo.findVisibleForUpdate(tx, caseId, this.s.visibility(actor));
      if (!c) throw CaseErrors.CaseNotFound({ params: { id: caseId } });
      if (key) {
        // Checked again under the case lock: a concurrent replay that waited for it sees the
        // first one's key now and changes nothing.
        const prior = await repo.findIdempotent(tx, key.scope, key.key);
        if (prior) {
          if (prior.requestHash !== key.hash) {
            throw CaseErrors.IdempotencyKeyReused({ params: { key: key.key }, field: 'idempotencyKey' });
          }
          return c;
        }
      }
      const reporters = await repo.reporterUserIds(tx, c.id);
      const resource: CaseResource = {
        areaCode: c.gridCode,
        departments: [
          ...new Set([...c.tasks.map((t) => t.department), ...(c.departmentCode ? [c.departmentCode] : [])]),
        ],
        reporterUserIds: reporters,
      };
      casePolicy.assert(actor, type, resource);
      const action = await this.buildAction(tx, actor, c, type, input);
      const result = nextState(snapshotOf(c), action);
      if (!result.ok) {
        throw CaseErrors.IllegalTransition({
          params: { state: c.state, action: type, reason: result.reason },
        });
      }
      const now = clock.now();
      if (
        type === 'reopen' &&
        c.evaluatedAt &&
        now.getTime() - c.evaluatedAt.getTime() > REOPEN_WINDOW_DAYS * 86_400_000
      ) {
        throw CaseErrors.ReopenWindowPassed({ params: { days: REOPEN_WINDOW_DAYS } });
      }
      const fromState = c.state;
      const spec = await this.s.calendar(tx);
      let deadlines = await this.s.deadlinesOf(tx, c);

      // Category and urgency are set when filing (the dispatcher may correct the resident's choice).
      if (type === 'file' && input.categoryCode && input.categoryCode !== c.categoryCode) {
        const cat = await this.s.taxonomy.activeCategory(tx, input.categoryCode);
        if (!cat)
          throw CaseErrors.UnknownCategory({
            params: { code: input.categoryCode },
            field: 'body/categoryCode',
          });
        c.categoryVersion = cat.version;
        c.categoryCode = cat.code;
        c.urgent = cat.urgent;
        c.departmentCode ??= cat.departmentCode;
        deadlines = cat.deadlines;
      }
      if (type === 'file' && input.urgent !== undefined) c.urgent = input.urgent;

      const stage = applyTransition(c, action, result, input, now, spec, deadlines);

      const saved = await repo.update(tx, c);
      const event = await this.s.record(tx, saved, {
        actor,
        action: type,
        fromState,
        departmentCode: departmentOf(action) ?? saved.departmentCode,
        stageDone: stage.stageDone,
        onTime: stage.onTime,
        note: input.note ?? input.comment ?? '',
        publicNote: [
          'reject',
          'report_back',
          'verify_pass',
          'evaluate',
          'void',
          'merge_into',
          'reopen',
        ].includes(type),
        data: eventData(action, input),
        notify: this.audiences(saved, type, result.effects, reporters),
      });
      if (input.photoIds?.length) {
        const n = await repo.attachPhotos(
          tx,
          saved.id,
          event.id,
          input.photoIds,
          actor.kind === 'user' ? actor.userId : null,
        );
        if (n !== input.photoIds.length)
          throw CaseErrors.UnknownPhoto({ params: { id: input.photoIds.join(',') } });
      }
      if (type === 'merge_into' && input.targetId !== undefined)
        await this.completeMerge(tx, actor, saved, input.targetId);
      if (key) {
        await repo.saveIdempotent(tx, {
          scope: key.scope,
          key: key.key,
          requestHash: key.hash,
          caseId: saved.id,
          response: { caseId: saved.id, action: type, eventState: saved.state },
          at: now,
        });
      }
      return saved;
    });
  }

  /** Turns the HTTP payload into a state-machine action, checking departments and rights. */
  private async buildAction(
    tx: Queryable,
    actor: Actor,
    c: CaseRecord,
    type: CaseActionType,
    input: WorkflowInput,
  ): Promise<CaseAction> {
    switch (type) {
      case 'dispatch': {
        const departments = input.departments?.length
          ? input.departments
          : c.departmentCode
            ? [c.departmentCode]
            : [];
        if (departments.length === 0)
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要指定部门', 'departments required') },
            field: 'body/departments',
          });
        await this.assertDepartments(tx, departments);
        return { type, departments };
      }
      case 'whistle': {
        const departments = input.departments ?? [];
        if (departments.length === 0)
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要指定部门', 'departments required') },
            field: 'body/departments',
          });
        await this.assertDepartments(tx, departments);
        return { type, departments };
      }
      case 'accept':
      case 'return':
      case 'report_back':
        return { type, department: this.actingDepartment(actor, c, input.department) };
      case 'request_extension':
        this.actingDepartment(actor, c, input.department);
        if (!input.minutes)
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要填写分钟数', 'minutes required') },
            field: 'body/minutes',
          });
        return { type };
      case 'reassign': {
        const from = input.from ?? c.departmentCode ?? '';
        if (!input.to)
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要指定目标', 'to required') },
            field: 'body/to',
          });
        await this.assertDepartments(tx, [input.to]);
        return { type, from, to: input.to };
      }
      case 'evaluate':
        if (!input.result)
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要填写处理结果', 'result required') },
            field: 'body/result',
          });
        return { type, result: input.result };
      case 'merge_into': {
        if (input.targetId === undefined || input.targetId === c.id) {
          throw CaseErrors.MergeTarget({
            params: { id: String(input.targetId ?? '') },
            field: 'body/targetId',
          });
        }
        const target = await this.s.deps.repo.findVisible(tx, input.targetId, this.s.visibility(actor));
        if (!target || ['rejected', 'voided'].includes(target.state)) {
          throw CaseErrors.MergeTarget({ params: { id: String(input.targetId) }, field: 'body/targetId' });
        }
        return { type, target: String(target.id) };
      }
      case 'file':
        if (!c.categoryCode && !input.categoryCode)
          throw CaseErrors.CategoryRequired({ field: 'body/categoryCode' });
        return { type };
      case 'reject':
      case 'void':
      case 'suspend':
        if (!input.note?.trim())
          throw CommonErrors.ValidationFailed({
            params: { detail: text('需要填写原因（备注）', 'a reason (note) is required') },
            field: 'body/note',
          });
        return { type };
      default:
        return { type } as CaseAction;
    }
  }

  /** The department a handler acts for: the one given, or their only department with a task here. */
  private actingDepartment(actor: Actor, c: CaseRecord, requested: string | undefined): string {
    const onCase = c.tasks.map((t) => t.department);
    if (actor.kind !== 'user' || actor.grants.some((g) => g.role === 'admin')) {
      const d = requested ?? onCase[0];
      if (!d) throw CaseErrors.NotYourTask();
      return d;
    }
    const mine = actor.grants
      .filter((g) => g.role === 'dept_handler' && g.departmentCode)
      .map((g) => g.departmentCode!);
    const candidates = mine.filter((d) => onCase.includes(d) && (requested === undefined || d === requested));
    if (candidates.length === 0) throw CaseErrors.NotYourTask();
    return candidates[0]!;
  }

  private async assertDepartments(tx: Queryable, codes: readonly string[]): Promise<void> {
    const { rows } = await tx.query<{ code: string }>(
      'SELECT code FROM departments WHERE code = ANY($1) AND active',
      [[...codes]],
    );
    const known = new Set(rows.map((r) => r.code));
    const missing = codes.find((d) => !known.has(d));
    if (missing) throw CaseErrors.UnknownDepartment({ params: { code: missing }, field: 'body/departments' });
  }

  /** The survivor of a merge takes over the reporters and records where they came from. */
  private async completeMerge(
    tx: Queryable,
    actor: Actor,
    merged: CaseRecord,
    targetId: number,
  ): Promise<void> {
    const { repo } = this.s.deps;
    const target = await repo.findById(tx, targetId, true);
    if (!target) return;
    await repo.moveReporters(tx, merged.id, target.id);
    await this.s.record(tx, target, {
      actor,
      action: 'merged_from',
      fromState: target.state,
      data: { mergedCaseId: merged.id, mergedPublicCode: merged.publicCode },
    });
  }

  private audiences(
    c: CaseRecord,
    type: CaseActionType,
    effects: readonly CaseEffect[],
    reporters: readonly number[],
  ): { audiences: Audience[]; titleZh: string; titleEn: string; smsReporters: boolean } | undefined {
    const audiences: Audience[] = [];
    if (effects.includes('notify_reporter') && reporters.length > 0)
      audiences.push({ kind: 'users', userIds: reporters });
    if (effects.includes('notify_departments')) {
      audiences.push({
        kind: 'departments',
        departments: c.tasks.filter((t) => t.status === 'open').map((t) => t.department),
      });
    }
    if (effects.includes('notify_dispatcher'))
      audiences.push({ kind: 'area_roles', roles: ['dispatcher'], gridCode: c.gridCode });
    if (type === 'request_extension')
      audiences.push({ kind: 'area_roles', roles: ['supervisor'], gridCode: c.gridCode });
    if (type === 'report_back' && c.state === 'reported_back') {
      audiences.push({ kind: 'area_roles', roles: ['grid_worker', 'supervisor'], gridCode: c.gridCode });
    }
    const title = TITLES[type];
    if (!title || (audiences.length === 0 && !effects.includes('notify_reporter'))) return undefined;
    return {
      audiences,
      titleZh: `案件 ${c.publicCode} ${title[0]}`,
      titleEn: `Case ${c.publicCode} ${title[1]}`,
      smsReporters: effects.includes('notify_reporter'),
    };
  }
}
