import type { Progress } from '../../cli/progress.js';
import type { Db } from '../../db/db.js';
import type { Clock } from '../../lib/clock.js';
import { CommonErrors } from '../../lib/errors.js';
import type { FieldCipher } from '../../lib/privacy.js';
import type { AuditWriter } from '../audit/audit.port.js';
import type { Actor } from '../identity/actor.js';
import { importPersonBatch } from './person-import.js';
import type { Rejection } from './person-row.js';
import { RegistryErrors } from './registry.errors.js';
import { personPolicy, registryImportPolicy } from './registry.policy.js';
import {
  type ConflictRecord,
  type GridQuality,
  type PersonSummary,
  type ProvenanceEntry,
  RegistryRepository,
} from './registry.repository.js';
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
  idNumber: string;
  phone: string | null;
}

/** Fields a reveal may ask for (minimum necessary: ask only for what the purpose needs). */
export type RevealField = 'name' | 'idNumber' | 'phone';

/** Dependencies of the registry service. */
export interface RegistryServiceDeps {
  audit: AuditWriter;
  cipher: FieldCipher;
  clock: Clock;
}

function actorLabel(actor: Actor): string {
  return actor.kind === 'user'
    ? `user:${actor.userId}`
    : actor.kind === 'system'
      ? `system:${actor.name}`
      : 'anonymous';
}

function refuse(actor: Actor): never {
  throw actor.kind === 'anonymous' ? CommonErrors.Unauthenticated() : CommonErrors.Forbidden();
}

/**
 * The base data "one map, three reals" (一标三实): department files merged into one population
 * register with provenance per value and conflicts instead of overwrites; masked reads scoped to
 * the reader's area in SQL; clear values only through an audited reveal.
 */
export class RegistryService {
  constructor(
    private readonly db: Db,
    private readonly deps: RegistryServiceDeps,
    private readonly repo = new RegistryRepository(),
  ) {}

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
    if (!registryImportPolicy.permits(actor, 'import')) refuse(actor);
    const now = this.deps.clock.now();
    const report = await this.db.transaction(async (tx) => {
      if (!(await this.repo.departmentExists(tx, input.source))) {
        throw RegistryErrors.UnknownSource({ params: { source: input.source } });
      }
      const batchId = await this.repo.createBatch(tx, {
        kind: 'person',
        source: input.source,
        fileName: input.fileName,
        at: now,
        by: actorLabel(actor),
      });
      const households = await this.repo.householdIndex(tx);
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
      const rejectedRows = new Set(rejections.map((r) => r.row)).size;
      await this.repo.finishBatch(tx, batchId, {
        total: rows,
        imported: merge.created,
        rejected: rejectedRows,
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
          kind: 'person',
          source: input.source,
          file: input.fileName,
          rows,
          created: merge.created,
          merged: merge.merged,
          conflicts: merge.conflicts,
          rejected: rejectedRows,
        },
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
        rejected: rejectedRows,
        rejections,
      };
    });
    return report;
  }

  /** People in the reader's area, masked. */
  async listPeople(
    actor: Actor,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: PersonSummary[]; total: number }> {
    if (!personPolicy.permits(actor, 'read')) refuse(actor);
    return this.repo.listPeople(this.db, personPolicy.scopeFor(actor, 'read'), f);
  }

  /** One person (masked) with the provenance of their values; 404 outside the reader's area. */
  async getPerson(actor: Actor, id: number): Promise<PersonSummary & { provenance: ProvenanceEntry[] }> {
    if (!personPolicy.permits(actor, 'read')) refuse(actor);
    const person = await this.repo.findPerson(this.db, personPolicy.scopeFor(actor, 'read'), id);
    if (!person) throw RegistryErrors.PersonNotFound({ params: { id } });
    return { ...person, provenance: await this.repo.provenance(this.db, 'person', id) };
  }

  /** Finds a person by full identity number through its keyed hash (nothing is decrypted). */
  async findByIdNumber(actor: Actor, idNumber: string): Promise<PersonSummary | undefined> {
    if (!personPolicy.permits(actor, 'read')) refuse(actor);
    const id = await this.repo.findPersonIdByHash(this.db, this.deps.cipher.lookupHash(idNumber));
    return id === undefined
      ? undefined
      : this.repo.findPerson(this.db, personPolicy.scopeFor(actor, 'read'), id);
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
    if (!personPolicy.permits(actor, 'reveal')) refuse(actor);
    return this.db.transaction(async (tx) => {
      const sealed = await this.repo.findSealed(tx, personPolicy.scopeFor(actor, 'reveal'), id);
      if (!sealed) throw RegistryErrors.PersonNotFound({ params: { id } });
      const c = this.deps.cipher;
      const out: Partial<RevealedPerson> & { id: number } = { id };
      if (input.fields.includes('name')) out.name = sealed.nameEnc ? c.decrypt(sealed.nameEnc) : null;
      if (input.fields.includes('idNumber')) out.idNumber = c.decrypt(sealed.idEnc);
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
      limit: number;
      offset: number;
    },
  ): Promise<{ items: ConflictRecord[]; total: number }> {
    if (!personPolicy.permits(actor, 'read')) refuse(actor);
    return this.repo.listConflicts(this.db, personPolicy.scopeFor(actor, 'read'), {
      ...(f.status ? { status: f.status } : {}),
      ...(f.within ? { within: f.within } : {}),
      ...(f.personId !== undefined ? { entityId: f.personId } : {}),
      limit: f.limit,
      offset: f.offset,
    });
  }

  /** Decides a conflict: keep the stored value, or replace it with the source's value. Audited. */
  async resolveConflict(actor: Actor, id: number, decision: 'keep' | 'replace'): Promise<ConflictRecord> {
    if (!personPolicy.permits(actor, 'resolve')) refuse(actor);
    const now = this.deps.clock.now();
    return this.db.transaction(async (tx) => {
      const c = await this.repo.lockOpenConflict(tx, personPolicy.scopeFor(actor, 'resolve'), id);
      if (!c) throw RegistryErrors.ConflictNotFound({ params: { id } });
      if (decision === 'replace') {
        await this.repo.applyConflict(
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
      await this.repo.closeConflict(tx, id, status, actorLabel(actor), now);
      await this.deps.audit.record(tx, {
        actor,
        action: 'registry.conflict_resolve',
        resourceType: 'person',
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
    if (!personPolicy.permits(actor, 'read')) refuse(actor);
    return this.repo.quality(this.db, personPolicy.scopeFor(actor, 'read'), within);
  }
}
