import { type Algorithm, hash, verify } from '@node-rs/argon2';

/** argon2id (RFC 9106) with the OWASP 2023 minimum: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** Hashes and checks passwords; the only code that knows the algorithm. */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  /** A PHC string starting `$argon2id$`. */
  hash(password: string): Promise<string> {
    return hash(password, OPTIONS);
  }

  /**
   * Checks a password against a stored hash. With no hash (unknown user, code-only resident)
   * it still runs argon2 against a dummy, so both answers take about as long.
   */
  async verify(stored: string | null, password: string): Promise<boolean> {
    if (stored === null) {
      this.dummy ??= this.hash('civicgrid-dummy-password');
      await verify(await this.dummy, password).catch(() => false);
      return false;
    }
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }
}

/** Passwords shorter than this are refused when set (NIST SP 800-63B minimum). */
export const MIN_PASSWORD_LENGTH = 8;
