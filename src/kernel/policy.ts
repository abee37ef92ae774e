/**
 * The one way to ask "may this actor do this here?". Each module declares its rules in its own
 * `<feature>.policy.ts` as one line each:
 *
 *   export const casePolicy = new Policy('case')
 *     .allow(['dispatcher'], ['file', 'dispatch'], inScope)
 *     .allow(['admin'], '*');
 *
 * Services call `policy.assert(actor, 'file', resource)` before any work. Reads that return lists
 * use `areaScope(actor, roles)` and put `scopeSql(...)` into the repository's WHERE clause, so an
 * id from another area is simply not found (404), never fetched and then filtered.
 */
import { CommonErrors } from '../lib/errors.js';
import type { Actor, RoleGrant, RoleName } from './actor.js';

/** A signed-in user (the only actor that holds grants). */
export type UserActor = Extract<Actor, { kind: 'user' }>;

/** What a rule's condition sees: the grant that matched and the resource, if any. */
export type Condition<R> = (grant: RoleGrant, resource: R, actor: UserActor) => boolean;

interface Rule<R> {
  roles: readonly RoleName[] | '*';
  actions: readonly string[] | '*';
  condition?: Condition<R>;
}

/** Resources that live in an area carry the area code of their grid (or a higher area). */
export interface InArea {
  areaCode: string | null;
}

/** The refusal for an actor not allowed: UNAUTHENTICATED when anonymous, FORBIDDEN otherwise. */
export function refusal(actor: Actor): Error {
  return actor.kind === 'anonymous' ? CommonErrors.Unauthenticated() : CommonErrors.Forbidden();
}

/** True when `code` lies inside `scope` (codes are hierarchical prefixes; null scope = whole city). */
export function codeWithin(scope: string | null, code: string | null): boolean {
  if (scope === null) return true;
  if (code === null) return false;
  return code.startsWith(scope);
}

/**
 * Condition: the resource lies in the grant's area. Resident and department-only grants carry
 * no area (their null is not "the whole city"), so they never satisfy it.
 */
export const inScope: Condition<InArea> = (grant, resource) =>
  grant.role !== 'resident' &&
  !(grant.departmentCode !== null && grant.areaCode === null) &&
  codeWithin(grant.areaCode, resource.areaCode);

/** The rules of one resource type, checked before every use case. */
export class Policy<R = unknown> {
  private readonly rules: Rule<R>[] = [];

  constructor(readonly resource: string) {}

  /** Adds one rule: these roles may do these actions (when the condition holds). */
  allow(roles: readonly RoleName[] | '*', actions: readonly string[] | '*', condition?: Condition<R>): this {
    this.rules.push({ roles, actions, ...(condition ? { condition } : {}) });
    return this;
  }

  /** True when any of the actor's grants allows the action (on this resource instance, if given). */
  can(actor: Actor, action: string, resource?: R): boolean {
    if (actor.kind === 'system') return true;
    if (actor.kind !== 'user') return false;
    return this.rules.some(
      (rule) =>
        (rule.actions === '*' || rule.actions.includes(action)) &&
        actor.grants.some(
          (grant) =>
            (rule.roles === '*' || rule.roles.includes(grant.role)) &&
            (!rule.condition || (resource !== undefined && rule.condition(grant, resource, actor))),
        ),
    );
  }

  /**
   * The roles of the actor's grants that allow the action (on this resource): which hat the actor
   * wore for an act already allowed, e.g. for the role shown in a case's history.
   */
  rolesAllowing(actor: Actor, action: string, resource?: R): RoleName[] {
    if (actor.kind !== 'user') return [];
    const out = new Set<RoleName>();
    for (const rule of this.rules) {
      if (rule.actions !== '*' && !rule.actions.includes(action)) continue;
      for (const grant of actor.grants) {
        if (rule.roles !== '*' && !rule.roles.includes(grant.role)) continue;
        if (rule.condition && (resource === undefined || !rule.condition(grant, resource, actor))) continue;
        out.add(grant.role);
      }
    }
    return [...out];
  }

  /**
   * Throws UNAUTHENTICATED for anonymous actors and FORBIDDEN otherwise. Use `notFoundInstead`
   * when a refusal would reveal that the resource exists in another area.
   */
  assert(actor: Actor, action: string, resource?: R, notFoundInstead?: () => Error): void {
    if (this.can(actor, action, resource)) return;
    if (actor.kind === 'anonymous') throw CommonErrors.Unauthenticated();
    if (notFoundInstead) throw notFoundInstead();
    throw refusal(actor);
  }

