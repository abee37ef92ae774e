import type { Locale } from '../../config/config.js';
import type { Db, Queryable } from '../../db/db.js';
import { sqlState } from '../../db/db.js';
import type { Actor, RoleGrant } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { UserAuthorityVerdict } from '../../kernel/user-authority.js';
import type { Clock } from '../../lib/clock.js';
import { definedFields } from '../../lib/defined.js';
import { CommonErrors } from '../../lib/errors.js';
import type { FieldCipher } from '../../lib/privacy.js';
import { IdentityErrors } from './identity.errors.js';
import { controlsGrant, controlsUser, userPolicy } from './identity.policy.js';
import { MIN_PASSWORD_LENGTH, type PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';
import { type GrantRecord, type UserFilter, type UserRecord, UserRepository } from './user.repository.js';

/** A user with their active grants: what presenters and the CLI show. */
export interface UserWithGrants {
  user: UserRecord;
  grants: GrantRecord[];
}

/** What creating a user takes (admin API, CLI). */
export interface CreateUserInput {
  username: string;
  displayName: string;
  password?: string;
  phone?: string;
  locale?: Locale;
  grants?: RoleGrant[];
}

/** What an admin may change on a user. */
export interface UpdateUserInput {
  displayName?: string;
  locale?: Locale | null;
  status?: 'active' | 'disabled';
  password?: string;
  phone?: string | null;
}

/** The area an audit record about this user is filed under (so scoped readers see it). */
function homeArea(grants: readonly GrantRecord[]): string | null {
  return grants.find((g) => g.areaCode !== null)?.areaCode ?? null;
}

/**
 * Managing users, their role grants and their personal data. Every use case checks the
 * policy first, reads through the actor's scope in SQL, and audits in the same transaction.
 */
export class UserService {
  private readonly users = new UserRepository();
  private readonly sessions = new SessionRepository();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditWriter,
  ) {}

  /** The signed-in user with their grants (GET /api/auth/me, /api/me/grants). */
  async me(actor: Actor): Promise<UserWithGrants> {
    if (actor.kind !== 'user') throw CommonErrors.Unauthenticated();
    const user = await this.users.findById(this.db, actor.userId);
    if (!user) throw CommonErrors.Unauthenticated();
    return { user, grants: (await this.users.activeGrants(this.db, [user.id])).get(user.id) ?? [] };
  }

  /** Users the actor may read, with their grants. */
  async list(
    actor: Actor,
    filter: UserFilter,
    action: 'read' | 'manage' = 'read',
  ): Promise<{ items: UserWithGrants[]; total: number }> {
    userPolicy.assertPermits(actor, action);
    const page = await this.users.list(this.db, userPolicy.scopeFor(actor, action), filter);
    const grants = await this.users.activeGrants(
      this.db,
      page.items.map((u) => u.id),
    );
    return {
      items: page.items.map((user) => ({ user, grants: grants.get(user.id) ?? [] })),
      total: page.total,
    };
  }

  /** One user; 404 when outside the actor's scope. */
  async get(actor: Actor, id: number, action: 'read' | 'manage' = 'read'): Promise<UserWithGrants> {
    userPolicy.assertPermits(actor, action);
    return this.fetchScoped(this.db, actor, id, action);
  }

  /** Creates a user (and grants) in one transaction, audited as `user.create` + `grant.add`. */
  async create(actor: Actor, input: CreateUserInput, origin?: string): Promise<UserWithGrants> {
    userPolicy.assertPermits(actor, 'manage');
    const username = input.username.trim().toLowerCase();
    const passwordHash = input.password !== undefined ? await this.hashPassword(input.password) : null;
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      for (const g of input.grants ?? []) await this.checkGrant(tx, actor, g);
      if (input.phone && (await this.users.findByPhoneHash(tx, this.cipher.lookupHash(input.phone)))) {
        throw IdentityErrors.PhoneTaken({ field: 'body/phone' });
      }
      let id: number;
      try {
        id = await this.users.insert(tx, {
          username,
          displayName: input.displayName.trim(),
          passwordHash,
          locale: input.locale ?? null,
          phoneEnc: input.phone ? this.cipher.encrypt(input.phone) : null,
          phoneHash: input.phone ? this.cipher.lookupHash(input.phone) : null,
          now,
        });
      } catch (err) {
        if (sqlState(err) === '23505')
          throw IdentityErrors.UsernameTaken({ params: { username }, field: 'body/username' });
        throw err;
      }
      const grants: GrantRecord[] = [];
      for (const g of input.grants ?? []) {
        const grantId = await this.users.addGrant(tx, {
          ...g,
          userId: id,
          grantedBy: actorLabel(actor),
          now,
        });
        if (grantId !== null)
          grants.push({ ...g, id: grantId, userId: id, grantedBy: actorLabel(actor), grantedAt: now });
      }
      await this.audit.record(tx, {
        actor,
        action: 'user.create',
        resourceType: 'user',
        resourceId: String(id),
        areaCode: homeArea(grants),
        details: { username, hasPassword: passwordHash !== null, hasPhone: Boolean(input.phone) },
        ...(origin ? { origin } : {}),
      });
      for (const g of grants) await this.auditGrant(tx, actor, 'grant.add', g, origin);
      const user = (await this.users.findById(tx, id))!;
      return { user, grants };
    });
  }

  /** Changes a user; disabling or a new password ends their sessions. Audited `user.update`. */
  async update(actor: Actor, id: number, input: UpdateUserInput, origin?: string): Promise<UserWithGrants> {
    userPolicy.assertPermits(actor, 'manage');
    if (input.status === 'disabled' && actor.kind === 'user' && actor.userId === id) {
      throw IdentityErrors.CannotDisableSelf();
    }
    const passwordHash = input.password !== undefined ? await this.hashPassword(input.password) : undefined;
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const current = await this.fetchScoped(tx, actor, id, 'manage');
      let phone: { phoneEnc: string | null; phoneHash: string | null } | undefined;
      if (input.phone !== undefined) {
        const phoneHash = input.phone === null ? null : this.cipher.lookupHash(input.phone);
        const holder = phoneHash ? await this.users.findByPhoneHash(tx, phoneHash) : null;
        if (holder && holder.id !== id) throw IdentityErrors.PhoneTaken({ field: 'body/phone' });
        phone = { phoneEnc: input.phone === null ? null : this.cipher.encrypt(input.phone), phoneHash };
      }
      await this.users.update(
        tx,
        id,
        {
          ...definedFields({
            displayName: input.displayName === undefined ? undefined : input.displayName.trim(),
            locale: input.locale,
            status: input.status,
            passwordHash,
          }),
          ...(phone ?? {}),
        },
        now,
      );
      if (input.status === 'disabled' || passwordHash !== undefined) await this.endSignIns(tx, id, now);
      await this.audit.record(tx, {
        actor,
        action: input.status === 'disabled' ? 'user.disable' : 'user.update',
        resourceType: 'user',
        resourceId: String(id),
        areaCode: homeArea(current.grants),
        details: {
          fields: Object.keys(input)
            .filter((k) => input[k as keyof UpdateUserInput] !== undefined)
            .sort(),
        },
        ...(origin ? { origin } : {}),
      });
      return { user: (await this.users.findById(tx, id))!, grants: current.grants };
    });
  }

  /** Grants a role in a scope the actor itself controls. Audited `grant.add`. */
  async addGrant(actor: Actor, userId: number, grant: RoleGrant, origin?: string): Promise<GrantRecord> {
    userPolicy.assertPermits(actor, 'manage');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      await this.fetchScoped(tx, actor, userId, 'manage', true);
      await this.checkGrant(tx, actor, grant);
      const id = await this.users.addGrant(tx, { ...grant, userId, grantedBy: actorLabel(actor), now });
      if (id === null) throw IdentityErrors.GrantExists();
      const record: GrantRecord = { ...grant, id, userId, grantedBy: actorLabel(actor), grantedAt: now };
      await this.auditGrant(tx, actor, 'grant.add', record, origin);
      return record;
    });
  }

  /** Revokes a grant; the user's next request no longer carries it. Audited `grant.revoke`. */
  async revokeGrant(actor: Actor, userId: number, grantId: number, origin?: string): Promise<GrantRecord> {
    userPolicy.assertPermits(actor, 'manage');
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      const current = await this.fetchScoped(tx, actor, userId, 'manage');
      const target = current.grants.find((g) => g.id === grantId);
      if (!target) throw IdentityErrors.GrantNotFound({ params: { id: grantId } });
      await this.checkGrant(tx, actor, target);
      const revoked = await this.users.revokeGrant(tx, userId, grantId, actorLabel(actor), now);
      if (!revoked) throw IdentityErrors.GrantNotFound({ params: { id: grantId } });
      await this.endSignIns(tx, userId, now);
      await this.auditGrant(tx, actor, 'grant.revoke', revoked, origin);
      return revoked;
    });
  }

  /**
   * Returns a user's clear phone number once, for a stated purpose, and records who saw it and
   * why (`user.reveal`) in the same transaction. 404 outside the actor's scope.
   */
  async revealPhone(actor: Actor, id: number, purpose: string, origin?: string): Promise<string> {
    userPolicy.assertPermits(actor, 'reveal');
    return this.db.transaction(async (tx) => {
      const { user, grants } = await this.fetchScoped(tx, actor, id, 'reveal');
      if (!user.phoneEnc) throw IdentityErrors.NoPhone();
      const phone = this.cipher.decrypt(user.phoneEnc);
      await this.audit.record(tx, {
        actor,
        action: 'user.reveal',
        resourceType: 'user',
        resourceId: String(id),
        areaCode: homeArea(grants),
        purpose: purpose.trim(),
        details: { field: 'phone' },
        ...(origin ? { origin } : {}),
      });
      return phone;
    });
  }

  /** The clear phone of a stored record, for presenters that mask it. */
  phoneOf(user: UserRecord): string | null {
    return user.phoneEnc ? this.cipher.decrypt(user.phoneEnc) : null;
  }

  /**
   * The kernel's UserAuthority port (see src/kernel/user-authority.ts): may the actor give this
   * user work in their area? Same visibility and rank rule as changing the user.
   */
  async verdict(q: Queryable, actor: Actor, userId: number): Promise<UserAuthorityVerdict> {
    if (!userPolicy.permits(actor, 'manage')) return 'not_found';
    const scope = userPolicy.scopeFor(actor, 'manage');
    const user = (await this.users.findById(q, userId, scope)) ?? (await this.findUngranted(q, userId));
    if (!user) return 'not_found';
    const grants = (await this.users.activeGrants(q, [userId])).get(userId) ?? [];
    return controlsUser(actor, grants) ? 'controls' : 'forbidden';
  }

  private async fetchScoped(
    q: Queryable,
    actor: Actor,
    id: number,
    action: 'read' | 'manage' | 'reveal',
    allowUngranted = false,
  ): Promise<UserWithGrants> {
    const scope = userPolicy.scopeFor(actor, action);
    // A user without area grants has no area yet: an admin may grant them one in their scope.
    const user =
      (await this.users.findById(q, id, scope)) ?? (allowUngranted ? await this.findUngranted(q, id) : null);
    if (!user) throw IdentityErrors.UserNotFound({ params: { id } });
    const grants = (await this.users.activeGrants(q, [id])).get(id) ?? [];
    // Seeing a user (one grant in the area) is not authority over them: changing needs every
    // grant inside the actor's area and below their rank (a district admin never touches a
    // city-wide admin, a peer, or someone who also works in another district).
    if (action === 'manage' && !controlsUser(actor, grants)) throw CommonErrors.Forbidden();
    return { user, grants };
  }

  /**
   * Ends every cookie session and every bearer token of the user in the caller's transaction
   * (password change, disable, revoked role): they sign in again with what they now hold.
   */
  private async endSignIns(tx: Queryable, userId: number, now: Date): Promise<void> {
    await this.sessions.revokeAllOf(tx, userId, now);
    await this.users.bumpTokenVersion(tx, userId, now);
  }

  private async findUngranted(q: Queryable, id: number): Promise<UserRecord | null> {
    const user = await this.users.findById(q, id);
    if (!user) return null;
    const grants = (await this.users.activeGrants(q, [id])).get(id) ?? [];
    return grants.length === 0 ? user : null;
  }

  /** The grant is well-formed, names existing areas/departments and lies in the actor's scope. */
  private async checkGrant(q: Queryable, actor: Actor, g: RoleGrant): Promise<void> {
    const invalid = (detail: string) => IdentityErrors.GrantInvalid({ params: { detail }, field: 'body' });
    if (g.role === 'dept_handler' && !g.departmentCode) throw invalid('dept_handler needs a departmentCode');
    if (g.role !== 'dept_handler' && g.departmentCode)
      throw invalid('only dept_handler grants carry a departmentCode');
    if (g.role === 'resident' && g.areaCode) throw invalid('resident grants have no area');
    if (g.areaCode && !(await this.users.areaExists(q, g.areaCode)))
      throw invalid(`no current area ${g.areaCode}`);
    if (g.departmentCode && !(await this.users.departmentExists(q, g.departmentCode))) {
      throw invalid(`no active department ${g.departmentCode}`);
    }
    // Scoped admins grant only area roles inside their own area, below their rank there (an
    // admin grant only deeper than their own), never city-wide or department grants.
    if (!controlsGrant(actor, g)) throw CommonErrors.Forbidden();
  }

  private async hashPassword(password: string): Promise<string> {
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw CommonErrors.ValidationFailed({
        params: { detail: `password must have at least ${MIN_PASSWORD_LENGTH} characters` },
        field: 'body/password',
      });
    }
    return this.hasher.hash(password);
  }

  private async auditGrant(
    tx: Queryable,
    actor: Actor,
    action: 'grant.add' | 'grant.revoke',
    g: GrantRecord,
    origin?: string,
  ): Promise<void> {
    await this.audit.record(tx, {
      actor,
      action,
      resourceType: 'user',
      resourceId: String(g.userId),
      areaCode: g.areaCode,
      details: { grantId: g.id, role: g.role, areaCode: g.areaCode, departmentCode: g.departmentCode },
      ...(origin ? { origin } : {}),
    });
  }
}
