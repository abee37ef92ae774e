import type { Locale } from '../config/config.js';

/** The seven roles of the platform (see ARCHITECTURE.md, "Access"). */
export const ROLES = [
  'resident',
  'grid_worker',
  'hotline_operator',
  'dispatcher',
  'dept_handler',
  'supervisor',
  'admin',
] as const;
/** One of ROLES. */
export type RoleName = (typeof ROLES)[number];

/**
 * The one ranking of roles, for "never change or grant above yourself": an actor changes a
 * grant only of a lower rank in their area, or of their own rank strictly deeper in it.
 */
export const ROLE_RANK: Readonly<Record<RoleName, number>> = {
  resident: 0,
  grid_worker: 1,
  hotline_operator: 1,
  dept_handler: 1,
  dispatcher: 2,
  supervisor: 3,
  admin: 4,
};

/**
 * A role held in a scope: an area (by code; its whole subtree) or, for department handlers, a
 * department. `areaCode` null means the whole city.
 */
export interface RoleGrant {
  role: RoleName;
  areaCode: string | null;
  departmentCode: string | null;
}

/**
 * Where an act came from, as its audit record keeps it: the client address of an HTTP request
 * (`req.ip`: the socket, or the forwarding proxy's client when the socket is a TRUST_PROXY
 * address), `cli` for a command run on the server, `system` for schedulers and background work.
 */
export type ActorOrigin = string;

/**
 * Who is asking: every service call takes one and checks it before doing any work. `origin` is
 * set once where the actor is made (the auth hook for requests, CLI_ACTOR, systemActor), so every
 * audit record of the act carries it without each call passing it along.
 */
export type Actor = (
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: number; displayName: string; grants: readonly RoleGrant[]; locale?: Locale }
  | { kind: 'system'; name: string }
) & { readonly origin?: ActorOrigin };

/** The actor of requests without credentials. */
export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** An actor for schedulers, background work and the demo generator (full access, audited by name). */
export function systemActor(name: string, origin: ActorOrigin = 'system'): Actor {
  return { kind: 'system', name, origin };
}

/** The actor of `civicgrid` commands run on the server: audited as `cli`, origin `cli`. */
export const CLI_ACTOR: Actor = systemActor('cli', 'cli');

/** The same actor, as acting from `origin` (the auth hook stamps each request's client address). */
export function actingFrom(actor: Actor, origin: ActorOrigin): Actor {
  return { ...actor, origin };
}
