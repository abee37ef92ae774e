/**
 * Demo step: the base data of the demo city (一标三实). Standard addresses and buildings located
 * into their grids, households of 1–5 people, shops and property companies (city parts are the
 * parts module's step), with
 * provenance from two departments: public security files everyone, civil affairs files a share
 * again (some phones only it knows, a handful of phones and residence types that disagree), so
 * the data quality view and the conflict list have something to show. People go through the
 * same validation, sealing and merge as a department file (importPersonBatch), so their personal
 * fields are encrypted, hashed and masked exactly as an import stores them.
 */
import type { Queryable } from '../../db/db.js';
import {
  idNumber,
  organisationName,
  personName,
  phoneNumber,
  residentialCompoundName,
  roadName,
  type Sex,
} from '../../kernel/demo-data/demo-content.js';
import type { DemoStep } from '../../kernel/demo-step.js';
import type { Rng } from '../../lib/random.js';
import { gridPlaces, type Place } from '../grid/index.js';
import type { ResidenceType } from './person.types.js';
import { importPersonBatch } from './person-import.js';
import { RegistryRepository } from './registry.repository.js';
import type { ImportBatches } from './registry-batch.repository.js';
import type { TableRow } from './tabular-file.js';

/** Sizes of the demo base data. */
export const DEMO_REGISTRY = {
  buildings: 300,
  households: 500,
  organisations: 60,
  /** People whose phone the civil-affairs file gives differently (open phone conflicts). */
  phoneConflicts: 12,
  /** People whose residence type the civil-affairs file gives differently. */
  residenceConflicts: 3,
} as const;

const DAY = 86_400_000;

/** Where floating residents come from (GB/T 2260 county codes of other provinces). */
const ORIGIN_COUNTIES = ['510104', '410102', '340102', '420102', '360102', '430102', '370102', '130102'];

const RESIDENCE_ZH: Record<ResidenceType, string> = {
  registered: '户籍',
  permanent: '常住',
  floating: '流动',
};

interface DemoPerson {
  name: string;
  idNumber: string;
  phone: string | null;
  residence: ResidenceType;
  householdNo: string;
}

/** GB 32100 unified social credit code check character (18th) for the first 17 characters. */
function creditCode(rng: Rng, county: string): string {
  const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  let body = `91${county}`;
  for (let i = 0; i < 9; i++) body += CHARS.charAt(rng.int(0, i === 0 ? 9 : 30));
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CHARS.indexOf(body.charAt(i)) * (WEIGHTS[i] ?? 0);
  return body + CHARS.charAt((31 - (sum % 31)) % 31);
}

function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** Members of one household: a head, perhaps a spouse, children sharing the head's surname. */
function householdMembers(rng: Rng, now: Date, county: string, householdNo: string): DemoPerson[] {
  const r = rng.next();
  const residence: ResidenceType = r < 0.6 ? 'registered' : r < 0.85 ? 'permanent' : 'floating';
  const area =
    residence === 'floating' || (residence === 'permanent' && rng.chance(0.5))
      ? rng.pick(ORIGIN_COUNTIES)
      : county;
  const size = rng.pick([1, 2, 2, 3, 3, 3, 4, 4, 5]);
  const headAge = rng.int(size > 2 ? 30 : 22, size > 2 ? 60 : 85);
  const out: DemoPerson[] = [];
  let surname = '';
  const headSex: Sex = rng.chance(0.5) ? 'male' : 'female';
  for (let i = 0; i < size; i++) {
    const sex: Sex =
      i === 0
        ? headSex
        : i === 1
          ? headSex === 'male'
            ? 'female'
            : 'male'
          : rng.chance(0.5)
            ? 'male'
            : 'female';
    const age =
      i === 0
        ? headAge
        : i === 1
          ? Math.max(20, headAge + rng.int(-5, 5))
          : rng.int(0, Math.max(0, headAge - 22));
    const birth = new Date(now.getTime() - age * 365.25 * DAY - rng.int(1, 360) * DAY);
    const n = personName(rng, sex);
    if (i === 0) surname = n.surnameZh;
    const name = i >= 2 ? surname + n.givenNameZh : n.zh;
    out.push({
      name,
      idNumber: idNumber(rng, ymd(birth), area, sex),
      phone: age >= 16 && rng.chance(0.88) ? phoneNumber(rng) : null,
      residence,
      householdNo,
    });
  }
  return out;
}

