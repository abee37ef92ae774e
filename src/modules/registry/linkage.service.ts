/**
 * Entity resolution over the registry's source records: runs (on demand and after each import),
 * the per-area review queue, and merge / exact unmerge with provenance. A run decrypts the
 * records of the caller's areas in memory only, scores them (linkage-model.ts), merges the pairs
 * at or above the upper threshold — never two people holding different valid ID numbers, never a
 * pair a reviewer rejected — and queues the uncertain band for the registry officer of the
 * records' area. All writes of a use case and its audit record share one transaction.
 */

import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { type AreaScope, codeWithin } from '../../kernel/policy.js';
import type { Progress } from '../../kernel/progress.js';
import type { Clock } from '../../lib/clock.js';
import { CommonErrors } from '../../lib/errors.js';
import type { FieldCipher } from '../../lib/privacy.js';
import {
  LinkageRepository,
  type MaskedRecord,
  type PairStatus,
  type ReviewPair,
  type RunSummary,
  type SealedRecord,
} from './linkage.repository.js';
import { type ClearRecord, LABEL_PRIOR, RUN_FIELDS, runModel } from './linkage-model.js';
import { type MergeEntry, PersonHistoryRepository } from './person-history.repository.js';
import { RegistryErrors } from './registry.errors.js';
import { linkagePolicy } from './registry.policy.js';

/** Thresholds of a run: at or above `upper` merge, from `lower` to `upper` review. */
export interface LinkThresholds {
  upper: number;
  lower: number;
}

export const DEFAULT_THRESHOLDS: LinkThresholds = { upper: 0.9, lower: 0.5 };

/** What a run reports. */
export interface LinkRunReport {
  runId: number;
  mode: 'full' | 'incremental';
  records: number;
  pairsCompared: number;
  merged: number;
  queued: number;
  refused: number;
  durationMs: number;
}

/** A review pair with both records masked. */
export interface ReviewPairView extends ReviewPair {
  left: MaskedRecord | null;
  right: MaskedRecord | null;
}

export interface LinkageServiceDeps {
  audit: AuditWriter;
  cipher: FieldCipher;
  clock: Clock;
  /** Thresholds of runs (default 0.9 / 0.5). */
  thresholds?: LinkThresholds;
}

const inScopeOf = (scope: AreaScope, code: string | null): boolean =>
  scope.all || scope.codes.some((c) => codeWithin(c, code));

