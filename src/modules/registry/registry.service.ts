import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { Progress } from '../../kernel/progress.js';
import type { Clock } from '../../lib/clock.js';
import { definedFields } from '../../lib/defined.js';
import type { FieldCipher } from '../../lib/privacy.js';
import { LocateService } from '../grid/index.js';
import type { ConflictRecord } from './conflict.repository.js';
import type { PersonSummary } from './person.repository.js';
import type { Rejection } from './person.types.js';
import { importPersonBatch } from './person-import.js';
import type { GridQuality } from './quality.repository.js';
import { RecordRepository, type RecordSummary } from './record.repository.js';
import { type LocatedRecordRow, mergeRecordBatch, readRecordFile } from './record-import.js';
import { RECORD_SPECS, type RecordKind } from './record-kinds.js';
import { RegistryErrors } from './registry.errors.js';
import { personPolicy, registryImportPolicy } from './registry.policy.js';
import { RegistryRepository } from './registry.repository.js';
import type { ProvenanceEntry } from './registry-batch.repository.js';
import type { TableRow } from './tabular-file.js';

/** What a person import did; `rejections` is the per-row report (row, field, reason). */
export interface ImportReport {
  batchId: number;
  source: string;
  fileName: string;
  rows: number;
  /** New records created. */
  created: number;
  /** Rows that matched an existing record (by identity-number hash) and merged into it. */
  merged: number;
  /** Empty fields of existing records filled from this file. */
  filled: number;
  /** Disagreements kept for a person to resolve. */
  conflicts: number;
  rejected: number;
  rejections: Rejection[];
}

/** The clear values an audited reveal returns. */
export interface RevealedPerson {
  id: number;
  name: string | null;
  idNumber: string | null;
  phone: string | null;
}

/** Fields a reveal may ask for (minimum necessary: ask only for what the purpose needs). */
export type RevealField = 'name' | 'idNumber' | 'phone';

/** Dependencies of the registry service. */
export interface RegistryServiceDeps {
  audit: AuditWriter;
  cipher: FieldCipher;
  clock: Clock;
  /**
   * Places rows with coordinates into their grid. The app passes its shared index; without one
   * (tools, older tests) the service builds its own over the same database on first use.
   */
  locate?: LocateService;
  /** Where `registry.imported` is published, in the import's transaction (care recomputes its cohorts). */
  events?: DomainEvents;
}

/** Every kind a department file can carry. */
export type RegistryFileKind = 'person' | RecordKind;

/** One department file to import: what it holds, where it comes from, its rows. */
export interface RegistryFileInput {
  source: string;
  fileName: string;
  rows: AsyncIterable<TableRow>;
  progress?: Progress;
  expectedRows?: number;
}

/**
 * The base data "one map, three reals" (一标三实): department files merged into one population
 * register with provenance per value and conflicts instead of overwrites; masked reads scoped to
 * the reader's area in SQL; clear values only through an audited reveal.
 */
export class RegistryService {
  private ownLocate: LocateService | undefined;

  constructor(
    private readonly db: Db,
    private readonly deps: RegistryServiceDeps,
    private readonly repo = new RegistryRepository(),
    private readonly records = new RecordRepository(),
  ) {}

  private get locate(): LocateService {
    if (this.deps.locate) return this.deps.locate;
    this.ownLocate ??= new LocateService(this.db);
    return this.ownLocate;
  }

  /** Imports a department file of any kind: people through their bulk pipeline, the rest through importRecords. */
  async importFile(
    actor: Actor,
    input: RegistryFileInput & { kind: RegistryFileKind },
  ): Promise<ImportReport> {
    const { kind, ...rest } = input;
    return kind === 'person' ? this.importPeople(actor, rest) : this.importRecords(actor, { ...rest, kind });
  }

