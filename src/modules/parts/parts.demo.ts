/**
 * Demo step: the city parts (部件) of the demo city, one urban-management survey file of
 * DEMO_PARTS parts placed in the grids, recorded as a registry import batch like a real file.
 */
import type { DemoStep } from '../../kernel/demo-step.js';
import { gridPlaces } from '../grid/index.js';
import { importBatches, openBatch } from '../registry/index.js';
import { TAXONOMY_V1 } from '../taxonomy/index.js';
import { partCode } from './part-code.js';
import { type NewPart, type PartState, PartsRepository } from './parts.repository.js';

/** How many parts the demo city has. */
export const DEMO_PARTS = 300;

const DAY = 86_400_000;

export const partsDemoStep: DemoStep = {
  name: 'parts',
  async run(tx, env) {
    const rng = env.rng;
    const now = env.clock.now();
    const places = await gridPlaces(tx);
    if (!places) return 'no parts (areas missing)';
    const batches = importBatches();
    env.progress.start('City parts (部件)', DEMO_PARTS);
    // City parts (GB/T 30428.2): county of the grid + class + serial per county and class.
    const classes = TAXONOMY_V1.categories.filter((c) => c.kind === 'part');
    const serials = new Map<string, number>();
    const parts: NewPart[] = [];
    for (let i = 0; i < DEMO_PARTS; i++) {
      const place = places.pick(rng);
      const cat = rng.pick(classes);
      const county = place.gridCode.slice(0, 6);
      const key = `${county}${cat.code}`;
      const serial = (serials.get(key) ?? 0) + 1;
      serials.set(key, serial);
      const s = rng.next();
      const state: PartState =
        s < 0.85 ? 'normal' : s < 0.93 ? 'damaged' : s < 0.98 ? 'repairing' : 'missing';
      parts.push({
        code: partCode(county, cat.code, serial),
        categoryCode: cat.code,
        name: cat.nameZh,
        ownerDepartment: cat.departmentCode,
        state,
        lng: place.lng,
        lat: place.lat,
        gridCode: place.gridCode,
        rowNo: i + 2,
      });
    }
    const partsAt = new Date(now.getTime() - 50 * DAY);
    const partBatch = await openBatch(tx, batches, 'part', 'urban_mgmt', '城管-部件普查.geojson', partsAt);
    await new PartsRepository().upsertMany(tx, parts, partBatch, partsAt);
    await batches.finishBatch(tx, partBatch, {
      total: parts.length,
      imported: parts.length,
      rejected: 0,
      merged: 0,
      conflicts: 0,
      rejections: [],
    });
    env.progress.tick(DEMO_PARTS);
    env.progress.done();
    return `${parts.length} parts`;
  },
};
