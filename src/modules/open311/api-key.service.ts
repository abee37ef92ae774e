/**
 * Open311 API keys: issued and revoked by admins (audited), stored as SHA-256 hashes, scoped to
 * a jurisdiction (an area code), and rate-limited per key with the shared fixed-window counters
 * (`auth_throttle`), so the limit holds across API nodes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { ThrottleRepository } from '../../kernel/throttle.js';
import type { Clock } from '../../lib/clock.js';
import { CommonErrors } from '../../lib/errors.js';
import { type ApiKeyRecord, ApiKeyRepository } from './api-key.repository.js';
import { Open311Errors } from './open311.errors.js';
import { open311KeyPolicy } from './open311.policy.js';

/** Requests per minute a key gets unless the admin says otherwise. */
export const DEFAULT_RATE_PER_MINUTE = 120;

const WINDOW_MS = 60_000;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Issuing, listing, revoking and checking API keys. */
export class ApiKeyService {
  readonly repo = new ApiKeyRepository();
  private readonly throttle = new ThrottleRepository();

  constructor(private readonly deps: { db: Db; clock: Clock; audit: AuditWriter }) {}

  /**
   * Issues a key (admin; audited); the clear key is returned only here. The jurisdiction must lie
   * inside the admin's areas; without one it is the admin's own area when they administer exactly
   * one, else the whole city.
   */
  async create(
    actor: Actor,
    input: { name: string; jurisdictionId?: string; ratePerMinute?: number },
  ): Promise<{ key: string; record: ApiKeyRecord }> {
    open311KeyPolicy.assertPermits(actor, 'create');
    const { db, clock, audit } = this.deps;
    const key = `o311_${randomBytes(24).toString('base64url')}`;
    return db.transaction(async (tx) => {
      const scope = open311KeyPolicy.scopeFor(actor, 'create');
      const ownArea = !scope.all && scope.codes.length === 1 ? scope.codes[0] : undefined;
      const jurisdictionId = input.jurisdictionId ?? ownArea ?? (await this.repo.rootArea(tx));
      if (jurisdictionId === undefined || !(await this.repo.areaExists(tx, jurisdictionId)))
        throw Open311Errors.InvalidKey({
          params: { detail: `jurisdiction ${jurisdictionId ?? '(none)'} is not a current area` },
          field: 'body/jurisdictionId',
        });
      open311KeyPolicy.assert(actor, 'create', { areaCode: jurisdictionId });
      const record = await this.repo.insert(tx, {
        name: input.name,
        keyPrefix: key.slice(0, 9),
        keyHash: hashKey(key),
        jurisdictionId,
        ratePerMinute: input.ratePerMinute ?? DEFAULT_RATE_PER_MINUTE,
        createdBy:
          actor.kind === 'user' ? `user:${actor.userId}` : actor.kind === 'system' ? actor.name : 'anonymous',
        createdAt: clock.now(),
      });
      await audit.record(tx, {
        actor,
        action: 'open311_key.create',
        resourceType: 'open311_key',
        resourceId: String(record.id),
        areaCode: jurisdictionId,
        details: { name: record.name, keyPrefix: record.keyPrefix, ratePerMinute: record.ratePerMinute },
      });
      return { key, record };
    });
  }

  /** The keys whose jurisdiction lies inside the admin's areas, newest first. */
  async list(actor: Actor): Promise<ApiKeyRecord[]> {
    open311KeyPolicy.assertPermits(actor, 'list');
    return this.repo.list(this.deps.db, open311KeyPolicy.scopeFor(actor, 'list'));
  }

  /**
   * Revokes a key (admin; audited); later requests with it get 403. A key outside the admin's
   * areas answers as missing: its existence is not revealed.
   */
  async revoke(actor: Actor, id: number): Promise<void> {
    open311KeyPolicy.assertPermits(actor, 'revoke');
    const { db, clock, audit } = this.deps;
    await db.transaction(async (tx) => {
      const notFound = () => Open311Errors.KeyNotFound({ params: { id } });
      const existing = await this.repo.findById(tx, id);
      if (!existing) throw notFound();
      open311KeyPolicy.assert(actor, 'revoke', { areaCode: existing.jurisdictionId }, notFound);
      const record = await this.repo.revoke(tx, id, clock.now());
      if (!record) throw notFound();
      await audit.record(tx, {
        actor,
        action: 'open311_key.revoke',
        resourceType: 'open311_key',
        resourceId: String(id),
        areaCode: record.jurisdictionId,
        details: { name: record.name, keyPrefix: record.keyPrefix },
      });
    });
  }

  /** The live key for a clear key, counted against its per-minute limit: 403 unknown, 429 over. */
  async authenticate(key: string): Promise<ApiKeyRecord> {
    const { db, clock } = this.deps;
    if (key.length < 8 || key.length > 200) throw Open311Errors.ApiKeyInvalid();
    const record = await this.repo.findActiveByHash(db, hashKey(key));
    if (!record) throw Open311Errors.ApiKeyInvalid();
    const now = clock.now();
    const state = await this.throttle.hit(db, `open311-key:${record.id}`, now, WINDOW_MS);
    if (state.hits > record.ratePerMinute) {
      const seconds = Math.max(
        1,
        Math.ceil((state.windowStart.getTime() + WINDOW_MS - now.getTime()) / 1000),
      );
      throw CommonErrors.RateLimited({ params: { seconds } });
    }
    return record;
  }
}
