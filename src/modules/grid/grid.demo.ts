import { generateCityGeometry } from '../../kernel/demo-data/city-geometry.js';
import type { DemoStep } from '../../kernel/demo-step.js';
import { AreaRepository } from './area.repository.js';
import type { NewArea } from './area.types.js';
import { describeGeometry } from './area-geometry.js';

/** Demo step: the city, its districts, streets, communities and ~2,000 unit grids. */
export const areasDemoStep: DemoStep = {
  name: 'areas',
  async run(tx, env) {
    const generated = generateCityGeometry(env.seed);
    env.progress.start('Areas (city › grid)', generated.length);
    const validFrom = new Date(env.clock.now().getTime() - 400 * 86_400_000);
    const areas: NewArea[] = generated.map((a) => ({
      code: a.code,
      level: a.level,
      parentCode: a.parentCode,
      nameZh: a.nameZh,
      nameEn: a.nameEn,
      geometry: a.geometry,
      ...describeGeometry(a.geometry),
      validFrom,
    }));
    const repo = new AreaRepository();
    const BATCH = 200;
    for (let i = 0; i < areas.length; i += BATCH) {
      await repo.insertMany(tx, areas.slice(i, i + BATCH));
      env.progress.tick(Math.min(BATCH, areas.length - i));
    }
    env.progress.done();
    const count = (level: string) => areas.filter((a) => a.level === level).length;
    return `${count('district')} districts, ${count('street')} streets, ${count('community')} communities, ${count('grid')} grids`;
  },
};
