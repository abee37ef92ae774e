import { type KeyObject, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import {
  DEV_AUDIT_KEY,
  DEV_SIGNING_KEY,
  KeyFormatError,
  parseSigningKey,
  parseVerifyKeys,
  publicKeyOf,
} from '../kernel/audit-keys.js';

/** Locales every message and category name exists in. */
export const LOCALES = ['zh-CN', 'en'] as const;
/** One of the supported locales. */
export type Locale = (typeof LOCALES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The whole runtime configuration, parsed once at start; nothing else reads process.env. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; absent means the embedded PGlite database in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Signs session cookies and bearer tokens (≥32 chars). */
  sessionSecret: string;
  /** Key for application-level encryption of personal data and keyed hashes (≥32 chars). */
  dataKey: string;
  defaultLocale: Locale;
  /** Largest accepted request body in bytes (uploads have their own limit). */
  bodyLimit: number;
  /** Tile URL template for the web map; empty = plain background. */
  tileUrl: string;
  /** MQTT broker for sensor readings (mqtt://, mqtts://, ws://, wss://); absent = no MQTT consumer. */
  mqttUrl: string | undefined;
  /** First topic level of device readings: `<prefix>/devices/<deviceId>/readings`. */
  mqttTopicPrefix: string;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses/CIDRs, TRUST_PROXY); empty = none, the
   * socket address is the client. Anything else lets a client forge its address past every throttle.
   */
  trustProxy: string[];
  /**
   * Where the public reaches this server (PUBLIC_URL, an absolute http(s) URL without query or
   * trailing slash; default http://localhost:PORT). Every absolute URL the server writes (Open311
   * discovery) starts with it, never with the request's Host header, which the client chooses.
   */
  publicUrl: string;
  /** Anonymous reports per client address per 10 minutes (ANON_REPORT_LIMIT; 0 = no limit). */
  anonReportLimit: number;
  /** Anonymous reports per reporter phone per hour (ANON_REPORT_PHONE_LIMIT; 0 = no limit). */
  anonReportPhoneLimit: number;
  /**
   * HMAC key of the audit chain (AUDIT_KEY, or the file AUDIT_KEY_FILE; ≥32 chars), never stored in
   * the database. Required in production; development and test use the public DEV_AUDIT_KEY.
   */
  auditKey: string;
  /**
   * Directory the serving process writes signed audit checkpoints to (AUDIT_CHECKPOINT_DIR);
   * undefined = no checkpoints. Development defaults to DATA_DIR/audit-checkpoints.
   */
  auditCheckpointDir: string | undefined;
  /** Seconds between checkpoints (AUDIT_CHECKPOINT_INTERVAL, default 300; 0 = off). */
  auditCheckpointInterval: number;
  /**
   * Ed25519 key that signs checkpoints (AUDIT_SIGNING_KEY or the file AUDIT_SIGNING_KEY_FILE; PEM
   * or base64 PKCS#8). Production has none unless set; development and test use DEV_SIGNING_KEY.
   */
  auditSigningKey: KeyObject | undefined;
  /**
   * Public keys that `audit verify --checkpoints` accepts (AUDIT_VERIFY_KEY / AUDIT_VERIFY_KEY_FILE,
   * several after a rotation); the signing key's public half when unset.
   */
  auditVerifyKeys: KeyObject[];
  /** 'production' requires explicit secrets; 'development' generates and keeps them in dataDir. */
  env: 'production' | 'development' | 'test';
}

/** Thrown when an environment variable is invalid; the message names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`Invalid configuration: ${variable} ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function intVar(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be an integer, got "${raw}"`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${n}`);
  return n;
}

function enumVar<T extends string>(env: Env, name: string, allowed: readonly T[], def: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return def;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

function secretVar(env: Env, name: string, generated: () => string, mode: Config['env']): string {
  const raw = env[name];
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError(name, 'must be at least 32 characters long');
    return raw;
  }
  if (mode === 'production') throw new ConfigError(name, 'is required when NODE_ENV=production');
  return generated();
}

/**
 * Development secrets are generated once and kept beside the embedded database, so that
 * encrypted columns stay readable across restarts without any set-up.
 */