function personRow(p: DemoPerson, rowNo: number, headers: readonly string[], zh: boolean): TableRow {
  const values: Record<string, string> = zh
    ? { 姓名: p.name, 身份证号: p.idNumber, 居住类型: RESIDENCE_ZH[p.residence], 户号: p.householdNo }
    : { name: p.name, id_number: p.idNumber, residence_type: p.residence, household_no: p.householdNo };
  if (p.phone !== null) values[zh ? '联系电话' : 'phone'] = p.phone;
  return { rowNo, values, headers };
}

/** Opens an import batch for a demo file (its rows' provenance points at it). */
export async function openBatch(
  tx: Queryable,
  batches: ImportBatches,
  kind: 'person' | 'household' | 'organisation' | 'part',
  source: string,
  fileName: string,
  at: Date,
): Promise<number> {
  return batches.createBatch(tx, { kind, source, fileName, at, by: 'system:demo' });
}

/** Demo step: addresses, buildings, households, people, organisations and city parts. */
export const registryDemoStep: DemoStep = {
  name: 'registry',
  async run(tx, env) {
    const rng = env.rng;
    const now = env.clock.now();
    const repo = new RegistryRepository();
    const places = await gridPlaces(tx);
    if (!places) return 'no base data (areas missing)';
    const n = DEMO_REGISTRY;
    env.progress.start('Base data (一标三实)', n.buildings + n.households + n.organisations);

    // Standard addresses and buildings.
    const buildings: Array<Place & { id: number; addressId: number; floors: number }> = [];
    const texts = new Set<string>();
    const perGrid = new Map<string, number>();
    while (buildings.length < n.buildings) {
      const place = places.pick(rng);
      const road = roadName(rng);
      const compound = residentialCompoundName(rng);
      const no = rng.int(1, 399);
      const b = rng.int(1, 28);
      const text = `南湖市${road.zh}${no}号${compound.zh}${b}栋`;
      if (texts.has(text)) continue;
      texts.add(text);
      const addressId = await repo.places.upsertAddress(tx, {
        text,
        gridCode: place.gridCode,
        lng: place.lng,
        lat: place.lat,
      });
      const seq = (perGrid.get(place.gridCode) ?? 0) + 1;
      perGrid.set(place.gridCode, seq);
      const floors = rng.chance(0.6) ? rng.int(3, 7) : rng.int(8, 33);
      const id = await repo.places.insertBuilding(tx, {
        code: `${place.gridCode}${String(seq).padStart(4, '0')}`,
        name: `${compound.zh}${b}栋`,
        addressId,
        gridCode: place.gridCode,
        lng: place.lng,
        lat: place.lat,
        floors,
        use: rng.chance(0.85) ? 'residential' : 'mixed',
      });
      buildings.push({ ...place, id, addressId, floors });
      env.progress.tick();
    }

    // Households (civil affairs keeps the household register).
    const householdSeeds = Array.from({ length: n.households }, (_, i) => {
      const b = rng.pick(buildings);
      const room = `${rng.int(1, b.floors)}${String(rng.int(1, 4)).padStart(2, '0')}`;
      return {
        householdNo: `NH${b.gridCode.slice(0, 6)}${String(i + 1).padStart(5, '0')}`,
        buildingId: b.id,
        addressId: b.addressId,
        room,
        gridCode: b.gridCode,
      };
    });
    const householdIds = await repo.places.insertHouseholds(tx, householdSeeds);
    const hhBatch = await openBatch(
      tx,
      repo.batches,
      'household',
      'civil_affairs',
      '民政-户籍台账.xlsx',
      new Date(now.getTime() - 40 * DAY),
    );
    await repo.batches.insertProvenance(
      tx,
      'household',
      hhBatch,
      householdIds.map((id, i) => ({
        entityId: id,
        rowNo: i + 2,
        fields: ['household_no', 'address', 'building', 'room'],
      })),
    );
    await repo.batches.finishBatch(tx, hhBatch, {
      total: householdIds.length,
      imported: householdIds.length,
      rejected: 0,
      merged: 0,
      conflicts: 0,
      rejections: [],
    });
    env.progress.tick(n.households);

    // People: public security files everyone; civil affairs a share, with some disagreements.
    const people = householdSeeds.flatMap((h) =>
      householdMembers(rng, now, h.gridCode.slice(0, 6), h.householdNo),
    );
    const households = await repo.places.householdIndex(tx);
    const psAt = new Date(now.getTime() - 30 * DAY);
    const psBatch = await openBatch(
      tx,
      repo.batches,
      'person',
      'public_security',
      '公安-实有人口-2026.csv',
      psAt,
    );
    // A tenth of the phones are missing from the police file; civil affairs knows some of them.
    const psPeople = people.map((p) =>
      p.phone !== null && rng.chance(0.1) ? { ...p, phone: null, knownTo: p.phone } : { ...p, knownTo: null },
    );
    const psHeaders = ['姓名', '身份证号', '联系电话', '居住类型', '户号'];
    const ps = await importPersonBatch(tx, repo, {
      batchId: psBatch,
      at: psAt,
      rows: psPeople.map((p, i) => personRow(p, i + 2, psHeaders, true)),
      cipher: env.cipher,
      households,
    });
    await repo.batches.finishBatch(tx, psBatch, {
      total: ps.rows,
      imported: ps.created,
      rejected: 0,
      merged: ps.merged,
      conflicts: ps.conflicts,
      rejections: ps.rejections,
    });

    const caRows: DemoPerson[] = [];
    let phoneConflicts = 0;
    let residenceConflicts = 0;
    for (const p of psPeople) {
      if (p.knownTo !== null && rng.chance(0.6)) caRows.push({ ...p, phone: p.knownTo });
      else if (p.phone !== null && phoneConflicts < n.phoneConflicts && rng.chance(0.05)) {
        let other = phoneNumber(rng);
        while (other === p.phone) other = phoneNumber(rng);
        caRows.push({ ...p, phone: other });
        phoneConflicts++;
      } else if (
        p.residence === 'permanent' &&
        residenceConflicts < n.residenceConflicts &&
        rng.chance(0.05)
      ) {
        caRows.push({ ...p, residence: 'floating' });
        residenceConflicts++;
      } else if (rng.chance(0.15)) caRows.push(p);
    }
    const caAt = new Date(now.getTime() - 10 * DAY);
    const caBatch = await openBatch(
      tx,
      repo.batches,
      'person',
      'civil_affairs',
      'civil-affairs-residents.csv',
      caAt,
    );
    const caHeaders = ['name', 'id_number', 'phone', 'residence_type', 'household_no'];
    const ca = await importPersonBatch(tx, repo, {
      batchId: caBatch,
      at: caAt,
      rows: caRows.map((p, i) => personRow(p, i + 2, caHeaders, false)),
      cipher: env.cipher,
      households,
    });
    await repo.batches.finishBatch(tx, caBatch, {
      total: ca.rows,
      imported: ca.created,
      rejected: 0,
      merged: ca.merged,
      conflicts: ca.conflicts,
      rejections: ca.rejections,
    });

    // Organisations: shops on ground floors, property companies, other companies.
    const orgs = Array.from({ length: n.organisations }, (_, i) => {
      const b = rng.pick(buildings);
      const kind = i < n.organisations * 0.6 ? 'shop' : i < n.organisations * 0.8 ? 'property' : 'company';
      const name = organisationName(rng, kind);
      return {
        creditCode: creditCode(rng, b.gridCode.slice(0, 6)),
        name: name.zh,
        addressId: b.addressId,
        gridCode: b.gridCode,
        lng: b.lng,
        lat: b.lat,
        kind,
      };
    });
    const orgIds = await repo.places.insertOrganisations(tx, orgs);
    const orgBatch = await openBatch(
      tx,
      repo.batches,
      'organisation',
      'market_reg',
      '市场监管-经营主体.xlsx',
      new Date(now.getTime() - 20 * DAY),
    );
    await repo.batches.insertProvenance(
      tx,
      'organisation',
      orgBatch,
      orgIds.map((id, i) => ({
        entityId: id,
        rowNo: i + 2,
        fields: ['credit_code', 'name', 'address', 'kind'],
      })),
    );
    await repo.batches.finishBatch(tx, orgBatch, {
      total: orgIds.length,
      imported: orgIds.length,
      rejected: 0,
      merged: 0,
      conflicts: 0,
      rejections: [],
    });
    env.progress.tick(n.organisations);

    env.progress.done();

    return `${buildings.length} addresses and buildings, ${householdIds.length} households, ${ps.created} people (${ca.merged} filed twice, ${ca.conflicts} conflicts), ${orgIds.length} organisations`;
  },
};
