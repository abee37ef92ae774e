import { type Actor, ROLE_RANK, type RoleGrant } from '../../kernel/actor.js';
import type { Condition } from '../../kernel/policy.js';
import { codeWithin, Policy } from '../../kernel/policy.js';

/** A user seen as a resource: the areas of their active grants place them. */
export interface UserInAreas {
  areaCodes: readonly string[];
}

/** Condition: one of the user's grant areas lies in the actor's grant area. */
export const userInScope: Condition<UserInAreas> = (grant, user) =>
  grant.role !== 'resident' &&
  !(grant.departmentCode !== null && grant.areaCode === null) &&
  (grant.areaCode === null || user.areaCodes.some((c) => codeWithin(grant.areaCode, c)));

/**
 * Users: admins manage users in their area (a city admin: everyone); supervisors read users of
 * their area and may reveal their phone with a stated purpose.
 */
export const userPolicy = new Policy<UserInAreas>('user')
  .allow(['admin'], ['read', 'reveal', 'manage'], userInScope)
  .allow(['supervisor'], ['read', 'reveal'], userInScope);

/**
 * True when the actor has authority over this grant: an admin grant of theirs covers its area
 * (a city-wide admin covers everything) and the grant ranks below theirs, or equals it strictly
 * deeper inside their area. Grants without an area (residents, department handlers, city-wide
 * roles) are only a city-wide admin's. The one rule for changing users and granting roles.
 */
export function controlsGrant(actor: Actor, g: Pick<RoleGrant, 'role' | 'areaCode'>): boolean {
  if (actor.kind === 'system') return true;
  if (actor.kind !== 'user') return false;
  return actor.grants.some((a) => {
    if (a.role !== 'admin' || a.departmentCode !== null) return false;
    if (a.areaCode === null) return true;
    if (g.areaCode === null || !codeWithin(a.areaCode, g.areaCode)) return false;
    return ROLE_RANK[g.role] < ROLE_RANK[a.role] || g.areaCode.length > a.areaCode.length;
  });
}

/** True when the actor controls every grant of the user (see controlsGrant): may change them. */
export function controlsUser(actor: Actor, grants: readonly Pick<RoleGrant, 'role' | 'areaCode'>[]): boolean {
  return grants.every((g) => controlsGrant(actor, g));
}