  /**
   * True when some rule could allow the action for one of the actor's roles, ignoring the
   * condition: "may this actor do this anywhere?". Route access checks use it before the body
   * is read; the service then narrows to the actor's scope (scopeFor) in the repository query.
   */
  permits(actor: Actor, action: string): boolean {
    if (actor.kind === 'system') return true;
    if (actor.kind !== 'user') return false;
    return this.rules.some(
      (rule) =>
        (rule.actions === '*' || rule.actions.includes(action)) &&
        actor.grants.some((grant) => rule.roles === '*' || rule.roles.includes(grant.role)),
    );
  }

  /** Throws UNAUTHENTICATED/FORBIDDEN unless permits(): the service's first line for scoped reads. */
  assertPermits(actor: Actor, action: string): void {
    if (this.permits(actor, action)) return;
    throw refusal(actor);
  }

  /**
   * Where the actor may do the action: a rule without a condition allows it everywhere; a rule
   * with a condition allows it in the matching grant's area (null area = whole city). Put the
   * result into the repository query with scopeSql, so out-of-scope rows are never read.
   */
  scopeFor(actor: Actor, action: string): AreaScope {
    if (actor.kind === 'system') return { all: true };
    if (actor.kind !== 'user') return { all: false, codes: [] };
    const codes: string[] = [];
    for (const rule of this.rules) {
      if (rule.actions !== '*' && !rule.actions.includes(action)) continue;
      for (const grant of actor.grants) {
        if (rule.roles !== '*' && !rule.roles.includes(grant.role)) continue;
        if (!rule.condition) return { all: true };
        if (grant.role === 'resident') continue;
        if (grant.departmentCode !== null && grant.areaCode === null) continue;
        if (grant.areaCode === null) return { all: true };
        codes.push(grant.areaCode);
      }
    }
    return minimalScope(codes);
  }

  /** The roles that some rule allows for this action (for the authorization matrix and the UI). */
  rolesFor(action: string): RoleName[] | '*' {
    const out = new Set<RoleName>();
    for (const rule of this.rules) {
      if (rule.actions !== '*' && !rule.actions.includes(action)) continue;
      if (rule.roles === '*') return '*';
      for (const r of rule.roles) out.add(r);
    }
    return [...out];
  }
}

/** Where an actor may read: everywhere, nowhere, or inside these area codes. */
export type AreaScope = { all: true } | { all: false; codes: string[] };

/**
 * The union of the actor's area grants for the given roles (all roles if omitted). Department
 * grants (departmentCode set, areaCode null) do not give area-wide reads: the caller adds
 * department conditions itself.
 */
export function areaScope(actor: Actor, roles?: readonly RoleName[]): AreaScope {
  if (actor.kind === 'system') return { all: true };
  if (actor.kind !== 'user') return { all: false, codes: [] };
  const codes: string[] = [];
  for (const g of actor.grants) {
    if (roles && !roles.includes(g.role)) continue;
    // A resident's grant has no area: residents read their own records, never an area.
    if (g.role === 'resident') continue;
    if (g.departmentCode !== null && g.areaCode === null) continue;
    if (g.areaCode === null) return { all: true };
    codes.push(g.areaCode);
  }
  return minimalScope(codes);
}

/** Drops codes already covered by a shorter prefix. */
function minimalScope(codes: readonly string[]): AreaScope {
  const minimal = codes.filter((c) => !codes.some((o) => o !== c && c.startsWith(o)));
  return { all: false, codes: [...new Set(minimal)] };
}

/** The departments the actor handles cases for (department-handler grants). */
export function departmentScope(actor: Actor, roles: readonly RoleName[] = ['dept_handler']): string[] {
  if (actor.kind !== 'user') return [];
  return [
    ...new Set(
      actor.grants
        .filter((g) => roles.includes(g.role) && g.departmentCode !== null)
        .map((g) => g.departmentCode!),
    ),
  ];
}

/**
 * SQL condition restricting `column` (an area code column) to the scope; pushes its parameters
 * onto `params`. Use it inside the repository query so out-of-scope rows are never read.
 */
export function scopeSql(scope: AreaScope, column: string, params: unknown[]): string {
  if (scope.all) return 'TRUE';
  if (scope.codes.length === 0) return 'FALSE';
  const parts = scope.codes.map((code) => {
    params.push(`${code}%`);
    return `${column} LIKE $${params.length}`;
  });
  return `(${parts.join(' OR ')})`;
}
