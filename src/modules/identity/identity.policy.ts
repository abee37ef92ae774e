import type { Condition } from './policy.js';
import { codeWithin, Policy } from './policy.js';

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
