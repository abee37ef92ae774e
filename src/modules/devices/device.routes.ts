import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { devicePolicy } from './device.policy.js';
import type { DeviceListItem, DeviceRecord } from './device.repository.js';
import type { DeviceService } from './device.service.js';
import { DEVICE_TYPES } from './device-rules.js';

const DeviceDto = Type.Object({
  id: Type.String(),
  type: Type.String(),
  name: Type.String(),
  lng: Type.Number(),
  lat: Type.Number(),
  gridCode: Type.String(),
  categoryCode: Type.String(),
  threshold: Type.Number(),
  consecutive: Type.Integer(),
  silenceSeconds: Type.Integer(),
  active: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastValue: Type.Union([Type.Number(), Type.Null()]),
  battery: Type.Union([Type.Number(), Type.Null()]),
  readings: Type.Integer(),
  staleReadings: Type.Integer(),
  alarmRepeats: Type.Integer(),
});

const DeviceListDto = Type.Composite([
  DeviceDto,
  Type.Object({
    malformed: Type.Integer(),
    lastMalformedReason: Type.Union([Type.String(), Type.Null()]),
    alarmCaseCode: Type.Union([Type.String(), Type.Null()]),
    offlineCaseCode: Type.Union([Type.String(), Type.Null()]),
    offline: Type.Boolean(),
  }),
]);

const present = (d: DeviceRecord) => ({
  id: d.id,
  type: d.type,
  name: d.name,
  lng: d.lng,
  lat: d.lat,
  gridCode: d.gridCode,
  categoryCode: d.categoryCode,
  threshold: d.threshold,
  consecutive: d.consecutive,
  silenceSeconds: d.silenceSeconds,
  active: d.active,
  createdAt: d.createdAt.toISOString(),
  lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
  lastValue: d.lastValue,
  battery: d.battery,
  readings: d.readings,
  staleReadings: d.staleReadings,
  alarmRepeats: d.alarmRepeats,
});

const presentListed = (d: DeviceListItem) => ({
  ...present(d),
  malformed: d.malformed,
  lastMalformedReason: d.lastMalformedReason,
  alarmCaseCode: d.alarmCaseCode,
  offlineCaseCode: d.offlineCaseCode,
  offline: d.offlineRaisedAt !== null,
});

/** HTTP for devices: admin registration and listing, and the token-authenticated reading endpoint. */
export function deviceRoutes(app: TypedApp, devices: DeviceService): void {
  app.post(
    '/api/admin/devices',
    {
      config: { access: { policy: devicePolicy, action: 'register' } },
      schema: {
        tags: ['devices'],
        summary: 'Register a sensor; the answer carries its token once (only its hash is kept)',
        body: Type.Object(
          {
            id: Type.String({ pattern: '^[A-Za-z0-9_-]{3,64}$' }),
            type: Type.Union(DEVICE_TYPES.map((t) => Type.Literal(t))),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            lng: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            categoryCode: Type.Optional(Type.String({ pattern: '^[EPH][0-9]{2,4}$' })),
            threshold: Type.Optional(Type.Number({ minimum: -1000, maximum: 10000 })),
            consecutive: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
            silenceSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 31_536_000 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ device: DeviceDto, token: Type.String() }) },
      },
    },
    async (req, reply) => {
      const { device, token } = await devices.register(req.actor, req.body);
      return reply.status(201).send({ device: present(device), token });
    },
  );

  app.get(
    '/api/admin/devices',
    {
      config: { access: { policy: devicePolicy, action: 'list' } },
      schema: {
        tags: ['devices'],
        summary: 'Registered sensors with reading, malformed and alarm counters',
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
          offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
        }),
        response: { 200: Type.Object({ items: Type.Array(DeviceListDto), total: Type.Integer() }) },
      },
    },
    async (req) => {
      const page = await devices.list(req.actor, req.query);
      return { items: page.items.map(presentListed), total: page.total };
    },
  );

  app.post(
    '/api/devices/:id/readings',
    {
      // Devices are not users: the device token is checked by the service, not the session gate.
      config: { access: 'public' },
      schema: {
        tags: ['devices'],
        summary:
          'One reading {ts, value, unit?, battery?} from a device (Authorization: Bearer <device token>)',
        params: Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{3,64}$' }) }),
        body: Type.Unknown(),
        response: {
          202: Type.Object({
            outcome: Type.String(),
            alarm: Type.Boolean(),
            repeat: Type.Boolean(),
            caseCode: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req, reply) => {
      const auth = req.headers.authorization;
      const token = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
      const outcome = await devices.ingestHttp(req.params.id, token, req.body);
      return reply.status(202).send({
        outcome: outcome.kind,
        alarm: outcome.kind === 'accepted' && outcome.alarm,
        repeat: outcome.kind === 'accepted' && outcome.repeat,
        caseCode: outcome.kind === 'accepted' ? outcome.caseCode : null,
      });
    },
  );
}
