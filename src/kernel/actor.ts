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

/**
 * Who acted, as a history shows it to everyone: one of ROLES, or for machines `system`
 * (schedulers, demo, CLI), `device` (IoT sensors) or `open311` (another system's key). A stable
 * code the UI translates; unlike a name it is never personal data.
 */
export const ACTOR_ROLES = [...ROLES, 'system', 'device', 'open311'] as const;
/** One of ACTOR_ROLES. */
export type ActorRole = (typeof ACTOR_ROLES)[number];

/** The role of a system actor by its name: `iot` (devices) and `open311:<key id>` have their own. */
export function systemActorRole(name: string): ActorRole {
  if (name === 'iot') return 'device';
  if (name.startsWith('open311:')) return 'open311';
  return 'system';
}

/**
 * The role an actor acted in. A user holds several grants; `allowing` names the roles whose grant
 * allowed this act (the caller asks its policy), and the highest-ranked of those is the role. When
 * none is given or matches, the highest-ranked grant the user holds; no grant at all, `resident`.
 * Anonymous callers are residents (an anonymous report is a resident's).
 */
export function actorRoleOf(actor: Actor, allowing: readonly RoleName[] = []): ActorRole {
  if (actor.kind === 'system') return systemActorRole(actor.name);
  if (actor.kind !== 'user') return 'resident';
  const top = (roles: readonly RoleName[]) =>
    roles.reduce<RoleName | null>(
      (best, r) => (best === null || ROLE_RANK[r] > ROLE_RANK[best] ? r : best),
      null,
    );
  return top(allowing) ?? top(actor.grants.map((g) => g.role)) ?? 'resident';
}

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

/** The actor as audit details, histories and tables name it (`user:<id>`, `system:<name>`; never a personal name). */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'user') return `user:${actor.userId}`;
  if (actor.kind === 'system') return `system:${actor.name}`;
  return 'anonymous';
}
