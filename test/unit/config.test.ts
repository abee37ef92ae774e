import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

const SECRETS = { SESSION_SECRET: 'x'.repeat(32), DATA_KEY: 'y'.repeat(32) };

describe('config', () => {
  it('applies defaults', () => {
    const c = loadConfig({ ...SECRETS });
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.defaultLocale).toBe('zh-CN');
    expect(c.dataDir.endsWith('data')).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['DEFAULT_LOCALE', 'fr'],
    ['SESSION_SECRET', 'short'],
    ['DATA_KEY', 'short'],
    ['BODY_LIMIT', '10'],
    ['TILE_URL', 'ftp://tiles'],
    ['HOST', 'bad host'],
  ])('a bad %s=%s stops start-up with a message naming it', (name, value) => {
    const run = () => loadConfig({ ...SECRETS, [name]: value });
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(name);
  });

  it('requires explicit secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_KEY: 'y'.repeat(32) })).toThrow('SESSION_SECRET');
  });

  it('accepts a PostgreSQL URL', () => {
    expect(
      loadConfig({ ...SECRETS, DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' }).databaseUrl,
    ).toContain('127.0.0.1');
  });
});
