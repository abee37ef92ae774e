import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db, Queryable } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import type { DomainEvents } from '../../kernel/domain-events.js';
import type { MessageSender } from '../../kernel/message-sender.js';
import { ThrottleRepository } from '../../kernel/throttle.js';
import type { Clock } from '../../lib/clock.js';
import { FieldCipher, maskPhone } from '../../lib/privacy.js';
import type { BearerTokens } from './bearer-token.js';
import { IdentityErrors } from './identity.errors.js';
import type { PhoneVerified } from './identity.events.js';
import { OtpRepository } from './otp.repository.js';
import type { PasswordHasher } from './password-hasher.js';
import { SessionRepository } from './session.repository.js';
import { type UserRecord, UserRepository } from './user.repository.js';

/** Limits of sign-in; defaults follow OWASP ASVS v4 §2.2 (anti-automation) and §3.3 (sessions). */
export interface AuthLimits {
  /** Failed passwords before an account locks. */
  lockoutThreshold: number;
  lockoutMs: number;
  /** Failed sign-ins per username (known or not) per window; equal to lockout so answers match. */
  userFailuresPerWindow: number;
  /** Failed sign-ins from one address per window. */
  ipFailuresPerWindow: number;
  failureWindowMs: number;
  sessionTtlMs: number;
  otpTtlMs: number;
  otpMaxAttempts: number;
  /** Codes sent to one phone per hour, and at most one per otpMinIntervalMs. */
  otpPerPhonePerHour: number;
  otpMinIntervalMs: number;
  /** Code requests from one address per hour. */
  otpPerIpPerHour: number;
}

/** The defaults used by the server. */
export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  lockoutThreshold: 5,
  lockoutMs: 15 * 60_000,
  userFailuresPerWindow: 5,
  ipFailuresPerWindow: 20,
  failureWindowMs: 15 * 60_000,
  sessionTtlMs: 12 * 3_600_000,
  otpTtlMs: 5 * 60_000,
  otpMaxAttempts: 5,
  otpPerPhonePerHour: 5,
  otpMinIntervalMs: 60_000,
  otpPerIpPerHour: 20,
};

/** Where a request came from (audit origin, per-address throttling). */
export interface RequestMeta {
  ip: string;
}

/** A new cookie session: the clear secrets go to the client once, only hashes are stored. */
export interface NewSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Mainland mobile numbers, the only phones residents register with. */
export const PHONE_PATTERN = '^1[3-9][0-9]{9}$';

