import { hkdfSync } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { Clock } from '../../lib/clock.js';

/** Bearer tokens live 15 minutes: clients sign in again (or refresh) rather than hold long secrets. */
export const BEARER_TTL_SECONDS = 15 * 60;

const ISSUER = 'civicgrid';
const AUDIENCE = 'civicgrid-api';

/**
 * Short-lived HS256 JWTs for API clients and the worker app. The key is derived from the
 * session secret, so rotating SESSION_SECRET invalidates every token. Tokens carry the user id
 * and the user's token version (`ver`): grants are loaded fresh on every request, and a password
 * change, a disable or a revoked role moves the version on, so older tokens die at once.
 */
export class BearerTokens {
  private readonly key: Uint8Array;

  constructor(
    sessionSecret: string,
    private readonly clock: Clock,
  ) {
    this.key = new Uint8Array(hkdfSync('sha256', sessionSecret, 'civicgrid', 'bearer-jwt-v1', 32));
  }

  /** A signed token for the user (at their current token version) and when it expires. */
  async issue(userId: number, version: number): Promise<{ token: string; expiresAt: Date }> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const token = await new SignJWT({ ver: version })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(String(userId))
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + BEARER_TTL_SECONDS)
      .sign(this.key);
    return { token, expiresAt: new Date((now + BEARER_TTL_SECONDS) * 1000) };
  }

  /** The user id and token version of a valid, unexpired token; null for anything else. */
  async verify(token: string): Promise<{ userId: number; version: number } | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        currentDate: this.clock.now(),
      });
      const id = Number(payload.sub);
      const version = payload.ver;
      if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return null;
      return Number.isSafeInteger(id) && id > 0 ? { userId: id, version } : null;
    } catch {
      return null;
    }
  }
}