function devSecrets(dataDir: string): { sessionSecret: string; dataKey: string } {
  const file = path.join(dataDir, 'dev-secrets.json');
  if (existsSync(file)) {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { sessionSecret?: string; dataKey?: string };
    if (parsed.sessionSecret && parsed.dataKey) {
      return { sessionSecret: parsed.sessionSecret, dataKey: parsed.dataKey };
    }
  }
  const secrets = {
    sessionSecret: randomBytes(32).toString('base64url'),
    dataKey: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/** An IPv4/IPv6 address or CIDR range, as proxy-addr accepts it. */
function isAddressOrCidr(v: string): boolean {
  const [addr = '', bits, ...rest] = v.split('/');
  if (rest.length > 0) return false;
  const version = isIP(addr);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/** TRUST_PROXY: a comma list of addresses/CIDRs (or loopback/linklocal/uniquelocal); empty = off. */
function trustProxyVar(env: Env): string[] {
  const raw = env.TRUST_PROXY ?? '';
  if (raw.trim() === '') return [];
  const list = raw
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const item of list) {
    if (!['loopback', 'linklocal', 'uniquelocal'].includes(item) && !isAddressOrCidr(item))
      throw new ConfigError('TRUST_PROXY', `must be a comma list of addresses or CIDR ranges, got "${item}"`);
  }
  return list;
}

/** PUBLIC_URL: an absolute http(s) URL (a path is allowed, for a server behind a prefix). */
function publicUrlVar(env: Env, port: number): string {
  const raw = env.PUBLIC_URL ?? '';
  if (raw.trim() === '') return `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ConfigError(
      'PUBLIC_URL',
      `is not an absolute URL (expected https://host[/path]), got "${raw}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError('PUBLIC_URL', `must start with http:// or https:// (got ${url.protocol}//)`);
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw new ConfigError('PUBLIC_URL', 'may not carry credentials, a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** AUDIT_KEY or the contents of AUDIT_KEY_FILE (trimmed); the public development key otherwise. */
function auditKeyVar(env: Env, mode: Config['env']): string {
  const file = env.AUDIT_KEY_FILE;
  if (file !== undefined && file !== '') {
    let raw: string;
    try {
      raw = readFileSync(file, 'utf8').trim();
    } catch {
      throw new ConfigError('AUDIT_KEY_FILE', 'cannot be read');
    }
    if (raw.length < 32) throw new ConfigError('AUDIT_KEY_FILE', 'must hold a key of at least 32 characters');
    return raw;
  }
  return secretVar(env, 'AUDIT_KEY', () => DEV_AUDIT_KEY, mode);
}

/** A variable's value or the contents of its `_FILE` twin (the file wins); undefined when neither is set. */
function valueOrFile(env: Env, name: string): { value: string; from: string } | undefined {
  const file = env[`${name}_FILE`];
  if (file !== undefined && file !== '') {
    try {
      return { value: readFileSync(file, 'utf8').trim(), from: `${name}_FILE` };
    } catch {
      throw new ConfigError(`${name}_FILE`, 'cannot be read');
    }
  }
  const raw = env[name];
  return raw !== undefined && raw !== '' ? { value: raw, from: name } : undefined;
}

/** The checkpoint settings: directory, interval, signing key and verify keys. */
function checkpointVars(
  env: Env,
  mode: Config['env'],
  dataDir: string,
): Pick<Config, 'auditCheckpointDir' | 'auditCheckpointInterval' | 'auditSigningKey' | 'auditVerifyKeys'> {
  const dirRaw = env.AUDIT_CHECKPOINT_DIR;
  const auditCheckpointDir =
    dirRaw !== undefined && dirRaw !== ''
      ? path.resolve(dirRaw)
      : mode === 'development'
        ? path.join(dataDir, 'audit-checkpoints')
        : undefined;
  const auditCheckpointInterval = intVar(env, 'AUDIT_CHECKPOINT_INTERVAL', 300, 0, 86_400);
  const signing = valueOrFile(env, 'AUDIT_SIGNING_KEY');
  let auditSigningKey: KeyObject | undefined;
  try {
    auditSigningKey = signing
      ? parseSigningKey(signing.value)
      : mode === 'production'
        ? undefined
        : DEV_SIGNING_KEY;
  } catch (err) {
    if (err instanceof KeyFormatError)
      throw new ConfigError(signing?.from ?? 'AUDIT_SIGNING_KEY', err.message);
    throw err;
  }
  const verifying = valueOrFile(env, 'AUDIT_VERIFY_KEY');
  let auditVerifyKeys: KeyObject[];
  try {
    auditVerifyKeys = verifying
      ? parseVerifyKeys(verifying.value)
      : auditSigningKey
        ? [publicKeyOf(auditSigningKey)]
        : [];
  } catch (err) {
    if (err instanceof KeyFormatError)
      throw new ConfigError(verifying?.from ?? 'AUDIT_VERIFY_KEY', err.message);
    throw err;
  }
  return { auditCheckpointDir, auditCheckpointInterval, auditSigningKey, auditVerifyKeys };
}

/**
 * Why the serving process writes no audit checkpoints (null when it does): `serve` warns with it
 * in production, where deleting the newest audit records is otherwise undetectable.
 */
export function checkpointsOff(
  c: Pick<Config, 'auditCheckpointDir' | 'auditCheckpointInterval' | 'auditSigningKey'>,
): string | null {
  const missing = [
    ...(c.auditCheckpointDir === undefined ? ['AUDIT_CHECKPOINT_DIR'] : []),
    ...(c.auditSigningKey === undefined ? ['AUDIT_SIGNING_KEY (or AUDIT_SIGNING_KEY_FILE)'] : []),
  ];
  if (missing.length > 0) return `${missing.join(' and ')} not set`;
  return c.auditCheckpointInterval === 0 ? 'AUDIT_CHECKPOINT_INTERVAL is 0' : null;
}

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const mode = enumVar(env, 'NODE_ENV', ['production', 'development', 'test'] as const, 'development');
  const port = intVar(env, 'PORT', 3000, 0, 65535);
  const host = env.HOST && env.HOST !== '' ? env.HOST : 'localhost';
  if (!/^[A-Za-z0-9.:_-]+$/.test(host))
    throw new ConfigError('HOST', `is not a host name or address: "${host}"`);
  let databaseUrl: string | undefined;
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') {
    let url: URL;
    try {
      url = new URL(env.DATABASE_URL);
    } catch {
      throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user@host:port/db)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL', `must start with postgres:// (got ${url.protocol}//)`);
    }
    databaseUrl = env.DATABASE_URL;
  }
  const dataDir = path.resolve(env.DATA_DIR && env.DATA_DIR !== '' ? env.DATA_DIR : './data');
  const logLevel = enumVar(env, 'LOG_LEVEL', LOG_LEVELS, mode === 'test' ? 'silent' : 'info');
  const defaultLocale = enumVar(env, 'DEFAULT_LOCALE', LOCALES, 'zh-CN');
  const bodyLimit = intVar(env, 'BODY_LIMIT', 1_048_576, 1024, 100 * 1_048_576);
  let dev: { sessionSecret: string; dataKey: string } | undefined;
  const lazyDev = () => {
    dev ??= devSecrets(dataDir);
    return dev;
  };
  const sessionSecret = secretVar(env, 'SESSION_SECRET', () => lazyDev().sessionSecret, mode);
  const dataKey = secretVar(env, 'DATA_KEY', () => lazyDev().dataKey, mode);
  const tileUrl = env.TILE_URL ?? '';
  if (tileUrl !== '' && !/^https?:\/\/.+\{z\}.+\{x\}.+\{y\}/.test(tileUrl)) {
    throw new ConfigError('TILE_URL', 'must be an http(s) URL template containing {z}, {x} and {y}');
  }
  let mqttUrl: string | undefined;
  if (env.MQTT_URL !== undefined && env.MQTT_URL !== '') {
    let url: URL;
    try {
      url = new URL(env.MQTT_URL);
    } catch {
      throw new ConfigError('MQTT_URL', 'is not a URL (expected mqtt://host:1883)');
    }
    if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol))
      throw new ConfigError(
        'MQTT_URL',
        `must start with mqtt://, mqtts://, ws:// or wss:// (got ${url.protocol}//)`,
      );
    mqttUrl = env.MQTT_URL;
  }
  const mqttTopicPrefix =
    env.MQTT_TOPIC_PREFIX && env.MQTT_TOPIC_PREFIX !== '' ? env.MQTT_TOPIC_PREFIX : 'civicgrid';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(mqttTopicPrefix))
    throw new ConfigError('MQTT_TOPIC_PREFIX', 'must be 1-64 letters, digits, _ or - (one topic level)');
  const trustProxy = trustProxyVar(env);
  // A whole estate may reach us through one carrier NAT address: the per-address limit is wide
  // and the per-phone limit narrow.
  const anonReportLimit = intVar(env, 'ANON_REPORT_LIMIT', 60, 0, 1_000_000);
  const anonReportPhoneLimit = intVar(env, 'ANON_REPORT_PHONE_LIMIT', 10, 0, 1_000_000);
  return {
    port,
    host,
    databaseUrl,
    dataDir,
    logLevel,
    sessionSecret,
    dataKey,
    defaultLocale,
    bodyLimit,
    tileUrl,
    mqttUrl,
    mqttTopicPrefix,
    trustProxy,
    publicUrl: publicUrlVar(env, port),
    anonReportLimit,
    anonReportPhoneLimit,
    auditKey: auditKeyVar(env, mode),
    ...checkpointVars(env, mode, dataDir),
    env: mode,
  };
}