/** SHA-256 of a high-entropy secret (session ids, CSRF tokens): enough, no key needed. */
export function secretHash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Constant-time equality of two strings' SHA-256 hashes. */
export function sameSecret(hashHex: string, clear: string): boolean {
  const a = Buffer.from(hashHex, 'hex');
  const b = Buffer.from(secretHash(clear), 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Sign-in and sessions: passwords (argon2id), cookie sessions with CSRF tokens, short-lived
 * bearer tokens, one-time codes for residents, and the throttles and lockout around them.
 */
export class AuthService {
  private readonly users = new UserRepository();
  private readonly sessions = new SessionRepository();
  private readonly otps = new OtpRepository();
  private readonly throttle = new ThrottleRepository();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly hasher: PasswordHasher,
    private readonly tokens: BearerTokens,
    private readonly audit: AuditWriter,
    private readonly sender: MessageSender,
    readonly limits: AuthLimits = DEFAULT_AUTH_LIMITS,
    /** Where `identity.phone_verified` is published (cases link reports made with the phone). */
    private readonly events?: DomainEvents,
  ) {}

  /** Password sign-in that opens a cookie session. */
  async login(
    username: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ user: UserRecord; session: NewSession }> {
    const user = await this.checkPassword(username, password, meta, 'session');
    const session = await this.db.transaction(async (tx) => {
      await this.users.recordSuccess(tx, user.id, this.clock.now());
      await this.audit.record(tx, {
        actor: { kind: 'user', userId: user.id, displayName: user.displayName, grants: [] },
        action: 'auth.login',
        resourceType: 'user',
        resourceId: String(user.id),
        details: { method: 'password', client: 'session' },
        origin: meta.ip,
      });
      return this.openSession(tx, user.id, meta);
    });
    return { user, session };
  }

  /** Password sign-in that issues a bearer token (API clients, the worker app). */
  async issueToken(
    username: string,
    password: string,
    meta: RequestMeta,
  ): Promise<{ token: string; expiresAt: Date; user: UserRecord }> {
    const user = await this.checkPassword(username, password, meta, 'bearer');
    await this.db.transaction(async (tx) => {
      await this.users.recordSuccess(tx, user.id, this.clock.now());
      await this.audit.record(tx, {
        actor: { kind: 'user', userId: user.id, displayName: user.displayName, grants: [] },
        action: 'auth.login',
        resourceType: 'user',
        resourceId: String(user.id),
        details: { method: 'password', client: 'bearer' },
        origin: meta.ip,
      });
    });
    return { ...(await this.tokens.issue(user.id, user.tokenVersion)), user };
  }

  /** Ends a cookie session (idempotent). */
  async logout(actor: Actor, sessionId: string | undefined, meta: RequestMeta): Promise<void> {
    if (!sessionId) return;
    await this.db.transaction(async (tx) => {
      await this.sessions.revoke(tx, secretHash(sessionId), this.clock.now());
      if (actor.kind === 'user') {
        await this.audit.record(tx, {
          actor,
          action: 'auth.logout',
          resourceType: 'user',
          resourceId: String(actor.userId),
          origin: meta.ip,
        });
      }
    });
  }

  /** The actor of a cookie session and the hash its CSRF token must match; null if not live. */
  async resolveSession(sessionId: string): Promise<{ actor: Actor; csrfHash: string } | null> {
    const session = await this.sessions.findLive(this.db, secretHash(sessionId), this.clock.now());
    if (!session) return null;
    const actor = await this.loadActor(this.db, session.userId);
    return actor ? { actor, csrfHash: session.csrfHash } : null;
  }

  /** The actor of a bearer token; null if the token or its user is not valid any more. */
  async resolveBearer(token: string): Promise<Actor | null> {
    const claim = await this.tokens.verify(token);
    return claim === null ? null : this.loadActor(this.db, claim.userId, claim.version);
  }

  /**
   * An active user with their current grants, read fresh so revocations apply at once. With a
   * token version (bearer tokens), a token older than the user's current version is refused:
   * the version comes with the user row read anyway, so the check costs no query.
   */
  async loadActor(q: Queryable, userId: number, tokenVersion?: number): Promise<Actor | null> {
    const user = await this.users.findById(q, userId);
    if (user?.status !== 'active') return null;
    if (tokenVersion !== undefined && tokenVersion !== user.tokenVersion) return null;
    const grants = (await this.users.activeGrants(q, [user.id])).get(user.id) ?? [];
    return {
      kind: 'user',
      userId: user.id,
      displayName: user.displayName,
      grants: grants.map((g) => ({ role: g.role, areaCode: g.areaCode, departmentCode: g.departmentCode })),
      ...(user.locale ? { locale: user.locale } : {}),
    };
  }

  /**
   * Sends a 6-digit sign-in code through the MessageSender. The answer is the same whether or
   * not the phone belongs to anyone.
   */
  async requestOtp(phone: string, meta: RequestMeta): Promise<{ expiresInSeconds: number }> {
    const now = this.clock.now();
    const phoneHash = this.cipher.lookupHash(phone);
    await this.enforce(`otp-ip:${meta.ip}`, this.limits.otpPerIpPerHour, 3_600_000, now);
    await this.enforce(`otp-phone:${phoneHash}`, this.limits.otpPerPhonePerHour, 3_600_000, now);
    await this.enforce(`otp-phone-min:${phoneHash}`, 1, this.limits.otpMinIntervalMs, now);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.db.transaction(async (tx) => {
      await this.otps.issue(tx, {
        phoneHash,
        codeHash: this.otpHash(phoneHash, code),
        now,
        expiresAt: new Date(now.getTime() + this.limits.otpTtlMs),
      });
      await this.sender.send(tx, {
        channel: 'sms',
        recipient: phone,
        body: `【CivicGrid】验证码 ${code}，${Math.round(this.limits.otpTtlMs / 60_000)} 分钟内有效，请勿告诉他人。Your sign-in code is ${code}.`,
        secret: code,
      });
    });
    return { expiresInSeconds: Math.round(this.limits.otpTtlMs / 1000) };
  }

  /**
   * Checks a one-time code and signs the resident in, registering them on first use. Codes are
   * single-use, expire, and die after otpMaxAttempts wrong guesses. Staff accounts (with a
   * password) cannot sign in by code: a phone is weaker than their password.
   */
  async verifyOtp(
    phone: string,
    code: string,
    meta: RequestMeta,
  ): Promise<{ user: UserRecord; session: NewSession }> {
    const now = this.clock.now();
    await this.refuseIfThrottled(`otp-verify-ip:${meta.ip}`, this.limits.ipFailuresPerWindow, now);
    const phoneHash = this.cipher.lookupHash(phone);
    const outcome = await this.db.transaction(async (tx) => {
      const current = await this.otps.current(tx, phoneHash, now);
      if (!current) return null;
      if (!FieldCipher.sameHash(current.codeHash, this.otpHash(phoneHash, code))) {
        await this.otps.failedAttempt(tx, current.id, this.limits.otpMaxAttempts, now);
        return null;
      }
      await this.otps.consume(tx, current.id, now);
      let user = await this.users.findByPhoneHash(tx, phoneHash);
      if (user && (user.status !== 'active' || user.passwordHash !== null)) return null;
      if (!user) {
        const id = await this.users.insert(tx, {
          username: `r-${phoneHash.slice(0, 16)}`,
          displayName: `居民 ${maskPhone(phone)}`,
          passwordHash: null,
          locale: null,
          phoneEnc: this.cipher.encrypt(phone),
          phoneHash,
          now,
        });
        await this.users.addGrant(tx, {
          userId: id,
          role: 'resident',
          areaCode: null,
          departmentCode: null,
          grantedBy: 'self-registration',
          now,
        });
        user = (await this.users.findById(tx, id))!;
        await this.audit.record(tx, {
          actor: { kind: 'user', userId: id, displayName: user.displayName, grants: [] },
          action: 'user.register',
          resourceType: 'user',
          resourceId: String(id),
          details: { method: 'otp' },
          origin: meta.ip,
        });
      }
      await this.users.recordSuccess(tx, user.id, now);
      await this.audit.record(tx, {
        actor: { kind: 'user', userId: user.id, displayName: user.displayName, grants: [] },
        action: 'auth.login',
        resourceType: 'user',
        resourceId: String(user.id),
        details: { method: 'otp', client: 'session' },
        origin: meta.ip,
      });
      // In the sign-in transaction: the resident owns their phone's earlier reports once signed in.
      const verified: PhoneVerified = {
        userId: user.id,
        displayName: user.displayName,
        phoneHash,
        at: now,
        origin: meta.ip,
      };
      await this.events?.publish(tx, 'identity.phone_verified', verified);
      return { user, session: await this.openSession(tx, user.id, meta) };
    });
    if (!outcome) {
      await this.throttle.hit(this.db, `otp-verify-ip:${meta.ip}`, now, this.limits.failureWindowMs);
      throw IdentityErrors.OtpInvalid();
    }
    return outcome;
  }

  /** Creates a cookie session for a user inside the caller's transaction. */
  async openSession(tx: Queryable, userId: number, meta: RequestMeta): Promise<NewSession> {
    const now = this.clock.now();
    const sessionId = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.limits.sessionTtlMs);
    await this.sessions.insert(tx, {
      idHash: secretHash(sessionId),
      userId,
      csrfHash: secretHash(csrfToken),
      now,
      expiresAt,
      origin: meta.ip,
    });
    return { sessionId, csrfToken, expiresAt };
  }

  /**
   * The shared part of password sign-in: throttles, lockout, argon2 check and the audited
   * failure. Unknown users, wrong passwords and disabled accounts get the same answer after
   * the same argon2 work; locked accounts and throttled names/addresses get the same 429.
   */
  private async checkPassword(
    rawUsername: string,
    password: string,
    meta: RequestMeta,
    client: 'session' | 'bearer',
  ): Promise<UserRecord> {
    const now = this.clock.now();
    const username = rawUsername.trim().toLowerCase();
    const userKey = `login-user:${username}`;
    const ipKey = `login-ip:${meta.ip}`;
    await this.refuseIfThrottled(userKey, this.limits.userFailuresPerWindow, now);
    await this.refuseIfThrottled(ipKey, this.limits.ipFailuresPerWindow, now);
    const user = await this.users.findByUsername(this.db, username);
    if (user?.lockedUntil && user.lockedUntil > now) {
      throw IdentityErrors.TooManyAttempts({ params: { seconds: secondsUntil(user.lockedUntil, now) } });
    }
    const passwordOk = await this.hasher.verify(user?.passwordHash ?? null, password);
    if (user && passwordOk && user.status === 'active') {
      await this.throttle.clear(this.db, userKey);
      return user;
    }
    const reason = !user ? 'unknown_user' : !passwordOk ? 'bad_password' : 'disabled';
    await this.db.transaction(async (tx) => {
      await this.throttle.hit(tx, userKey, now, this.limits.failureWindowMs);
      await this.throttle.hit(tx, ipKey, now, this.limits.failureWindowMs);
      let lockedUntil: Date | null = null;
      if (user && reason === 'bad_password') {
        ({ lockedUntil } = await this.users.recordFailure(
          tx,
          user.id,
          now,
          this.limits.lockoutThreshold,
          this.limits.lockoutMs,
        ));
      }
      await this.audit.record(tx, {
        actor: { kind: 'anonymous' },
        action: 'auth.login_failed',
        resourceType: 'user',
        resourceId: user ? String(user.id) : `username:${username.slice(0, 64)}`,
        details: { reason, client },
        origin: meta.ip,
      });
      if (user && lockedUntil) {
        await this.audit.record(tx, {
          actor: { kind: 'system', name: 'auth' },
          action: 'auth.lockout',
          resourceType: 'user',
          resourceId: String(user.id),
          details: { until: lockedUntil.toISOString(), failures: this.limits.lockoutThreshold },
          origin: meta.ip,
        });
      }
    });
    throw IdentityErrors.InvalidCredentials();
  }

  /** 429 when the counter has reached its limit (peek only: failures are counted elsewhere). */
  private async refuseIfThrottled(key: string, limit: number, now: Date): Promise<void> {
    const state = await this.throttle.peek(this.db, key, now, this.limits.failureWindowMs);
    if (state.hits >= limit) {
      const until = new Date(state.windowStart.getTime() + this.limits.failureWindowMs);
      throw IdentityErrors.TooManyAttempts({ params: { seconds: secondsUntil(until, now) } });
    }
  }

  /** Counts a request and refuses it with 429 once the window's limit is passed. */
  private async enforce(key: string, limit: number, windowMs: number, now: Date): Promise<void> {
    const state = await this.throttle.hit(this.db, key, now, windowMs);
    if (state.hits > limit) {
      const until = new Date(state.windowStart.getTime() + windowMs);
      throw IdentityErrors.TooManyAttempts({ params: { seconds: secondsUntil(until, now) } });
    }
  }

  private otpHash(phoneHash: string, code: string): string {
    return this.cipher.lookupHash(`otp:${phoneHash}:${code}`);
  }
}

function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
