/**
 * Cohorts (重点人群): definitions by rule, manual additions, membership recomputation with its
 * history, department flag imports, cohort grants and the audited member lists and exports.
 */

import type { Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import { type AreaScope, codeWithin, refusal } from '../../kernel/policy.js';
import { CareErrors } from './care.errors.js';
import { careAdminPolicy, memberScope } from './care.policy.js';
import type { CohortRow, MemberRow } from './care.repository.js';
import {
  CARE_FLAGS,
  type CareFlag,
  type CohortRule,
  checkRule,
  flagHashInput,
  ruleSql,
} from './care-rules.js';
import type { CareSupport } from './care-support.js';

/** A cohort as the API shows it; `label` is null (masked) unless the reader may see it. */
export interface CohortView {
  id: number;
  areaCode: string | null;
  label: string | null;
  labelMasked: boolean;
  /** The rule, only for the cohort's managers (it tells what the cohort is). */
  rule: CohortRule | null;
  members: number;
  frequency: string | null;
  evaluatedAt: string | null;
  updatedAt: string;
}

/** What one recomputation changed. */
export interface RecomputeReport {
  cohortId: number;
  entered: number;
  left: number;
  members: number;
}

/** One row of a department's flag file. */
export interface FlagRow {
  rowNo: number;
  values: Record<string, string>;
}

/** Column names departments use for a flag file. */
const FLAG_COLUMNS = {
  idNumber: ['id_number', 'idNumber', '身份证号', '身份证号码', '公民身份号码'],
  flag: ['flag', '标记', '类别'],
  level: ['level', '等级', '级别'],
  action: ['action', '操作'],
};

function pick(values: Record<string, string>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = values[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** Cohort use cases; every one checks access first and runs in one transaction with its audit record. */
export class CareCohortService {
  constructor(private readonly s: CareSupport) {}

  private get db() {
    return this.s.deps.db;
  }

  private view(actor: Actor, c: CohortRow, grants: Awaited<ReturnType<CareSupport['grantsOf']>>): CohortView {
    const label = this.s.labelFor(actor, c, grants);
    const manages = actor.kind === 'system' || this.s.manages(actor, c);
    return {
      id: c.id,
      areaCode: c.areaCode,
      label,
      labelMasked: label === null,
      rule: manages ? (JSON.parse(this.s.deps.cipher.decrypt(c.ruleEnc)) as CohortRule) : null,
      members: c.members,
      frequency: c.frequency,
      evaluatedAt: c.evaluatedAt?.toISOString() ?? null,
      updatedAt: c.updatedAt.toISOString(),
    };
  }

  /** Defines a cohort and computes its members at once. Unknown field / wrong type: 400, nothing saved. */
  async define(
    actor: Actor,
    input: { label: string; areaCode: string | null; rule: CohortRule },
  ): Promise<CohortView & RecomputeReport> {
    careAdminPolicy.assert(actor, 'define', { areaCode: input.areaCode });
    checkRule(input.rule);
    const { cipher, clock, audit } = this.s.deps;
    const at = clock.now();
    return this.db.transaction(async (tx) => {
      const id = await this.s.repo.insertCohort(tx, {
        areaCode: input.areaCode,
        labelEnc: cipher.encrypt(input.label),
        ruleEnc: cipher.encrypt(JSON.stringify(input.rule)),
        by: actorLabel(actor),
        at,
      });
      await audit.record(tx, {
        actor,
        action: 'care.cohort_define',
        resourceType: 'care_cohort',
        resourceId: String(id),
        areaCode: input.areaCode,
      });
      const report = await this.recomputeIn(tx, id, { trigger: 'defined', by: actorLabel(actor) });
      const row = (await this.s.repo.getCohort(tx, id))!;
      return { ...this.view(actor, row, []), ...report };
    });
  }

  /** Changes a cohort's label and/or rule, then recomputes its members. */
  async update(
    actor: Actor,
    id: number,
    input: { label?: string; rule?: CohortRule },
  ): Promise<CohortView & RecomputeReport> {
    careAdminPolicy.assertPermits(actor, 'define');
    if (input.rule) checkRule(input.rule);
    const { cipher, clock, audit } = this.s.deps;
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, id, true);
      if (!c || !careAdminPolicy.can(actor, 'define', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id } });
      await this.s.repo.updateCohort(tx, id, {
        ...(input.label !== undefined ? { labelEnc: cipher.encrypt(input.label) } : {}),
        ...(input.rule !== undefined ? { ruleEnc: cipher.encrypt(JSON.stringify(input.rule)) } : {}),
        at: clock.now(),
      });
      await audit.record(tx, {
        actor,
        action: 'care.cohort_update',
        resourceType: 'care_cohort',
        resourceId: String(id),
        areaCode: c.areaCode,
        details: { label: input.label !== undefined, rule: input.rule !== undefined },
      });
      const report = await this.recomputeIn(tx, id, { trigger: 'updated', by: actorLabel(actor) });
      return { ...this.view(actor, (await this.s.repo.getCohort(tx, id))!, []), ...report };
    });
  }

  /** Cohorts the actor manages or holds a grant for; labels masked where the actor may not see them. */
  async list(actor: Actor): Promise<CohortView[]> {
    if (actor.kind === 'anonymous') throw refusal(actor);
    const grants = await this.s.grantsOf(actor);
    const scope = careAdminPolicy.scopeFor(actor, 'read');
    const rows = await this.s.repo.listCohorts(
      this.db,
      scope,
      grants.map((g) => g.cohortId),
    );
    return rows.map((c) => this.view(actor, c, grants));
  }

  /** One cohort (404 unless the actor manages it or holds a grant for it). */
  async get(actor: Actor, id: number): Promise<CohortView> {
    if (actor.kind === 'anonymous') throw refusal(actor);
    const grants = await this.s.grantsOf(actor);
    const c = await this.s.repo.getCohort(this.db, id);
    if (!c || !(actor.kind === 'system' || this.s.manages(actor, c) || grants.some((g) => g.cohortId === id)))
      throw CareErrors.CohortNotFound({ params: { id } });
    return this.view(actor, c, grants);
  }

  /** Recomputes one cohort on demand (its managers). */
  async recompute(actor: Actor, id: number): Promise<RecomputeReport> {
    careAdminPolicy.assertPermits(actor, 'evaluate');
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, id, true);
      if (!c || !careAdminPolicy.can(actor, 'evaluate', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id } });
      const report = await this.recomputeIn(tx, id, { trigger: 'on_demand', by: actorLabel(actor) });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.cohort_recompute',
        resourceType: 'care_cohort',
        resourceId: String(id),
        areaCode: c.areaCode,
        details: { entered: report.entered, left: report.left, members: report.members },
      });
      return report;
    });
  }

  /**
   * Recomputes every cohort inside the caller's transaction: after a registry import (the
   * `registry.imported` event), a flag import and on the schedule.
   */
  async recomputeAllIn(tx: Queryable, trigger: string, by: string): Promise<RecomputeReport[]> {
    const out: RecomputeReport[] = [];
    for (const c of await this.s.repo.allCohorts(tx))
      out.push(await this.recomputeIn(tx, c.id, { trigger, by }));
    return out;
  }

  /** Recomputes every cohort, one transaction each (the scheduler). */
  async recomputeAll(trigger: string, by: string): Promise<RecomputeReport[]> {
    const out: RecomputeReport[] = [];
    for (const c of await this.s.repo.allCohorts(this.db)) {
      out.push(
        await this.db.transaction(async (tx) => {
          await this.s.repo.getCohort(tx, c.id, true);
          return this.recomputeIn(tx, c.id, { trigger, by });
        }),
      );
    }
    return out;
  }

  private async recomputeIn(
    tx: Queryable,
    cohortId: number,
    how: { trigger: string; by: string },
  ): Promise<RecomputeReport> {
    const all = await this.s.repo.allCohorts(tx);
    const c = all.find((x) => x.id === cohortId);
    if (!c) throw CareErrors.CohortNotFound({ params: { id: cohortId } });
    const { cipher, clock } = this.s.deps;
    const at = clock.now();
    const rule = JSON.parse(cipher.decrypt(c.ruleEnc)) as CohortRule;
    const params: unknown[] = [];
    const sql = ruleSql(rule, {
      params,
      flagKey: (f: CareFlag) => cipher.lookupHash(flagHashInput(f)),
      year: Number(new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 4)),
    });
    const r = await this.s.repo.recompute(tx, {
      cohortId,
      areaCode: c.areaCode,
      ruleSql: sql,
      params,
      trigger: how.trigger,
      by: how.by,
      at,
    });
    return { cohortId, ...r };
  }

  /** Adds a person by hand with a reason (sealed), then recomputes; the person must lie in the cohort's area. */
  async addManual(
    actor: Actor,
    id: number,
    input: { personId: number; reason: string },
  ): Promise<RecomputeReport> {
    careAdminPolicy.assertPermits(actor, 'define');
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, id, true);
      if (!c || !careAdminPolicy.can(actor, 'define', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id } });
      const person = await this.s.repo.personGrid(tx, input.personId);
      if (!person || !codeWithin(c.areaCode, person.gridCode))
        throw CareErrors.PersonNotFound({ params: { id: input.personId } });
      await this.s.repo.addManual(tx, {
        cohortId: id,
        personId: input.personId,
        reasonEnc: this.s.deps.cipher.encrypt(input.reason),
        by: actorLabel(actor),
        at: this.s.deps.clock.now(),
      });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.member_add',
        resourceType: 'care_cohort',
        resourceId: String(id),
        areaCode: person.gridCode,
        details: { personId: input.personId },
      });
      return this.recomputeIn(tx, id, { trigger: 'manual', by: actorLabel(actor) });
    });
  }

  /** Ends a manual addition, then recomputes (the person stays if the rule still matches). */
  async removeManual(actor: Actor, id: number, personId: number): Promise<RecomputeReport> {
    careAdminPolicy.assertPermits(actor, 'define');
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, id, true);
      if (!c || !careAdminPolicy.can(actor, 'define', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id } });
      if (!(await this.s.repo.removeManual(tx, id, personId, actorLabel(actor), this.s.deps.clock.now())))
        throw CareErrors.MemberNotFound({ params: { id: personId } });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.member_remove',
        resourceType: 'care_cohort',
        resourceId: String(id),
        areaCode: c.areaCode,
        details: { personId },
      });
      return this.recomputeIn(tx, id, { trigger: 'manual', by: actorLabel(actor) });
    });
  }

  /**
   * Imports a department's flag file (id_number, flag, level?, action? set|clear), all or
   * nothing; unknown people and flags go to the rejection report (never the ID number itself).
   * Every cohort is recomputed in the same transaction.
   */
  async importFlags(
    actor: Actor,
    input: { source: string; fileName: string; rows: AsyncIterable<FlagRow> },
  ): Promise<{
    rows: number;
    set: number;
    cleared: number;
    rejected: number;
    rejections: Array<{ row: number; field: string; reason: string }>;
    cohorts: RecomputeReport[];
  }> {
    careAdminPolicy.assert(actor, 'import_flags', { areaCode: null });
    const { cipher, clock, audit } = this.s.deps;
    const rejections: Array<{ row: number; field: string; reason: string }> = [];
    const parsed: Array<{
      rowNo: number;
      idHash: string;
      flag: CareFlag;
      level: number | null;
      clear: boolean;
    }> = [];
    let rows = 0;
    for await (const r of input.rows) {
      rows++;
      const id = pick(r.values, FLAG_COLUMNS.idNumber)?.toUpperCase();
      const flag = pick(r.values, FLAG_COLUMNS.flag);
      const levelRaw = pick(r.values, FLAG_COLUMNS.level);
      const action = pick(r.values, FLAG_COLUMNS.action) ?? 'set';
      if (!id) rejections.push({ row: r.rowNo, field: 'id_number', reason: 'missing' });
      if (!flag || !(CARE_FLAGS as readonly string[]).includes(flag))
        rejections.push({ row: r.rowNo, field: 'flag', reason: `must be one of ${CARE_FLAGS.join(', ')}` });
      const level = levelRaw === undefined ? null : Number(levelRaw);
      if (level !== null && !(Number.isInteger(level) && level >= 1 && level <= 4))
        rejections.push({ row: r.rowNo, field: 'level', reason: 'must be an integer 1..4' });
      if (action !== 'set' && action !== 'clear')
        rejections.push({ row: r.rowNo, field: 'action', reason: 'must be set or clear' });
      if (rejections.at(-1)?.row === r.rowNo || !id || !flag) continue;
      parsed.push({
        rowNo: r.rowNo,
        idHash: cipher.lookupHash(id),
        flag: flag as CareFlag,
        level,
        clear: action === 'clear',
      });
    }
    return this.db.transaction(async (tx) => {
      const people = await this.s.repo.peopleByIdHash(
        tx,
        parsed.map((p) => p.idHash),
      );
      const set: Array<{ personId: number; flagKey: string; level: number | null; source: string }> = [];
      const clear: Array<{ personId: number; flagKey: string }> = [];
      for (const p of parsed) {
        const personId = people.get(p.idHash);
        if (personId === undefined) {
          rejections.push({ row: p.rowNo, field: 'id_number', reason: 'no such person in the registry' });
          continue;
        }
        const flagKey = cipher.lookupHash(flagHashInput(p.flag));
        if (p.clear) clear.push({ personId, flagKey });
        else set.push({ personId, flagKey, level: p.level, source: input.source });
      }
      await this.s.repo.upsertFlags(tx, set, clock.now());
      await this.s.repo.clearFlags(tx, clear);
      const cohorts = await this.recomputeAllIn(tx, 'flag_import', actorLabel(actor));
      rejections.sort((a, b) => a.row - b.row);
      const rejected = new Set(rejections.map((r) => r.row)).size;
      await audit.record(tx, {
        actor,
        action: 'care.flags_import',
        resourceType: 'care_flags',
        resourceId: input.fileName,
        details: { source: input.source, rows, set: set.length, cleared: clear.length, rejected },
      });
      return { rows, set: set.length, cleared: clear.length, rejected, rejections, cohorts };
    });
  }

  /** Grants a user this cohort inside an area (within the granting admin's area and the cohort's). */
  async grant(
    actor: Actor,
    cohortId: number,
    input: { userId: number; areaCode: string | null },
  ): Promise<{ id: number; userId: number; cohortId: number; areaCode: string | null }> {
    careAdminPolicy.assertPermits(actor, 'grant');
    return this.db.transaction(async (tx) => {
      const c = await this.s.repo.getCohort(tx, cohortId);
      if (!c || !careAdminPolicy.can(actor, 'grant', { areaCode: c.areaCode }))
        throw CareErrors.CohortNotFound({ params: { id: cohortId } });
      const areaCode = input.areaCode ?? c.areaCode;
      careAdminPolicy.assert(actor, 'grant', { areaCode });
      if (!codeWithin(c.areaCode, areaCode)) throw CareErrors.CohortNotFound({ params: { id: cohortId } });
      if (!(await this.s.repo.userExists(tx, input.userId)))
        throw CareErrors.UserNotFound({ params: { id: input.userId } });
      const id = await this.s.repo.insertGrant(tx, {
        userId: input.userId,
        cohortId,
        areaCode,
        by: actorLabel(actor),
        at: this.s.deps.clock.now(),
      });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.grant_add',
        resourceType: 'care_grant',
        resourceId: String(id),
        areaCode,
        details: { userId: input.userId, cohortId },
      });
      return { id, userId: input.userId, cohortId, areaCode };
    });
  }

  /** Revokes a cohort grant. */
  async revokeGrant(actor: Actor, grantId: number): Promise<void> {
    careAdminPolicy.assertPermits(actor, 'grant');
    await this.db.transaction(async (tx) => {
      const g = await this.s.repo.findGrant(tx, grantId);
      if (!g || !careAdminPolicy.can(actor, 'grant', { areaCode: g.areaCode }))
        throw CareErrors.GrantNotFound({ params: { id: grantId } });
      await this.s.repo.revokeGrant(tx, grantId, actorLabel(actor), this.s.deps.clock.now());
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.grant_revoke',
        resourceType: 'care_grant',
        resourceId: String(grantId),
        areaCode: g.areaCode,
        details: { userId: g.userId, cohortId: g.cohortId },
      });
    });
  }

  /** The active grants of a cohort (its managers). */
  async grants(
    actor: Actor,
    cohortId: number,
  ): Promise<Array<{ id: number; userId: number; areaCode: string | null; grantedAt: string }>> {
    careAdminPolicy.assertPermits(actor, 'grant');
    const c = await this.s.repo.getCohort(this.db, cohortId);
    if (!c || !careAdminPolicy.can(actor, 'grant', { areaCode: c.areaCode }))
      throw CareErrors.CohortNotFound({ params: { id: cohortId } });
    return (await this.s.repo.grantsOfCohort(this.db, cohortId)).map((g) => ({
      id: g.id,
      userId: g.userId,
      areaCode: g.areaCode,
      grantedAt: g.grantedAt.toISOString(),
    }));
  }

  /** The scope in which the actor reads this cohort's members; 404 when it is empty. */
  private async readScope(
    actor: Actor,
    cohortId: number,
    action: 'read' | 'export',
  ): Promise<{ cohort: CohortRow; scope: AreaScope; label: string | null }> {
    if (actor.kind === 'anonymous') throw refusal(actor);
    const grants = await this.s.grantsOf(actor);
    const cohort = await this.s.repo.getCohort(this.db, cohortId);
    const scope = memberScope(actor, grants, cohortId, action);
    if (!cohort || (!scope.all && scope.codes.length === 0))
      throw CareErrors.CohortNotFound({ params: { id: cohortId } });
    return { cohort, scope, label: this.s.labelFor(actor, cohort, grants) };
  }

  /** Members inside the reader's granted area, masked; the view is audited with its purpose. */
  async members(
    actor: Actor,
    cohortId: number,
    f: { purpose: string; within?: string; limit: number; offset: number },
  ): Promise<{ cohortId: number; label: string | null; items: MemberRow[]; total: number }> {
    const { cohort, scope, label } = await this.readScope(actor, cohortId, 'read');
    return this.db.transaction(async (tx) => {
      const page = await this.s.repo.listMembers(tx, cohortId, scope, f);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.members_view',
        resourceType: 'care_cohort',
        resourceId: String(cohortId),
        areaCode: f.within ?? cohort.areaCode,
        purpose: f.purpose,
        details: { shown: page.items.length, total: page.total, offset: f.offset },
      });
      return { cohortId, label, ...page };
    });
  }

  /** All members inside the reader's granted area as CSV (masked); audited with its purpose. */
  async exportMembers(
    actor: Actor,
    cohortId: number,
    f: { purpose: string; within?: string },
  ): Promise<{ csv: string; rows: number }> {
    const { cohort, scope } = await this.readScope(actor, cohortId, 'export');
    return this.db.transaction(async (tx) => {
      const page = await this.s.repo.listMembers(tx, cohortId, scope, {
        ...(f.within ? { within: f.within } : {}),
        limit: 1_000_000,
        offset: 0,
      });
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.members_export',
        resourceType: 'care_cohort',
        resourceId: String(cohortId),
        areaCode: f.within ?? cohort.areaCode,
        purpose: f.purpose,
        details: { rows: page.items.length },
      });
      const esc = (v: string | number | null) => {
        const s = v === null ? '' : String(v);
        // A leading = + - @ would be a formula in a spreadsheet.
        const safe = /^[=+\-@]/.test(s) ? `'${s}` : s;
        return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
      };
      const lines = ['person_id,name,id_number,gender,birth_year,grid_code,household_no,via,since'];
      for (const m of page.items)
        lines.push(
          [
            m.personId,
            m.nameMasked,
            m.idMasked,
            m.gender,
            m.birthYear,
            m.gridCode,
            m.householdNo,
            m.via,
            m.since.toISOString(),
          ]
            .map(esc)
            .join(','),
        );
      return { csv: `${lines.join('\n')}\n`, rows: page.items.length };
    });
  }

  /** Who entered and left (newest first) inside the reader's granted area; audited with its purpose. */
  async changes(
    actor: Actor,
    cohortId: number,
    f: { purpose: string; personId?: number; limit: number },
  ): Promise<
    Array<{ personId: number; change: string; reason: string; trigger: string; by: string; at: string }>
  > {
    const { cohort, scope } = await this.readScope(actor, cohortId, 'read');
    return this.db.transaction(async (tx) => {
      const rows = await this.s.repo.changes(tx, cohortId, scope, f);
      await this.s.deps.audit.record(tx, {
        actor,
        action: 'care.changes_view',
        resourceType: 'care_cohort',
        resourceId: String(cohortId),
        areaCode: cohort.areaCode,
        purpose: f.purpose,
        details: { shown: rows.length },
      });
      return rows.map((r) => ({ ...r, at: r.at.toISOString() }));
    });
  }
}
