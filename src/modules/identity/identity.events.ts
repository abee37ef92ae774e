/** Events the identity module publishes (see src/kernel/domain-events.ts). */

/**
 * A resident proved, by a one-time code, that they hold a phone: other modules may attach to
 * the account what was earlier known only by that phone (the keyed lookup hash, never the number).
 */
export interface PhoneVerified {
  userId: number;
  displayName: string;
  phoneHash: string;
  at: Date;
  /** Client address of the sign-in. */
  origin: string;
}

declare module '../../kernel/domain-events.js' {
  interface DomainEventMap {
    'identity.phone_verified': PhoneVerified;
  }
}
