import { type Command, InvalidArgumentError } from 'commander';
import { CLI_ACTOR } from '../../kernel/actor.js';
import { definedFields } from '../../lib/defined.js';
import { DEVICE_TYPES, type DeviceType } from '../../modules/devices/index.js';
import { withServices } from '../runtime.js';

function int(min: number, max: number) {
  return (v: string): number => {
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max)
      throw new InvalidArgumentError(`must be a whole number ${min}..${max}`);
    return Number(v);
  };
}

function num(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number');
  return n;
}

function deviceType(v: string): DeviceType {
  if (!(DEVICE_TYPES as readonly string[]).includes(v))
    throw new InvalidArgumentError(`type must be one of ${DEVICE_TYPES.join(', ')}`);
  return v as DeviceType;
}

/**
 * `civicgrid open311 keys add|list|revoke` and `civicgrid devices add|list`: the same audited
 * admin use cases as the API, as system actor "cli". Keys and device tokens are printed once.
 */
export function registerChannelsCommands(program: Command): void {
  const open311 = program.command('open311').description('Open311 GeoReport v2 channel');
  const keys = open311.command('keys').description('API keys of Open311 clients');
  keys
    .command('add <name>')
    .description('Issue a key (printed once; only its hash is stored)')
    .option('--jurisdiction <code>', 'area code the key may report into (default: the whole city)')
    .option('--rate <n>', 'requests per minute', int(1, 100_000))
    .action(async (name: string, o: { jurisdiction?: string; rate?: number }) => {
      await withServices(async (s) => {
        const { key, record } = await s.open311.keys.create(CLI_ACTOR, {
          name,
          ...(o.jurisdiction ? { jurisdictionId: o.jurisdiction } : {}),
          ...(o.rate ? { ratePerMinute: o.rate } : {}),
        });
        process.stdout.write(
          `key ${record.id} for ${record.name} (jurisdiction ${record.jurisdictionId}, ${record.ratePerMinute}/min):\n${key}\n`,
        );
      });
    });
  keys
    .command('list')
    .description('List keys (prefixes only)')
    .action(async () => {
      await withServices(async (s) => {
        for (const k of await s.open311.keys.list(CLI_ACTOR)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt.toISOString()}` : 'active';
          process.stdout.write(
            `${k.id}\t${k.keyPrefix}…\t${k.name}\t${k.jurisdictionId}\t${k.ratePerMinute}/min\t${state}\n`,
          );
        }
      });
    });
  keys
    .command('revoke')
    .description('Revoke a key; its clients get 403 from then on')
    .argument('<id>', 'key id (shown by `open311 keys list`)', int(1, 2 ** 31))
    .action(async (id: number) => {
      await withServices(async (s) => {
        await s.open311.keys.revoke(CLI_ACTOR, id);
        process.stdout.write(`revoked key ${id}\n`);
      });
    });

  const devices = program.command('devices').description('IoT sensors');
  devices
    .command('add <id>')
    .description('Register a sensor (its reading token is printed once)')
    .requiredOption('--type <type>', DEVICE_TYPES.join(' | '), deviceType)
    .requiredOption('--lng <lng>', 'longitude (WGS84)', num)
    .requiredOption('--lat <lat>', 'latitude (WGS84)', num)
    .option('--name <name>', 'a readable name')
    .option('--category <code>', 'category of its cases (default per type)')
    .option('--threshold <value>', 'alarm above this value (default per type)', num)
    .option('--consecutive <n>', 'readings in a row over the threshold (default per type)', int(1, 1000))
    .option('--silence <seconds>', 'offline after this long without readings', int(60, 31_536_000))
    .action(
      async (
        id: string,
        o: {
          type: DeviceType;
          lng: number;
          lat: number;
          name?: string;
          category?: string;
          threshold?: number;
          consecutive?: number;
          silence?: number;
        },
      ) => {
        await withServices(async (s) => {
          const { device, token } = await s.iot.devices.register(CLI_ACTOR, {
            id,
            type: o.type,
            name: o.name ?? id,
            lng: o.lng,
            lat: o.lat,
            ...(o.category ? { categoryCode: o.category } : {}),
            ...definedFields({ threshold: o.threshold }),
            ...(o.consecutive ? { consecutive: o.consecutive } : {}),
            ...(o.silence ? { silenceSeconds: o.silence } : {}),
          });
          process.stdout.write(
            `registered ${device.id} (${device.type}) in grid ${device.gridCode}; category ${device.categoryCode}, alarm > ${device.threshold} ×${device.consecutive}, offline after ${device.silenceSeconds} s\ntoken: ${token}\n`,
          );
        });
      },
    );
  devices
    .command('list')
    .description('List sensors with their counters')
    .option('--limit <n>', 'at most this many', int(1, 500), 100)
    .action(async (o: { limit: number }) => {
      await withServices(async (s) => {
        const page = await s.iot.devices.list(CLI_ACTOR, { limit: o.limit, offset: 0 });
        for (const d of page.items) {
          process.stdout.write(
            `${d.id}\t${d.type}\t${d.gridCode}\tseen ${d.lastSeenAt?.toISOString() ?? 'never'}\treadings ${d.readings}\tmalformed ${d.malformed}\talarm ${d.alarmCaseCode ?? '-'}\toffline ${d.offlineCaseCode ?? '-'}\n`,
          );
        }
        process.stdout.write(`${page.items.length} of ${page.total} devices\n`);
      });
    });
}
