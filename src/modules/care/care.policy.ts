import type { Actor } from '../../kernel/actor.js';
import { type AreaScope, areaScope, codeWithin, type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * Cohort definitions, plans, flag imports and cohort grants: admins whose area covers the
 * cohort's area (a city-wide cohort: city admins only).
 */
export const careAdminPolicy = new Policy<InArea>('care_cohort').allow(
  ['admin'],
  ['define', 'read', 'evaluate', 'grant', 'import_flags', 'plan', 'generate'],
  inScope,
);

/**
 * Visits: grid workers in their area — and, checked in SQL, only in the grids they staff. An admin
 * passes this gate (a request is validated like any other) but staffs no grid unless made a grid
 * member, so finds no member to visit (404).
 */
export const careVisitPolicy = new Policy<InArea>('care_visit').allow(
  ['grid_worker', 'admin'],
  ['visit'],
  inScope,
);

/** Member lists and visit notes need, on top of a staff role in the area, a cohort grant (care_grants). */
export const careMemberPolicy = new Policy<InArea>('care_member').allow(
  ['admin', 'supervisor', 'grid_worker'],
  ['read', 'export'],
  inScope,
);

/** Coverage figures (counts, never labels or people): area readers. */
export const careCoveragePolicy = new Policy<InArea>('care_coverage').allow(
  ['admin', 'supervisor', 'dispatcher'],
  ['read'],
  inScope,
);

/** One active cohort grant of a user. */
export interface CareGrant {
  id: number;
  cohortId: number;
  areaCode: string | null;
}

/** True when one of the grants covers the cohort in this grid (PIPL Art. 28: need to know). */
export function grantCovers(
  grants: readonly CareGrant[],
  cohortId: number,
  gridCode: string | null,
): boolean {
  return grants.some((g) => g.cohortId === cohortId && codeWithin(g.areaCode, gridCode));
}

/**
 * Where the actor may read this cohort's members: the intersection of their staff area for the
 * action and the areas of their grants for the cohort. System actors read everywhere.
 */
export function memberScope(
  actor: Actor,
  grants: readonly CareGrant[],
  cohortId: number,
  action: 'read' | 'export' = 'read',
): AreaScope {
  if (actor.kind === 'system') return { all: true };
  const staff = careMemberPolicy.scopeFor(actor, action);
  const granted: AreaScope = grants.some((g) => g.cohortId === cohortId && g.areaCode === null)
    ? { all: true }
    : { all: false, codes: grants.filter((g) => g.cohortId === cohortId).map((g) => g.areaCode!) };
  return intersectScopes(staff, granted);
}

/** The areas inside both scopes (codes are prefixes: the longer of two nested codes). */
export function intersectScopes(a: AreaScope, b: AreaScope): AreaScope {
  if (a.all) return b;
  if (b.all) return a;
  const out = new Set<string>();
  for (const x of a.codes)
    for (const y of b.codes) {
      if (x.startsWith(y)) out.add(x);
      else if (y.startsWith(x)) out.add(y);
    }
  return { all: false, codes: [...out] };
}

/** The actor's staff area for the roles that may hold cohort grants. */
export function staffScope(actor: Actor): AreaScope {
  return areaScope(actor, ['admin', 'supervisor', 'grid_worker']);
}
