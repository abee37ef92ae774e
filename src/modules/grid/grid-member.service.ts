import { type Db, sqlState } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { actorLabel } from '../../kernel/actor.js';
import type { AuditWriter } from '../../kernel/audit.js';
import { refusal } from '../../kernel/policy.js';
import type { UserAuthority } from '../../kernel/user-authority.js';
import type { Clock } from '../../lib/clock.js';
import { CommonErrors } from '../../lib/errors.js';
import { AreaRepository } from './area.repository.js';
import { GridErrors } from './grid.errors.js';
import { gridMemberPolicy } from './grid.policy.js';
import {
  type GridMember,
  GridMemberRepository,
  type GridMemberRole,
  type UnstaffedGrid,
} from './grid-member.repository.js';

/**
 * Staffing of unit grids: who patrols each grid (workers) and who answers for it (one leader).
 * Changes are permission changes in effect (a worker sees their grids' data), so they are audited.
 */
export class GridMemberService {
  constructor(
    private readonly db: Db,
    private readonly deps: { audit: AuditWriter; clock: Clock; users: UserAuthority },
    private readonly members = new GridMemberRepository(),
    private readonly areas = new AreaRepository(),
  ) {}

  /** Assigns a user to a grid as worker or leader (a grid has at most one leader). */
  async assign(
    actor: Actor,
    gridCode: string,
    userId: number,
    role: GridMemberRole,
  ): Promise<{ added: boolean }> {
    gridMemberPolicy.assert(actor, 'assign', { areaCode: gridCode }, () =>
      GridErrors.NotAGrid({ params: { code: gridCode } }),
    );
    return this.db.transaction(async (tx) => {
      const area = await this.areas.findByCode(tx, gridCode);
      if (area?.level !== 'grid') throw GridErrors.NotAGrid({ params: { code: gridCode } });
      // Membership is a permission (the worker sees the grid's data): only for a user the admin
      // controls — not one of another district, a peer or someone above them.
      const verdict = await this.deps.users.verdict(tx, actor, userId);
      if (verdict === 'not_found') throw GridErrors.UserNotFound({ params: { userId } });
      if (verdict === 'forbidden') throw CommonErrors.Forbidden();
      let added: boolean;
      try {
        added = await this.members.add(tx, {
          userId,
          gridCode,
          role,
          at: this.deps.clock.now(),
          by: actorLabel(actor),
        });
      } catch (err) {
        if (sqlState(err) === '23503') throw GridErrors.UserNotFound({ params: { userId } });
        if (sqlState(err) === '23505') throw GridErrors.LeaderTaken({ params: { code: gridCode } });
        throw err;
      }
      if (added) {
        await this.deps.audit.record(tx, {
          actor,
          action: 'grid_member.assign',
          resourceType: 'grid',
          resourceId: gridCode,
          areaCode: gridCode,
          details: { userId, role },
        });
      }
      return { added };
    });
  }

  /** Removes a user's role in a grid. */
  async remove(actor: Actor, gridCode: string, userId: number, role: GridMemberRole): Promise<void> {
    gridMemberPolicy.assert(actor, 'remove', { areaCode: gridCode }, () =>
      GridErrors.MemberNotFound({ params: { code: gridCode } }),
    );
    await this.db.transaction(async (tx) => {
      if (!(await this.members.remove(tx, gridCode, userId, role))) {
        throw GridErrors.MemberNotFound({ params: { code: gridCode } });
      }
      await this.deps.audit.record(tx, {
        actor,
        action: 'grid_member.remove',
        resourceType: 'grid',
        resourceId: gridCode,
        areaCode: gridCode,
        details: { userId, role },
      });
    });
  }

  /** The members of one grid. */
  async listMembers(actor: Actor, gridCode: string): Promise<GridMember[]> {
    gridMemberPolicy.assert(actor, 'list', { areaCode: gridCode }, () =>
      GridErrors.NotAGrid({ params: { code: gridCode } }),
    );
    return this.members.listForGrid(this.db, gridCode);
  }

  /** Grids with no worker inside the actor's scope: where coverage is missing. */
  async listUnstaffed(
    actor: Actor,
    f: { within?: string; limit: number; offset: number },
  ): Promise<{ items: UnstaffedGrid[]; total: number }> {
    if (!gridMemberPolicy.permits(actor, 'list')) {
      throw refusal(actor);
    }
    return this.members.listUnstaffed(this.db, gridMemberPolicy.scopeFor(actor, 'list'), f);
  }

  /** The signed-in user's own grids (a grid worker's start page). */
  async myGrids(actor: Actor): Promise<Array<GridMember & { nameZh: string; nameEn: string }>> {
    if (actor.kind !== 'user') throw CommonErrors.Unauthenticated();
    return this.members.listForUser(this.db, actor.userId);
  }
}
