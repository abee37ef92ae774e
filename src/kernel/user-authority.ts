import type { Queryable } from '../db/db.js';
import type { Actor } from './actor.js';

/**
 * Whether an actor has authority over another user, by the identity module's one rule (every
 * active grant of the user lies inside the actor's admin area and below their rank). Modules that
 * hand a user a permission in effect — grid staffing, campaign members, organisation accounts —
 * ask it before they do, so an admin never extends a user from another district or above them.
 *
 * - `controls`: the actor may give this user work in their area;
 * - `not_found`: no such user, or one the actor cannot see (answered the same, so a scoped admin
 *   learns nothing about users outside their area);
 * - `forbidden`: the actor sees the user but does not control every grant of theirs.
 */
export type UserAuthorityVerdict = 'controls' | 'not_found' | 'forbidden';

export interface UserAuthority {
  verdict(q: Queryable, actor: Actor, userId: number): Promise<UserAuthorityVerdict>;
}
