/**
 * The Open311 GeoReport v2 use cases. Reads are public and never carry personal data; a POST
 * needs a live API key (rate-limited, scoped to a jurisdiction = an area code) and goes through
 * the one intake use case as channel `open311`, reported by the system actor `open311:<key id>`.
 * The token handed back is also the case's external reference, so `GET tokens/{token}` finds the
 * case from the same committed row as the report itself.
 *
 * A request's `service_request_id` is the case's public id, never its tracking code: the tracking
 * code opens the tracking page and "me too" as the reporter, so only the POST answer carries it
 * (in the extension field `tracking_code`, for the client to hand to its resident).
 */

import { randomBytes } from 'node:crypto';
import type { Locale } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import { systemActor } from '../../kernel/actor.js';
import { isWithinArea, levelOfCode } from '../../kernel/area-code.js';
import type { Clock } from '../../lib/clock.js';
import { definedFields } from '../../lib/defined.js';
import type { CaseIntakeService } from '../cases/index.js';
import type { LocateService } from '../grid/index.js';
import type { Category } from '../taxonomy/index.js';
import { categoryReader } from '../taxonomy/index.js';
import type { ApiKeyService } from './api-key.service.js';
import { Open311Errors } from './open311.errors.js';
import {
  CLOSED_STATES,
  type GeoRequest,
  type GeoService,
  type GeoServiceDefinition,
  OPEN_STATES,
  serviceNotice,
  toDefinition,
  toRequest,
  toService,
} from './open311.presenter.js';
import { Open311Repository } from './open311.repository.js';
import { type CreateRequestInput, type ListRequestsInput, MAX_PAGE_SIZE } from './open311-params.js';

/** The GeoReport v2 discovery document. */
export interface Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: Array<{
    specification: string;
    url: string;
    changeset: string;
    type: 'production' | 'test';
    formats: string[];
  }>;
}

/** The answer to a POST requests (only the client that posted it ever sees it). */
export interface CreatedRequest {
  /** The case's public id: what GET requests shows; grants nothing. */
  service_request_id: string;
  token: string;
  /**
   * Extension: the case's tracking code, for the resident the client reported for (tracking page,
   * "me too"). It appears in no other Open311 answer.
   */
  tracking_code: string;
  service_notice: string;
  account_id: string | null;
}

/** A GET requests window may not span more than this (and defaults to it). */
export const MAX_WINDOW_DAYS = 90;
/** When this implementation's endpoints last changed (discovery changeset). */
const CHANGESET = '2026-01-01T00:00:00+08:00';

/** Open311 GeoReport v2 over the case loop. */
export class Open311Service {
  private readonly repo = new Open311Repository();
  private readonly taxonomy = categoryReader();

  constructor(
    private readonly deps: {
      db: Db;
      clock: Clock;
      intake: CaseIntakeService;
      locate: LocateService;
      keys: ApiKeyService;
      /** The configured PUBLIC_URL: the base of every URL in discovery (never the Host header). */
      publicUrl: string;
    },
  ) {}

  /** The discovery document: its URLs start with the configured PUBLIC_URL. */
  discovery(): Discovery {
    const baseUrl = this.deps.publicUrl;
    return {
      changeset: CHANGESET,
      contact: 'City grid management centre (网格化管理指挥中心)',
      key_service: `${baseUrl}/api/docs — API keys are issued by city administrators (POST /api/admin/open311/keys)`,
      endpoints: [
        {
          specification: 'http://wiki.open311.org/GeoReport_v2',
          url: `${baseUrl}/open311/v2`,
          changeset: CHANGESET,
          type: 'production',
          formats: ['application/json', 'text/xml'],
        },
      ],
    };
  }

  /** Every service (event and part categories of the active taxonomy). */
  async services(jurisdictionId: string | undefined, locale: Locale): Promise<GeoService[]> {
    await this.jurisdiction(jurisdictionId);
    const { db } = this.deps;
    const [majors, categories] = await Promise.all([
      this.taxonomy.listActiveMajors(db),
      this.taxonomy.listActive(db),
    ]);
    const group = new Map(
      majors.map((m) => [`${m.kind}:${m.majorCode}`, locale === 'en' ? m.nameEn : m.nameZh]),
    );
    return categories
      .filter(isService)
      .map((c) => toService(c, group.get(`${c.kind}:${c.majorCode}`) ?? '', locale));
  }

