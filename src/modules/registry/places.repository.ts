/** The SQL of standard addresses, buildings, households and organisations (demo, imports). */
import type { Queryable } from '../../db/db.js';

/** Addresses, buildings, households and organisations. */
export class PlacesRepository {
  /** Household number → id and grid, for resolving rows of population files. */
  async householdIndex(q: Queryable): Promise<Map<string, { id: number; gridCode: string | null }>> {
    const { rows } = await q.query<{ id: number; household_no: string; grid_code: string | null }>(
      'SELECT id, household_no, grid_code FROM households',
    );
    return new Map(rows.map((r) => [r.household_no, { id: r.id, gridCode: r.grid_code }]));
  }

  /** Inserts an address if new; returns its id (demo, building imports). */
  async upsertAddress(
    q: Queryable,
    a: { text: string; gridCode: string | null; lng: number; lat: number },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO addresses (text, grid_code, lng, lat) VALUES ($1, $2, $3, $4)
       ON CONFLICT (text) DO UPDATE SET grid_code = EXCLUDED.grid_code RETURNING id`,
      [a.text, a.gridCode, a.lng, a.lat],
    );
    return rows[0]!.id;
  }

  /** Inserts a building; returns its id. */
  async insertBuilding(
    q: Queryable,
    b: {
      code: string;
      name: string;
      addressId: number;
      gridCode: string | null;
      lng: number;
      lat: number;
      floors: number;
      use: string;
    },
  ): Promise<number> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO buildings (code, name, address_id, grid_code, lng, lat, floors, use)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [b.code, b.name, b.addressId, b.gridCode, b.lng, b.lat, b.floors, b.use],
    );
    return rows[0]!.id;
  }

  /** Inserts households in one statement; returns their ids in input order. */
  async insertHouseholds(
    q: Queryable,
    hs: ReadonlyArray<{
      householdNo: string;
      buildingId: number;
      addressId: number;
      room: string;
      gridCode: string | null;
    }>,
  ): Promise<number[]> {
    if (hs.length === 0) return [];
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO households (household_no, building_id, address_id, room, grid_code)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) RETURNING id`,
      [
        hs.map((h) => h.householdNo),
        hs.map((h) => h.buildingId),
        hs.map((h) => h.addressId),
        hs.map((h) => h.room),
        hs.map((h) => h.gridCode),
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Inserts organisations in one statement (credit codes new); returns their ids in input order. */
  async insertOrganisations(
    q: Queryable,
    os: ReadonlyArray<{
      creditCode: string | null;
      name: string;
      addressId: number | null;
      gridCode: string | null;
      lng: number;
      lat: number;
      kind: string;
    }>,
  ): Promise<number[]> {
    if (os.length === 0) return [];
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO organisations (credit_code, name, address_id, grid_code, lng, lat, kind)
       SELECT credit_code, name, address_id, grid_code, lng, lat, kind
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::float8[], $6::float8[], $7::text[])
         WITH ORDINALITY AS u(credit_code, name, address_id, grid_code, lng, lat, kind, n)
       ORDER BY n RETURNING id`,
      [
        os.map((o) => o.creditCode),
        os.map((o) => o.name),
        os.map((o) => o.addressId),
        os.map((o) => o.gridCode),
        os.map((o) => o.lng),
        os.map((o) => o.lat),
        os.map((o) => o.kind),
      ],
    );
    return rows.map((r) => r.id);
  }

  /** Inserts an organisation (demo, imports). */
  async insertOrganisation(
    q: Queryable,
    o: {
      creditCode: string | null;
      name: string;
      addressId: number | null;
      gridCode: string | null;
      lng: number;
      lat: number;
      kind: string;
    },
  ): Promise<void> {
    await q.query(
      `INSERT INTO organisations (credit_code, name, address_id, grid_code, lng, lat, kind)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (credit_code) DO NOTHING`,
      [o.creditCode, o.name, o.addressId, o.gridCode, o.lng, o.lat, o.kind],
    );
  }
}
