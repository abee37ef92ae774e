import { beforeAll, expect, it } from 'vitest';
import { type Actor, systemActor } from '../../src/kernel/actor.js';
import { generateCityGeometry } from '../../src/kernel/demo-data/city-geometry.js';
import { FixedClock } from '../../src/lib/clock.js';
import { FieldCipher } from '../../src/lib/privacy.js';
import { AreaRepository } from '../../src/modules/grid/area.repository.js';
import { describeGeometry } from '../../src/modules/grid/area-geometry.js';
import { GridMemberService } from '../../src/modules/grid/grid-member.service.js';
import { PasswordHasher } from '../../src/modules/identity/password-hasher.js';
import { UserService } from '../../src/modules/identity/user.service.js';
import { testConfig } from '../support/app.js';
import { describeEachDriver } from '../support/db.js';
import { RecordingAudit } from '../support/fake-audit.js';

const city = generateCityGeometry(5, { targetGrids: 40, districts: 1 });
const grids = city.filter((a) => a.level === 'grid').map((a) => a.code);

describeEachDriver('grid members', (t) => {
  let svc: GridMemberService;
  let audit: RecordingAudit;
  const ids: number[] = [];

  beforeAll(async () => {
    audit = new RecordingAudit();
    const clock = new FixedClock(new Date('2026-03-02T01:00:00Z'));
    const users = new UserService(
      t().db,
      clock,
      new FieldCipher(testConfig().dataKey),
      new PasswordHasher(),
      audit,
    );
    svc = new GridMemberService(t().db, { audit, clock, users });
    await new AreaRepository().insertMany(
      t().db,
      city.map((a) => ({
        ...a,
        ...describeGeometry(a.geometry),
        validFrom: new Date('2025-01-01T00:00:00Z'),
      })),
    );
    for (const name of ['wang', 'li', 'zhao']) {
      const { rows } = await t().db.query<{ id: number }>(
        `INSERT INTO users (username, display_name, created_at, updated_at) VALUES ($1, $1, now(), now()) RETURNING id`,
        [name],
      );
      ids.push(rows[0]!.id);
    }
  });

  it('assigns workers and one leader, lists uncovered grids and a worker’s grids', async () => {
    const admin = systemActor('test');
    const [wang, li, zhao] = ids as [number, number, number];
    await svc.assign(admin, grids[0]!, wang, 'worker');
    await svc.assign(admin, grids[1]!, wang, 'worker');
    await svc.assign(admin, grids[0]!, li, 'leader');
    expect(await svc.assign(admin, grids[0]!, wang, 'worker')).toEqual({ added: false });
    await expect(svc.assign(admin, grids[0]!, zhao, 'leader')).rejects.toMatchObject({
      code: 'GRID_LEADER_TAKEN',
    });
    await expect(svc.assign(admin, grids[0]!, 999_999, 'worker')).rejects.toMatchObject({
      code: 'GRID_MEMBER_USER_NOT_FOUND',
    });
    await expect(svc.assign(admin, grids[0]!.slice(0, 12), wang, 'worker')).rejects.toMatchObject({
      code: 'NOT_A_GRID',
    });

    const members = await svc.listMembers(admin, grids[0]!);
    expect(members.map((m) => [m.displayName, m.role])).toEqual([
      ['li', 'leader'],
      ['wang', 'worker'],
    ]);

    const unstaffed = await svc.listUnstaffed(admin, { limit: 1000, offset: 0 });
    expect(unstaffed.total).toBe(grids.length - 2);
    expect(unstaffed.items.map((g) => g.code)).not.toContain(grids[0]);

    const me: Actor = { kind: 'user', userId: wang, displayName: 'wang', grants: [] };
    expect((await svc.myGrids(me)).map((g) => g.gridCode)).toEqual([grids[0], grids[1]]);
    expect(audit.entries.filter((e) => e.action === 'grid_member.assign')).toHaveLength(4 - 1);
  });

  it('scopes the uncovered list to a supervisor’s area and refuses assignments outside it', async () => {
    const community = grids[0]!.slice(0, 12);
    const sup: Actor = {
      kind: 'user',
      userId: ids[2]!,
      displayName: 'zhao',
      grants: [{ role: 'supervisor', areaCode: community, departmentCode: null }],
    };
    const page = await svc.listUnstaffed(sup, { limit: 1000, offset: 0 });
    expect(page.items.every((g) => g.code.startsWith(community))).toBe(true);
    const outside = grids.find((g) => !g.startsWith(community));
    if (outside)
      await expect(svc.assign(sup, outside, ids[2]!, 'worker')).rejects.toMatchObject({ code: 'NOT_A_GRID' });
    await expect(svc.listUnstaffed({ kind: 'anonymous' }, { limit: 10, offset: 0 })).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });
});