  /** The attributes of one service; 404 for codes that are not services. */
  async serviceDefinition(
    code: string,
    jurisdictionId: string | undefined,
    locale: Locale,
  ): Promise<GeoServiceDefinition> {
    await this.jurisdiction(jurisdictionId);
    return toDefinition(await this.service(code, true), locale);
  }

  /** Files a report from an Open311 client. */
  async createRequest(input: CreateRequestInput, locale: Locale): Promise<CreatedRequest[]> {
    const { db, intake, locate, keys, clock } = this.deps;
    if (input.apiKey === undefined) throw Open311Errors.ApiKeyMissing({ field: 'api_key' });
    const key = await keys.authenticate(input.apiKey);
    const jurisdictionId = input.jurisdictionId ?? key.jurisdictionId;
    await this.jurisdiction(jurisdictionId);
    if (!isWithinArea(key.jurisdictionId, jurisdictionId))
      throw Open311Errors.JurisdictionForbidden({ params: { id: jurisdictionId } });
    const category = await this.service(input.serviceCode, false);
    const attributes = checkAttributes(category, input.attributes, locale);

    let point: { lng: number; lat: number } | undefined;
    if (input.lat !== undefined && input.long !== undefined) point = { lng: input.long, lat: input.lat };
    else if (input.addressString !== undefined) {
      point = await this.repo.geocode(db, input.addressString);
      if (!point)
        throw Open311Errors.AddressNotGeocoded({
          params: { address: input.addressString.slice(0, 100) },
          field: 'address_string',
        });
    } else if (input.addressId !== undefined) {
      throw Open311Errors.InvalidParameter({
        params: { name: 'address_id', detail: 'address ids are not supported; send lat and long' },
        field: 'address_id',
      });
    } else {
      throw Open311Errors.MissingParameter({
        params: { name: 'lat & long or address_string' },
        field: 'lat',
      });
    }
    const located = await locate.locate(point.lng, point.lat);
    if (!located || !isWithinArea(jurisdictionId, located.grid.code))
      throw Open311Errors.OutsideJurisdiction({ params: { id: jurisdictionId }, field: 'lat' });

    const token = randomBytes(16).toString('base64url');
    const attributeLines = Object.entries(attributes).map(
      ([code, v]) => `[${code}] ${Array.isArray(v) ? v.join(', ') : v}`,
    );
    const description = [
      input.description || (locale === 'en' ? category.nameEn : category.nameZh),
      ...attributeLines,
    ].join('\n');
    const name = [input.lastName, input.firstName].filter((s) => s !== undefined).join(' ');
    const { result } = await intake.report(systemActor(`open311:${key.id}`), {
      channel: 'open311',
      idempotencyKey: `open311:${token}`,
      externalRef: `open311:${token}`,
      lng: point.lng,
      lat: point.lat,
      ...definedFields({ address: input.addressString }),
      categoryCode: category.code,
      description,
      ...(name !== '' ? { reporterName: name } : {}),
      ...definedFields({ reporterPhone: input.phone }),
    });
    // What only Open311 carries (attributes, media_url); the case itself is already committed.
    await this.repo.saveExtras(db, {
      caseId: result.id,
      token,
      apiKeyId: key.id,
      attributes,
      mediaUrl: input.mediaUrl ?? null,
      at: clock.now(),
    });
    const dept = result.suggestedDepartment
      ? await this.repo.department(db, result.suggestedDepartment)
      : undefined;
    const publicId = await this.repo.publicIdOf(db, result.id);
    return [
      {
        service_request_id: publicId,
        token,
        tracking_code: result.publicCode,
        service_notice: serviceNotice(category.deadlines, dept, locale),
        account_id: null,
      },
    ];
  }

  /** GET requests: newest first, 90 days by default, at most 1,000 per page. */
  async listRequests(input: ListRequestsInput, locale: Locale): Promise<GeoRequest[]> {
    const gridPrefix = areaPrefix(await this.jurisdiction(input.jurisdictionId));
    const dayMs = 86_400_000;
    const windowMs = MAX_WINDOW_DAYS * dayMs;
    let from = input.startDate;
    let to = input.endDate;
    if (!from && !to) {
      to = this.deps.clock.now();
      from = new Date(to.getTime() - windowMs);
    } else if (!from) from = new Date(to!.getTime() - windowMs);
    else if (!to) to = new Date(from.getTime() + windowMs);
    if (to!.getTime() < from.getTime())
      throw Open311Errors.InvalidParameter({ params: { name: 'end_date', detail: 'is before start_date' } });
    if (to!.getTime() - from.getTime() > windowMs)
      throw Open311Errors.InvalidParameter({
        params: { name: 'end_date', detail: `the window may not span more than ${MAX_WINDOW_DAYS} days` },
      });
    const states = input.status
      ? [...new Set(input.status.flatMap((s) => (s === 'open' ? OPEN_STATES : CLOSED_STATES)))]
      : undefined;
    const pageSize = Math.min(input.pageSize, MAX_PAGE_SIZE);
    const rows = await this.repo.search(this.deps.db, {
      gridPrefix,
      ...(input.ids ? { ids: input.ids } : {}),
      ...(input.serviceCodes ? { serviceCodes: input.serviceCodes } : {}),
      ...(states ? { states } : {}),
      from,
      ...(to ? { to } : {}),
      limit: pageSize,
      offset: (input.page - 1) * pageSize,
    });
    return rows.map((r) => toRequest(r, locale));
  }