  /**
   * Imports one file of standard addresses, buildings, households or organisations from one
   * department, all or nothing. Rows are read, validated, sealed and located before the
   * transaction (the locate index reads the database itself, and PGlite has one connection);
   * then one transaction opens the batch, merges on the natural key (conflicts, not
   * overwrites), writes provenance, closes the batch and records the audit entry.
   */
  async importRecords(actor: Actor, input: RegistryFileInput & { kind: RecordKind }): Promise<ImportReport> {
    registryImportPolicy.assertPermits(actor, 'import');
    const spec = RECORD_SPECS[input.kind];
    const now = this.deps.clock.now();
    if (!(await this.repo.batches.departmentExists(this.db, input.source))) {
      throw RegistryErrors.UnknownSource({ params: { source: input.source } });
    }
    input.progress?.start(`${spec.table} from ${input.source}`, input.expectedRows ?? 0);
    const read = await readRecordFile(spec, input.rows, {
      cipher: this.deps.cipher,
      ...(input.progress ? { progress: input.progress } : {}),
    });
    const rejections = read.rejections;
    const withPoint = read.parsed.filter((r) => r.point !== undefined);
    const grids = await this.locate.locateMany(withPoint.map((r) => r.point!));
    const gridOf = new Map(withPoint.map((r, i) => [r, grids[i] ?? null]));
    const located: LocatedRecordRow[] = [];
    for (const r of read.parsed) {
      const g = gridOf.get(r);
      if (g === null) {
        rejections.push({ row: r.rowNo, field: 'location', reason: 'lies outside every grid of the city' });
      } else located.push(g === undefined ? r : { ...r, pointGrid: g });
    }
    const report = await this.db.transaction(async (tx) => {
      const batchId = await this.repo.batches.createBatch(tx, {
        kind: spec.kind,
        source: input.source,
        fileName: input.fileName,
        at: now,
        by: actorLabel(actor),
      });
      const merge = await mergeRecordBatch(
        tx,
        { records: this.records, batches: this.repo.batches },
        { spec, batchId, at: now, rows: located },
      );
      const all = [...rejections, ...merge.rejections].sort((a, b) => a.row - b.row);
      return this.closeBatch(tx, actor, {
        batchId,
        kind: spec.kind,
        input,
        rows: read.rows,
        merge,
        rejections: all,
      });
    });
    input.progress?.done();
    return report;
  }

  /** Addresses, buildings, households or organisations in the reader's area, masked, with provenance. */
  async listRecords(
    actor: Actor,
    kind: RecordKind,
    f: { within?: string; key?: string; limit: number; offset: number },
  ): Promise<{ items: RecordSummary[]; total: number }> {
    personPolicy.assertPermits(actor, 'read');
    const spec = RECORD_SPECS[kind];
    return this.records.list(this.db, personPolicy.scopeFor(actor, 'read'), spec, {
      ...f,
      ...definedFields({ key: f.key === undefined ? undefined : spec.normaliseKey(f.key) }),
    });
  }

  /**
   * Imports one population file from one department, all or nothing: bad rows go to the
   * rejection report, good rows are staged and merged in the same transaction, so a failure
   * half-way leaves no half batch.
   */
  async importPeople(
    actor: Actor,
    input: {
      source: string;
      fileName: string;
      rows: AsyncIterable<TableRow>;
      progress?: Progress;
      expectedRows?: number;
    },
  ): Promise<ImportReport> {
    registryImportPolicy.assertPermits(actor, 'import');
    const now = this.deps.clock.now();
    const report = await this.db.transaction(async (tx) => {
      if (!(await this.repo.batches.departmentExists(tx, input.source))) {
        throw RegistryErrors.UnknownSource({ params: { source: input.source } });
      }
      const batchId = await this.repo.batches.createBatch(tx, {
        kind: 'person',
        source: input.source,
        fileName: input.fileName,
        at: now,
        by: actorLabel(actor),
      });
      const households = await this.repo.places.householdIndex(tx);
      input.progress?.start(`People from ${input.source}`, input.expectedRows ?? 0);
      const { rows, rejections, ...merge } = await importPersonBatch(tx, this.repo, {
        batchId,
        at: now,
        rows: input.rows,
        cipher: this.deps.cipher,
        households,
        ...(input.progress ? { progress: input.progress } : {}),
      });
      input.progress?.done();
      return this.closeBatch(tx, actor, { batchId, kind: 'person', input, rows, merge, rejections });
    });
    return report;
  }