/** The GB 11643 birth date digits of an 18-character number, as YYYY-MM-DD (or undefined). */
function birthDateOfId(id: string): string | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return undefined;
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export class LinkageService {
  private readonly repo = new LinkageRepository();
  private readonly history = new PersonHistoryRepository();

  constructor(
    private readonly db: Db,
    private readonly deps: LinkageServiceDeps,
  ) {}

  private get thresholds(): LinkThresholds {
    return this.deps.thresholds ?? DEFAULT_THRESHOLDS;
  }

  /** Decrypts what a run compares; the clear values live only in this run's memory. */
  private clear(r: SealedRecord): ClearRecord {
    const c = this.deps.cipher;
    const id = r.idEnc && r.idKind === 'id_card' ? c.decrypt(r.idEnc) : undefined;
    const birth = r.birthDateEnc ? c.decrypt(r.birthDateEnc) : id ? birthDateOfId(id) : undefined;
    const values: ClearRecord['values'] = {};
    if (r.nameEnc) values.name = c.decrypt(r.nameEnc);
    if (id) values.id_number = id;
    if (birth) values.birth_date = birth;
    if (r.phoneEnc) values.phone = c.decrypt(r.phoneEnc);
    if (r.addressEnc) values.address = c.decrypt(r.addressEnc);
    return { recordId: r.id, fresh: r.fresh, values };
  }

  /**
   * One linkage run over the caller's areas (or `area` inside them): `incremental` compares only
   * records no run has compared yet against the rest. Serialised with imports and other runs.
   */
  async run(
    actor: Actor,
    o: { area?: string; mode?: 'full' | 'incremental'; progress?: Progress } = {},
  ): Promise<LinkRunReport> {
    linkagePolicy.assertPermits(actor, 'run');
    let scope = linkagePolicy.scopeFor(actor, 'run');
    if (o.area !== undefined) {
      if (!inScopeOf(scope, o.area)) throw CommonErrors.Forbidden();
      scope = { all: false, codes: [o.area] };
    }
    const mode = o.mode ?? 'full';
    const started = performance.now();
    const now = this.deps.clock.now();
    return this.db.transaction(async (tx) => {
      // The same lock as person imports: no import inserts people while a run merges them.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('civicgrid.registry.people'))");
      const runId = await this.repo.startRun(tx, {
        mode,
        by: actorLabel(actor),
        scope: scope.all ? null : scope.codes,
        at: now,
      });
      const report = await this.runIn(tx, actor, runId, scope, mode, now, o.progress);
      const durationMs = Math.round(performance.now() - started);
      await this.repo.finishRun(tx, runId, { ...report.log, durationMs, at: this.deps.clock.now() });
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.linkage_run',
        resourceType: 'linkage_run',
        resourceId: String(runId),
        details: {
          mode,
          scope: scope.all ? 'city' : scope.codes,
          records: report.log.records,
          pairsCompared: report.log.pairsCompared,
          merged: report.log.merged,
          queued: report.log.queued,
        },
      });
      return {
        runId,
        mode,
        records: report.log.records,
        pairsCompared: report.log.pairsCompared,
        merged: report.log.merged,
        queued: report.log.queued,
        refused: report.log.refused,
        durationMs,
      };
    });
  }

  private async runIn(
    tx: Queryable,
    actor: Actor,
    runId: number,
    scope: AreaScope,
    mode: 'full' | 'incremental',
    now: Date,
    progress?: Progress,
  ): Promise<{
    log: {
      records: number;
      pairsCompared: number;
      merged: number;
      queued: number;
      refused: number;
      params: Record<string, unknown>;
      compared: number[];
    };
  }> {
    const { upper, lower } = this.thresholds;
    const sealed = await this.repo.loadRecords(tx, scope);
    const empty = {
      records: sealed.length,
      pairsCompared: 0,
      merged: 0,
      queued: 0,
      refused: 0,
      compared: [],
    };
    if (sealed.length < 2 || (mode === 'incremental' && !sealed.some((r) => r.fresh))) {
      return { log: { ...empty, params: { upper, lower, skipped: true } } };
    }
    progress?.start('Linkage', sealed.length);
    const clear = sealed.map((r) => {
      progress?.tick(1);
      return this.clear(r);
    });
    const labels = await this.repo.labels(tx);
    const model = runModel(clear, labels, { lower, incremental: mode === 'incremental' });
    progress?.done();

    // Persons as union-find over the current people of the records.
    const personOfRecord = new Map(sealed.map((r) => [r.id, r.personId]));
    const parent = new Map<number, number>();
    const ids = new Map<number, Set<string>>();
    sealed.forEach((r, i) => {
      parent.set(r.personId, r.personId);
      const v = clear[i]?.values.id_number;
      if (r.idValid && v) {
        const set = ids.get(r.personId) ?? new Set<string>();
        set.add(v);
        ids.set(r.personId, set);
      }
    });
    const records = new Map<number, number>();
    for (const r of sealed) records.set(r.personId, (records.get(r.personId) ?? 0) + 1);
    const find = (p: number): number => {
      let x = p;
      while (parent.get(x) !== x) x = parent.get(x) as number;
      return x;
    };
    const nonMatches = labels.filter((l) => !l.isMatch);
    const labelled = new Set(labels.map((l) => `${l.recordA}:${l.recordB}`));
    const key = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`);
    const rejected = (ra: number, rb: number): boolean =>
      nonMatches.some((l) => {
        const pa = personOfRecord.get(l.recordA);
        const pb = personOfRecord.get(l.recordB);
        if (pa === undefined || pb === undefined) return false;
        const [x, y] = [find(pa), find(pb)];
        return (x === ra && y === rb) || (x === rb && y === ra);
      });
    const recordId = (i: number): number => (sealed[i] as SealedRecord).id;
    let merged = 0;
    let refused = 0;
    const review = [];
    const byProbability = [...model.pairs].sort((a, b) => b.probability - a.probability);
    for (const p of byProbability) {
      const ra = find(personOfRecord.get(recordId(p.left)) as number);
      const rb = find(personOfRecord.get(recordId(p.right)) as number);
      if (ra === rb) continue;
      if (p.probability < upper) {
        review.push(p);
        continue;
      }
      const ia = ids.get(ra);
      const ib = ids.get(rb);
      if (rejected(ra, rb)) continue;
      if (ia && ib && [...ib].some((x) => !ia.has(x))) {
        refused++;
        review.push(p);
        continue;
      }
      // The survivor: the person with a valid number, then the one with more records, then the older.
      const score = (x: number): [number, number, number] => [ids.has(x) ? 1 : 0, records.get(x) ?? 0, -x];
      const [sa, sb] = [score(ra), score(rb)];
      const aWins = sa[0] !== sb[0] ? sa[0] > sb[0] : sa[1] !== sb[1] ? sa[1] > sb[1] : sa[2] > sb[2];
      const [survivor, absorbed] = aWins ? [ra, rb] : [rb, ra];
      await this.history.merge(tx, survivor, absorbed, {
        kind: 'auto',
        runId,
        recordA: recordId(p.left),
        recordB: recordId(p.right),
        probability: p.probability,
        by: actorLabel(actor),
        at: now,
      });
      parent.set(absorbed, survivor);
      const union = new Set([...(ids.get(survivor) ?? []), ...(ids.get(absorbed) ?? [])]);
      if (union.size > 0) ids.set(survivor, union);
      records.set(survivor, (records.get(survivor) ?? 0) + (records.get(absorbed) ?? 0));
      merged++;
    }
    let queued = 0;
    for (const p of review) {
      const a = recordId(p.left);
      const b = recordId(p.right);
      if (labelled.has(key(a, b))) continue;
      const ra = find(personOfRecord.get(a) as number);
      const rb = find(personOfRecord.get(b) as number);
      if (ra === rb || rejected(ra, rb)) continue;
      const c = model.contributions(p);
      await this.repo.queuePair(tx, {
        recordA: a,
        recordB: b,
        areaCode: (sealed[p.left] as SealedRecord).gridCode ?? (sealed[p.right] as SealedRecord).gridCode,
        probability: p.probability,
        weight: p.weight,
        prior: c.prior,
        contributions: c.fields,
        runId,
        at: now,
      });
      queued++;
    }
    await this.repo.resolveMergedPairs(tx, runId, now);
    return {
      log: {
        records: sealed.length,
        pairsCompared: model.compared,
        merged,
        queued,
        refused,
        compared: sealed.map((r) => r.id),
        params: {
          upper,
          lower,
          fields: RUN_FIELDS,
          lambda: model.params.lambda,
          m: model.params.m,
          u: model.params.u,
          iterations: model.params.iterations,
          converged: model.params.converged,
          em: model.emParams,
          labelled: model.labelled,
          labelPrior: LABEL_PRIOR,
        },
      },
    };
  }

  /** Runs, newest first (admins). */
  async listRuns(actor: Actor, limit: number): Promise<RunSummary[]> {
    linkagePolicy.assertPermits(actor, 'run');
    return this.repo.listRuns(this.db, limit);
  }

  private async view(q: Queryable, pairs: ReviewPair[]): Promise<ReviewPairView[]> {
    const masked = await this.repo.maskedRecords(
      q,
      pairs.flatMap((p) => [p.recordA, p.recordB]),
    );
    return pairs.map((p) => ({
      ...p,
      left: masked.get(p.recordA) ?? null,
      right: masked.get(p.recordB) ?? null,
    }));
  }

  /** The review queue of the caller's areas: both records masked, with the weight waterfall. */
  async listPairs(
    actor: Actor,
    f: { status?: PairStatus; within?: string; limit: number; offset: number },
  ): Promise<{ items: ReviewPairView[]; total: number }> {
    linkagePolicy.assertPermits(actor, 'review');
    const page = await this.repo.listPairs(this.db, linkagePolicy.scopeFor(actor, 'review'), {
      status: f.status ?? 'pending',
      ...(f.within ? { within: f.within } : {}),
      limit: f.limit,
      offset: f.offset,
    });
    return { items: await this.view(this.db, page.items), total: page.total };
  }

  /** One pair of the caller's areas (404 outside them). */
  async getPair(actor: Actor, id: number): Promise<ReviewPairView> {
    linkagePolicy.assertPermits(actor, 'review');
    const p = await this.repo.findPair(this.db, linkagePolicy.scopeFor(actor, 'review'), id);
    if (!p) throw RegistryErrors.PairNotFound({ params: { id } });
    return (await this.view(this.db, [p]))[0] as ReviewPairView;
  }

  /**
   * Decides a pending (or unsure) pair: accept merges the two people, reject keeps every future
   * run from merging them, not sure leaves it for later. A pair a run or another decision
   * resolved meanwhile is refused with 409 and its current state. Audited, one transaction.
   */
  async decide(actor: Actor, id: number, decision: 'accept' | 'reject' | 'unsure'): Promise<ReviewPairView> {
    linkagePolicy.assertPermits(actor, 'review');
    const scope = linkagePolicy.scopeFor(actor, 'review');
    const now = this.deps.clock.now();
    const by = actorLabel(actor);
    return this.db.transaction(async (tx) => {
      const pair = await this.repo.findPair(tx, scope, id, true);
      if (!pair) throw RegistryErrors.PairNotFound({ params: { id } });
      const persons = await this.repo.personsOf(tx, [pair.recordA, pair.recordB]);
      const pa = persons.get(pair.recordA);
      const pb = persons.get(pair.recordB);
      if (pair.status === 'pending' || pair.status === 'unsure') {
        if (pa !== undefined && pa === pb) {
          // Merged meanwhile (another decision): the pair is resolved.
          await this.repo.resolveMergedPairs(tx, null, now);
          pair.status = 'resolved';
        }
      }
      if (pair.status !== 'pending' && pair.status !== 'unsure') {
        const [current] = await this.view(tx, [pair]);
        throw RegistryErrors.PairAlreadyResolved({
          params: { id, status: pair.status },
          details: { pair: presentPair(current as ReviewPairView) },
        });
      }
      const status = decision === 'accept' ? 'accepted' : decision === 'reject' ? 'rejected' : 'unsure';
      let mergeId: number | undefined;
      if (decision === 'accept' && pa !== undefined && pb !== undefined) {
        const idsOf = async (person: number): Promise<Set<string>> => {
          const { rows } = await tx.query<{ id_hash: string }>(
            `SELECT DISTINCT id_hash FROM person_records WHERE person_id = $1 AND id_valid AND id_hash IS NOT NULL`,
            [person],
          );
          return new Set(rows.map((r) => r.id_hash));
        };
        const [ia, ib] = [await idsOf(pa), await idsOf(pb)];
        if (ia.size > 0 && ib.size > 0 && [...ib].some((x) => !ia.has(x))) {
          throw RegistryErrors.DifferentIdNumbers();
        }
        const [survivor, absorbed] =
          ib.size > ia.size || (ib.size === ia.size && pb < pa) ? [pb, pa] : [pa, pb];
        mergeId = await this.history.merge(tx, survivor, absorbed, {
          kind: 'review',
          pairId: id,
          recordA: pair.recordA,
          recordB: pair.recordB,
          probability: pair.probability,
          by,
          at: now,
        });
      }
      await this.repo.decidePair(tx, id, { status, by, at: now });
      if (decision !== 'unsure') {
        await this.repo.upsertLabel(tx, {
          recordA: pair.recordA,
          recordB: pair.recordB,
          isMatch: decision === 'accept',
          pairId: id,
          by,
          at: now,
        });
      }
      if (mergeId !== undefined) await this.repo.resolveMergedPairs(tx, null, now);
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.linkage_decision',
        resourceType: 'linkage_pair',
        resourceId: String(id),
        areaCode: pair.areaCode,
        details: { decision, probability: pair.probability, ...(mergeId !== undefined ? { mergeId } : {}) },
      });
      const after = await this.repo.findPair(tx, scope, id);
      return (await this.view(tx, [after as ReviewPair]))[0] as ReviewPairView;
    });
  }

  /**
   * What the person page needs: the department records the person is linked from (masked) and
   * the merges the person took part in. 404 outside the reader's areas.
   */
  async personLinks(
    actor: Actor,
    personId: number,
  ): Promise<{ records: MaskedRecord[]; sources: number; merges: MergeEntry[] }> {
    linkagePolicy.assertPermits(actor, 'read');
    const scope = linkagePolicy.scopeFor(actor, 'read');
    const { rows } = await this.db.query<{ grid_code: string | null }>(
      'SELECT grid_code FROM people WHERE id = $1 AND merged_into IS NULL',
      [personId],
    );
    const person = rows[0];
    if (!person || !inScopeOf(scope, person.grid_code)) {
      throw RegistryErrors.PersonNotFound({ params: { id: personId } });
    }
    const records = await this.repo.recordsOfPerson(this.db, personId);
    return {
      records,
      sources: new Set(records.map((r) => r.source)).size,
      merges: await this.history.mergesOf(this.db, personId),
    };
  }

  /**
   * Undoes a merge exactly (see PersonHistoryRepository.unmerge) and labels the pair that caused
   * it a non-match, so no later run merges the two again. Audited, one transaction.
   */
  async unmerge(actor: Actor, mergeId: number): Promise<MergeEntry> {
    linkagePolicy.assertPermits(actor, 'unmerge');
    const scope = linkagePolicy.scopeFor(actor, 'unmerge');
    const now = this.deps.clock.now();
    const by = actorLabel(actor);
    return this.db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('civicgrid.registry.people'))");
      const m = await this.history.findMerge(tx, mergeId, true);
      const grid = m
        ? (
            await tx.query<{ grid_code: string | null }>('SELECT grid_code FROM people WHERE id = $1', [
              m.survivorId,
            ])
          ).rows[0]?.grid_code
        : undefined;
      if (!m || grid === undefined || !inScopeOf(scope, grid)) {
        throw RegistryErrors.MergeNotFound({ params: { id: mergeId } });
      }
      const blocker = await this.history.unmergeBlocker(tx, m);
      if (blocker) {
        throw RegistryErrors.UnmergeBlocked({
          params: {
            id: mergeId,
            reason:
              blocker === 'already_unmerged'
                ? { 'zh-CN': '已撤销', en: 'it is undone already' }
                : { 'zh-CN': '请先撤销之后的合并', en: 'undo the later merges into the same person first' },
          },
        });
      }
      await this.history.unmerge(tx, mergeId, by, now);
      if (m.recordA !== null && m.recordB !== null) {
        await this.repo.upsertLabel(tx, {
          recordA: m.recordA,
          recordB: m.recordB,
          isMatch: false,
          pairId: m.pairId,
          by,
          at: now,
        });
      }
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.person_unmerge',
        resourceType: 'person_merge',
        resourceId: String(mergeId),
        areaCode: grid,
        details: { survivor: m.survivorId, absorbed: m.absorbedId },
      });
      return (await this.history.findMerge(tx, mergeId)) as MergeEntry;
    });
  }
}

/** A pair as the API and a 409's details show it (masked only). */
export function presentPair(p: ReviewPairView) {
  const record = (r: MaskedRecord | null) =>
    r && {
      id: r.id,
      personId: r.personId,
      source: r.source,
      fileName: r.fileName,
      row: r.rowNo,
      idKind: r.idKind,
      idNumber: r.idMasked,
      name: r.nameMasked,
      phone: r.phoneMasked,
      address: r.addressMasked,
      gender: r.gender,
      birthYear: r.birthYear,
      gridCode: r.gridCode,
    };
  return {
    id: p.id,
    status: p.status,
    areaCode: p.areaCode,
    probability: p.probability,
    weight: p.weight,
    waterfall: { prior: p.prior, fields: p.contributions },
    runId: p.runId,
    resolvedRunId: p.resolvedRunId,
    decidedBy: p.decidedBy,
    decidedAt: p.decidedAt ? p.decidedAt.toISOString() : null,
    left: record(p.left),
    right: record(p.right),
  };
}