  /** GET requests/{id}: one request, 404 when it is not published. */
  async getRequest(id: string, jurisdictionId: string | undefined, locale: Locale): Promise<GeoRequest[]> {
    const gridPrefix = areaPrefix(await this.jurisdiction(jurisdictionId));
    const rows = await this.repo.search(this.deps.db, { gridPrefix, ids: [id], limit: 1, offset: 0 });
    if (rows.length === 0) throw Open311Errors.RequestNotFound({ params: { id: id.slice(0, 64) } });
    return rows.map((r) => toRequest(r, locale));
  }

  /** GET tokens/{token}: the request id a token turned into. */
  async token(
    token: string,
    jurisdictionId: string | undefined,
  ): Promise<Array<{ service_request_id: string; token: string }>> {
    const gridPrefix = areaPrefix(await this.jurisdiction(jurisdictionId));
    const id = await this.repo.publicIdOfToken(this.deps.db, token, gridPrefix);
    if (!id) throw Open311Errors.TokenNotFound({ params: { token: token.slice(0, 64) } });
    return [{ service_request_id: id, token }];
  }

  /** The jurisdiction to serve: the one asked for (must be a current area) or the whole city. */
  private async jurisdiction(id: string | undefined): Promise<string> {
    if (id === undefined) return (await this.deps.keys.repo.rootArea(this.deps.db)) ?? '';
    if (!(await this.deps.keys.repo.areaExists(this.deps.db, id)))
      throw Open311Errors.JurisdictionNotServed({ params: { id } });
    return id;
  }

  private async service(code: string, forGet: boolean): Promise<Category> {
    const c = await this.taxonomy.activeCategory(this.deps.db, code);
    if (c && isService(c)) return c;
    if (forGet) throw Open311Errors.ServiceNotFound({ params: { code } });
    throw Open311Errors.InvalidParameter({
      params: { name: 'service_code', detail: `${code} is not a service` },
      field: 'service_code',
    });
  }
}

/** What every grid code inside an area starts with (a city's districts share its first 4 digits). */
function areaPrefix(code: string): string {
  return levelOfCode(code) === 'city' ? code.slice(0, 4) : code;
}

/** Event and part categories are services; 12345 request types are not (see the repository). */
function isService(c: Category): boolean {
  return c.kind === 'event' || c.kind === 'part';
}

/** Checks posted attributes against the service definition (unknown, informational, bad values). */
function checkAttributes(
  c: Category,
  given: Record<string, string | string[]>,
  locale: Locale,
): Record<string, string | string[]> {
  const defs = new Map(toDefinition(c, locale).attributes.map((a) => [a.code, a]));
  for (const [code, value] of Object.entries(given)) {
    const def = defs.get(code);
    if (!def?.variable)
      throw Open311Errors.InvalidParameter({
        params: { name: `attribute[${code}]`, detail: `not an attribute of service ${c.code}` },
      });
    const values = Array.isArray(value) ? value : [value];
    if (def.datatype === 'singlevaluelist' && values.length !== 1)
      throw Open311Errors.InvalidParameter({
        params: { name: `attribute[${code}]`, detail: 'takes one value' },
      });
    if (def.values && values.some((v) => !def.values!.some((x) => x.key === v)))
      throw Open311Errors.InvalidParameter({
        params: {
          name: `attribute[${code}]`,
          detail: `must be one of ${def.values.map((x) => x.key).join(', ')}`,
        },
      });
  }
  for (const def of defs.values()) {
    if (def.variable && def.required && !(def.code in given))
      throw Open311Errors.MissingParameter({ params: { name: `attribute[${def.code}]` } });
  }
  return given;
}
