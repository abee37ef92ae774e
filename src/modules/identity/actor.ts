import type { Locale } from '../../config/config.js';

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

/** Who is asking: every service call takes one and checks it before doing any work. */
export type Actor =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: number; displayName: string; grants: readonly RoleGrant[]; locale?: Locale }
  | { kind: 'system'; name: string };

/** The actor of requests without credentials. */
export const ANONYMOUS: Actor = { kind: 'anonymous' };

/** An actor for CLI commands, schedulers and the demo generator (full access, audited by name). */
export function systemActor(name: string): Actor {
  return { kind: 'system', name };
}
