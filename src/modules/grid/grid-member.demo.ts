import type { DemoStep } from '../../kernel/demo-step.js';

/**
 * Demo step: every demo grid worker becomes the worker of the grid their grant names, and the
 * first worker of each grid its leader — so "my grids" and "grids without a worker" have content.
 */
export const gridMembersDemoStep: DemoStep = {
  name: 'grid-members',
  async run(tx) {
    const { rowCount } = await tx.query(
      `INSERT INTO grid_members (user_id, grid_code, role, assigned_by)
       SELECT g.user_id, g.area_code, r.role, 'demo'
       FROM role_grants g
       CROSS JOIN (VALUES ('worker'), ('leader')) AS r (role)
       WHERE g.role = 'grid_worker' AND g.revoked_at IS NULL AND length(g.area_code) = 15
       ON CONFLICT DO NOTHING`,
    );
    return `${rowCount / 2} grid workers assigned`;
  },
};
