/**
 * JSON schemas of GeoReport v2 responses, written from the spec text
 * (http://wiki.open311.org/GeoReport_v2): field names, types and allowed values. Tests validate
 * every JSON answer of the Open311 server against them (additional fields are refused, so a
 * reporter field cannot slip in).
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** W3C date-time with an explicit offset, e.g. 2010-01-01T00:00:00-08:00 (spec: "w3 format"). */
const W3C = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([+-]\\d{2}:\\d{2}|Z)$',
});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const closed = { additionalProperties: false } as const;

/** GET services: service_code, service_name, description, metadata, type, keywords, group. */
export const ServiceList = Type.Array(
  Type.Object(
    {
      service_code: Type.String({ minLength: 1 }),
      service_name: Type.String({ minLength: 1 }),
      description: Type.String(),
      metadata: Type.Boolean(),
      type: Type.Union([Type.Literal('realtime'), Type.Literal('batch'), Type.Literal('blackbox')]),
      keywords: Type.String(),
      group: Type.String(),
    },
    closed,
  ),
);

/** GET services/{service_code}: service_code and attributes (variable, code, datatype, …, values). */
export const ServiceDefinition = Type.Object(
  {
    service_code: Type.String({ minLength: 1 }),
    attributes: Type.Array(
      Type.Object(
        {
          variable: Type.Boolean(),
          code: Type.String({ minLength: 1 }),
          datatype: Type.Union(
            ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'].map((d) =>
              Type.Literal(d),
            ),
          ),
          required: Type.Boolean(),
          datatype_description: Type.String(),
          order: Type.Integer({ minimum: 1 }),
          description: Type.String(),
          values: Type.Optional(
            Type.Array(Type.Object({ key: Type.String(), name: Type.String() }, closed), { minItems: 1 }),
          ),
        },
        closed,
      ),
    ),
  },
  closed,
);

/**
 * POST requests: service_request_id or token, service_notice, account_id; plus CivicGrid's
 * extension `tracking_code` (the reporter's own code, only in this answer).
 */
export const CreatedRequests = Type.Array(
  Type.Object(
    {
      service_request_id: Type.Optional(Type.String({ minLength: 1 })),
      token: Type.Optional(Type.String({ minLength: 1 })),
      tracking_code: Type.String({ pattern: '^NH[0-9]{6}-[0-9A-Z]{6}$' }),
      service_notice: Type.String(),
      account_id: Nullable(Type.String()),
    },
    closed,
  ),
  { minItems: 1, maxItems: 1 },
);

/** GET tokens/{token}: service_request_id and token. */
export const TokenAnswer = Type.Array(
  Type.Object(
    { service_request_id: Type.String({ minLength: 1 }), token: Type.String({ minLength: 1 }) },
    closed,
  ),
);

/** GET requests and requests/{id}: the request fields, none about the requester. */
export const ServiceRequests = Type.Array(
  Type.Object(
    {
      service_request_id: Type.String({ minLength: 1 }),
      status: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
      status_notes: Nullable(Type.String()),
      service_name: Type.String(),
      service_code: Type.String(),
      description: Nullable(Type.String({ maxLength: 4000 })),
      agency_responsible: Nullable(Type.String()),
      service_notice: Nullable(Type.String()),
      requested_datetime: W3C,
      updated_datetime: Nullable(W3C),
      expected_datetime: Nullable(W3C),
      address: Nullable(Type.String()),
      address_id: Nullable(Type.String()),
      zipcode: Nullable(Type.String()),
      lat: Type.Number({ minimum: -90, maximum: 90 }),
      long: Type.Number({ minimum: -180, maximum: 180 }),
      media_url: Nullable(Type.String()),
    },
    closed,
  ),
);

/** Errors: a list of {code, description}. */
export const Errors = Type.Array(
  Type.Object(
    { code: Type.Integer({ minimum: 400, maximum: 599 }), description: Type.String({ minLength: 1 }) },
    closed,
  ),
  { minItems: 1 },
);

/** Discovery: changeset, contact, key_service, endpoints (specification, url, changeset, type, formats). */
export const Discovery = Type.Object(
  {
    changeset: W3C,
    contact: Type.String(),
    key_service: Type.String(),
    endpoints: Type.Array(
      Type.Object(
        {
          specification: Type.String(),
          url: Type.String({ pattern: '^https?://' }),
          changeset: W3C,
          type: Type.Union([Type.Literal('production'), Type.Literal('test')]),
          formats: Type.Array(Type.String()),
        },
        closed,
      ),
      { minItems: 1 },
    ),
  },
  closed,
);

/** The schema violations of a value (empty = valid), as readable lines. */
export function violations(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].slice(0, 10).map((e) => `${e.path}: ${e.message}`);
}
