import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/db.js';
import { AreaRepository } from './area.repository.js';
import type { AreaLevelName } from './area.types.js';
import { GridLocator } from './grid-locator.js';

/** An area as a location answer names it. */
export interface LocatedArea {
  code: string;
  level: AreaLevelName;
  nameZh: string;
  nameEn: string;
}

/** Where a point lies: its unit grid and the grid's ancestors from the city down. */
export interface Location {
  grid: LocatedArea;
  /** City, district, street, community (those that exist), widest first. */
  ancestors: LocatedArea[];
}

/** The NOTIFY channel a trigger on `areas` (migration 0003) signals after every committed change. */
export const AREAS_CHANGED_CHANNEL = 'areas_changed';

interface Snapshot {
  locator: GridLocator;
  /** Grid codes by locator id (the id is the index). */
  gridCodes: string[];
  areas: Map<string, LocatedArea & { parentCode: string | null }>;
  builtAt: number;
}

/**
 * Point → unit grid for the whole process: every report, building, city part and GPS fix is
 * assigned to a grid here. Holds an in-memory GridLocator (exact, see grid-locator.ts for the
 * tie rule) built from the current grid boundaries on first use and rebuilt whenever `areas`
 * change — in this process via `reload()`, in other instances via LISTEN `areas_changed`.
 */
export class LocateService {
  private snapshot: Promise<Snapshot> | undefined;
  private generation = 0;
  private unlisten: (() => Promise<void>) | undefined;
  private listening: Promise<void> | undefined;
  private debounce: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Db,
    private readonly log?: Pick<FastifyBaseLogger, 'warn' | 'info'>,
    private readonly areas = new AreaRepository(),
  ) {}

  /** Builds the index and subscribes to area changes; idempotent, called at start and on first use. */
  async start(): Promise<void> {
    this.listening ??= this.db
      .listen(AREAS_CHANGED_CHANNEL, () => this.scheduleReload())
      .then((stop) => {
        this.unlisten = stop;
      })
      .catch((err: Error) => {
        this.log?.warn(
          { err },
          'locate: cannot LISTEN for area changes; index rebuilt only on local changes',
        );
      });
    await this.listening;
    await this.current();
  }

  /** Unsubscribes (server shutdown, tests). */
  async stop(): Promise<void> {
    if (this.debounce) clearTimeout(this.debounce);
    await this.listening;
    await this.unlisten?.();
    this.unlisten = undefined;
    this.listening = undefined;
  }

  /** Rebuilds the index now from committed data; call after a change committed by this process. */
  async reload(): Promise<void> {
    const previous = this.snapshot;
    const gen = ++this.generation;
    const next = this.build().catch(async (err: Error) => {
      // Keep answering from the last good index rather than failing every caller.
      this.log?.warn({ err }, 'locate: rebuilding the grid index failed');
      if (previous) return previous;
      throw err;
    });
    this.snapshot = next;
    await next;
    if (gen !== this.generation) await this.snapshot;
  }

  /** The unit grid containing (lng, lat) and its ancestors, or null outside every grid. */
  async locate(lng: number, lat: number): Promise<Location | null> {
    const snap = await this.current();
    const id = snap.locator.locate(lng, lat);
    return id < 0 ? null : this.describe(snap, snap.gridCodes[id]!);
  }

  /** Only the grid code (hot path for imports and case filing), or null outside the city. */
  async locateCode(lng: number, lat: number): Promise<string | null> {
    const snap = await this.current();
    const id = snap.locator.locate(lng, lat);
    return id < 0 ? null : snap.gridCodes[id]!;
  }

  /** Grid codes of many points in one pass (null = outside); same answers as locateCode. */
  async locateMany(points: ReadonlyArray<{ lng: number; lat: number }>): Promise<Array<string | null>> {
    const snap = await this.current();
    const n = points.length;
    const lngs = new Float64Array(n);
    const lats = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lngs[i] = points[i]!.lng;
      lats[i] = points[i]!.lat;
    }
    const out = new Int32Array(n);
    snap.locator.locateMany(lngs, lats, out);
    return Array.from(out, (id) => (id < 0 ? null : snap.gridCodes[id]!));
  }

  /** The grid and ancestors of a known grid code (names for a code stored elsewhere). */
  async describeCode(code: string): Promise<Location | null> {
    const snap = await this.current();
    return snap.areas.has(code) ? this.describe(snap, code) : null;
  }

  /** Number of grids indexed and when the index was built (health, tests). */
  async stats(): Promise<{ grids: number; builtAt: number }> {
    const snap = await this.current();
    return { grids: snap.locator.size, builtAt: snap.builtAt };
  }

  private current(): Promise<Snapshot> {
    this.snapshot ??= this.build();
    return this.snapshot;
  }

  private scheduleReload(): void {
    // Several notifications in a burst (other instances importing) give one rebuild.
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reload().catch(() => undefined);
    }, 50);
    this.debounce.unref?.();
  }

  private describe(snap: Snapshot, gridCode: string): Location {
    const grid = snap.areas.get(gridCode)!;
    const ancestors: LocatedArea[] = [];
    let parent = grid.parentCode;
    for (let guard = 0; parent !== null && guard < 8; guard++) {
      const a = snap.areas.get(parent);
      if (!a) break;
      ancestors.unshift({ code: a.code, level: a.level, nameZh: a.nameZh, nameEn: a.nameEn });
      parent = a.parentCode;
    }
    return {
      grid: { code: grid.code, level: grid.level, nameZh: grid.nameZh, nameEn: grid.nameEn },
      ancestors,
    };
  }

  private async build(): Promise<Snapshot> {
    const [shapes, names] = await Promise.all([
      this.areas.currentGridShapes(this.db),
      this.areas.currentNames(this.db),
    ]);
    const locator = new GridLocator(shapes.map((s, i) => ({ id: i, code: s.code, geometry: s.geometry })));
    const areas = new Map(names.map((a) => [a.code, a]));
    this.log?.info({ grids: shapes.length }, 'locate: grid index built');
    return { locator, gridCodes: shapes.map((s) => s.code), areas, builtAt: Date.now() };
  }
}