  /**
   * The end of every import, in its transaction: the batch row gets its totals and rejection
   * report, the audit record names the batch, and the caller gets the report.
   */
  private async closeBatch(
    tx: Queryable,
    actor: Actor,
    b: {
      batchId: number;
      kind: string;
      input: { source: string; fileName: string };
      rows: number;
      merge: { created: number; merged: number; filled: number; conflicts: number };
      rejections: Rejection[];
    },
  ): Promise<ImportReport> {
    const { batchId, input, rows, merge, rejections } = b;
    const rejected = new Set(rejections.map((r) => r.row)).size;
    await this.repo.batches.finishBatch(tx, batchId, {
      total: rows,
      imported: merge.created,
      rejected,
      merged: merge.merged,
      conflicts: merge.conflicts,
      rejections,
    });
    await this.deps.audit.record(tx, {
      actor,
      action: 'registry.import',
      resourceType: 'registry_batch',
      resourceId: String(batchId),
      details: {
        kind: b.kind,
        source: input.source,
        file: input.fileName,
        rows,
        created: merge.created,
        merged: merge.merged,
        conflicts: merge.conflicts,
        rejected,
      },
    });
    await this.deps.events?.publish(tx, 'registry.imported', {
      batchId,
      kind: b.kind,
      source: input.source,
      at: this.deps.clock.now(),
    });
    return {
      batchId,
      source: input.source,
      fileName: input.fileName,
      rows,
      created: merge.created,
      merged: merge.merged,
      filled: merge.filled,
      conflicts: merge.conflicts,
      rejected,
      rejections,
    };
  }

  /** People in the reader's area, masked. */
  async listPeople(
    actor: Actor,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: PersonSummary[]; total: number }> {
    personPolicy.assertPermits(actor, 'read');
    return this.repo.people.listPeople(this.db, personPolicy.scopeFor(actor, 'read'), f);
  }

  /** One person (masked) with the provenance of their values; 404 outside the reader's area. */
  async getPerson(actor: Actor, id: number): Promise<PersonSummary & { provenance: ProvenanceEntry[] }> {
    personPolicy.assertPermits(actor, 'read');
    const person = await this.repo.people.findPerson(this.db, personPolicy.scopeFor(actor, 'read'), id);
    if (!person) throw RegistryErrors.PersonNotFound({ params: { id } });
    return { ...person, provenance: await this.repo.batches.provenance(this.db, 'person', id) };
  }

  /** Finds a person by full identity number through its keyed hash (nothing is decrypted). */
  async findByIdNumber(actor: Actor, idNumber: string): Promise<PersonSummary | undefined> {
    personPolicy.assertPermits(actor, 'read');
    const id = await this.repo.people.findPersonIdByHash(this.db, this.deps.cipher.lookupHash(idNumber));
    return id === undefined
      ? undefined
      : this.repo.people.findPerson(this.db, personPolicy.scopeFor(actor, 'read'), id);
  }

  /**
   * Clear values of one person for a stated purpose; the audit record (with the purpose and the
   * fields shown) is written in the same transaction, so no reveal goes unrecorded.
   */
  async revealPerson(
    actor: Actor,
    id: number,
    input: { purpose: string; fields: readonly RevealField[]; origin?: string },
  ): Promise<Partial<RevealedPerson> & { id: number }> {
    personPolicy.assertPermits(actor, 'reveal');
    return this.db.transaction(async (tx) => {
      const sealed = await this.repo.people.findSealed(tx, personPolicy.scopeFor(actor, 'reveal'), id);
      if (!sealed) throw RegistryErrors.PersonNotFound({ params: { id } });
      const c = this.deps.cipher;
      const out: Partial<RevealedPerson> & { id: number } = { id };
      if (input.fields.includes('name')) out.name = sealed.nameEnc ? c.decrypt(sealed.nameEnc) : null;
      if (input.fields.includes('idNumber')) out.idNumber = sealed.idEnc ? c.decrypt(sealed.idEnc) : null;
      if (input.fields.includes('phone')) out.phone = sealed.phoneEnc ? c.decrypt(sealed.phoneEnc) : null;
      await this.deps.audit.record(tx, {
        actor,
        action: 'person.reveal',
        resourceType: 'person',
        resourceId: String(id),
        areaCode: sealed.gridCode,
        purpose: input.purpose,
        details: { fields: [...input.fields] },
        ...(input.origin ? { origin: input.origin } : {}),
      });
      return out;
    });
  }

