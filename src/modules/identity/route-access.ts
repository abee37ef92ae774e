import type { Actor } from '../../kernel/actor.js';

/** Anything that can answer "may this actor do this action somewhere?" (a Policy). */
export interface AccessPolicy {
  readonly resource: string;
  permits(actor: Actor, action: string): boolean;
}

/**
 * What a route requires, declared in its options: `config: { access: ... }`.
 * - `'public'`: anyone, signed in or not.
 * - `'authenticated'`: any signed-in user (any role).
 * - `{ policy, action }`: a signed-in user whose roles the policy allows the action for
 *   somewhere; the service then narrows to the actor's scope in the repository query.
 * Checked in an onRequest hook, before the body is parsed: 401 anonymous, 403 wrong role.
 */
export type RouteAccess = 'public' | 'authenticated' | { policy: AccessPolicy; action: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; routes without it are refused (ACCESS_UNDECLARED). */
    access?: RouteAccess;
    /** The response carries clear personal data from an audited reveal (the PII scan skips it). */
    revealsPii?: boolean;
  }
}

/** A readable label of an access rule (matrix test, docs). */
export function describeAccess(access: RouteAccess | undefined): string {
  if (access === undefined) return 'undeclared';
  if (typeof access === 'string') return access;
  return `${access.policy.resource}:${access.action}`;
}
