import type { Db } from '../../db/db.js';
import type { Actor } from '../identity/actor.js';
import { AreaRepository, type AreaFilter } from './area.repository.js';
import type { AreaRecord } from './area.types.js';
import { GridErrors } from './grid.errors.js';

/**
 * Use cases on the area hierarchy. Area names and boundaries are public information (residents
 * see them on the map), so reading them needs no grant; writing them is an admin's job.
 */
export class GridService {
  constructor(
    private readonly db: Db,
    private readonly areas = new AreaRepository(),
  ) {}

  /** Lists current areas, e.g. the districts of the city or the grids of a community. */
  async listAreas(_actor: Actor, filter: AreaFilter): Promise<{ items: AreaRecord[]; total: number }> {
    return this.areas.list(this.db, filter);
  }

  /** One area with its boundary. */
  async getArea(_actor: Actor, code: string): Promise<AreaRecord> {
    const area = await this.areas.findByCode(this.db, code);
    if (!area) throw GridErrors.AreaNotFound({ params: { code } });
    return area;
  }
}