  /** Disagreements between sources in the reader's area (masked values). */
  async listConflicts(
    actor: Actor,
    f: {
      status?: 'open' | 'kept' | 'replaced';
      within?: string;
      personId?: number;
      entityType?: RegistryFileKind;
      entityId?: number;
      limit: number;
      offset: number;
    },
  ): Promise<{ items: ConflictRecord[]; total: number }> {
    personPolicy.assertPermits(actor, 'read');
    // A person id names a person: it never matches the household or organisation with that id.
    const entity =
      f.personId !== undefined
        ? { entityType: 'person', entityId: f.personId }
        : {
            ...(f.entityType ? { entityType: f.entityType } : {}),
            ...definedFields({ entityId: f.entityId }),
          };
    return this.repo.conflicts.listConflicts(this.db, personPolicy.scopeFor(actor, 'read'), {
      ...(f.status ? { status: f.status } : {}),
      ...(f.within ? { within: f.within } : {}),
      ...entity,
      limit: f.limit,
      offset: f.offset,
    });
  }

  /** Decides a conflict: keep the stored value, or replace it with the source's value. Audited. */
  async resolveConflict(actor: Actor, id: number, decision: 'keep' | 'replace'): Promise<ConflictRecord> {
    personPolicy.assertPermits(actor, 'resolve');
    const now = this.deps.clock.now();
    return this.db.transaction(async (tx) => {
      const c = await this.repo.conflicts.lockOpenConflict(tx, personPolicy.scopeFor(actor, 'resolve'), id);
      if (!c) throw RegistryErrors.ConflictNotFound({ params: { id } });
      if (decision === 'replace' && c.entityType !== 'person') {
        const kind = c.entityType as RecordKind;
        if (!(kind in RECORD_SPECS)) throw RegistryErrors.ConflictNotFound({ params: { id } });
        await this.records.applyConflict(tx, RECORD_SPECS[kind], {
          entityId: c.entityId,
          field: c.field,
          proposedEnc: c.proposedEnc,
          proposedHash: c.proposedHash,
          proposedMasked: c.proposedMasked,
        });
      } else if (decision === 'replace') {
        await this.repo.conflicts.applyConflict(
          tx,
          {
            entityId: c.entityId,
            field: c.field,
            proposedEnc: c.proposedEnc,
            proposedHash: c.proposedHash,
            proposedMasked: c.proposedMasked,
          },
          now,
        );
      }
      const status = decision === 'replace' ? 'replaced' : 'kept';
      await this.repo.conflicts.closeConflict(tx, id, status, actorLabel(actor), now);
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.conflict_resolve',
        resourceType: c.entityType,
        resourceId: String(c.entityId),
        areaCode: c.gridCode,
        details: { conflictId: id, field: c.field, decision },
      });
      const { proposedEnc: _e, proposedHash: _h, ...rest } = c;
      return { ...rest, status };
    });
  }

  /** Per grid: households, people, parts, missing fields and open conflicts, in the reader's area. */
  async quality(actor: Actor, within?: string): Promise<GridQuality[]> {
    personPolicy.assertPermits(actor, 'read');
    return this.repo.quality.perGrid(this.db, personPolicy.scopeFor(actor, 'read'), within);
  }
}
