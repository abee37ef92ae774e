// Each rule of .dependency-cruiser.cjs fires on the fixture tree test/fixtures/depcruise/ (which mirrors
// src/ and web/), exactly on the imports the fixtures mark as breaking it, and nowhere else. (A cycle is
// reported once, on its first import.)
import { resolve } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const fixtures = resolve(root, 'test/fixtures/depcruise');

let result: ICruiseResult;
/** "rule: from → to" for every violation */
let found: string[];

beforeAll(async () => {
  const options = await extractDepcruiseOptions(resolve(root, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(resolve(root, 'tsconfig.json'));
  const { output } = await cruise(
    ['src', 'web', 'test'],
    { ...options, baseDir: fixtures },
    {},
    { tsConfig },
  );
  if (typeof output === 'string') throw new Error('expected the cruise result object');
  result = output;
  found = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
});

describe('module-boundary rules (.dependency-cruiser.cjs)', () => {
  it('every forbidden rule has a name and a comment, and the fixtures break each of them', async () => {
    const options = await extractDepcruiseOptions(resolve(root, '.dependency-cruiser.cjs'));
    const rules = options.ruleSet?.forbidden ?? [];
    for (const rule of rules) {
      expect(rule.name, JSON.stringify(rule)).toMatch(/^[a-z-]+$/);
      expect((rule.comment ?? '').length, rule.name).toBeGreaterThan(20);
    }
    const fired = new Set(result.summary.violations.map((v) => v.rule.name));
    expect([...fired].sort()).toEqual(rules.map((rule) => rule.name).sort());
  });

  it('fires exactly on the imports the fixtures mark, with the severity of each rule', () => {
    expect(found).toEqual(
      [
        'kernel-imports-no-module: src/kernel/kernel.ts → src/modules/alpha/index.ts',
        'module-public-entry: src/modules/beta/beta.service.ts → src/modules/alpha/alpha.internal.ts',
        'modules-not-server: src/modules/alpha/alpha.routes.ts → src/server/app.ts',
        'no-circular: src/lib/first.ts → src/lib/second.ts',
        'no-orphans: src/lib/orphan.ts → src/lib/orphan.ts',
        'entry-points-through-public-entry: src/cli/main.ts → src/modules/beta/beta.service.ts',
        'entry-points-through-public-entry: src/server/app.ts → src/modules/beta/beta.service.ts',
        'not-to-unresolvable: src/lib/broken.ts → ./missing.js',
        'web-not-src: web/src/page.ts → src/modules/alpha/index.ts',
        'web-src-types-only: web/src/page.ts → src/shared-types/case.types.ts',
      ].sort(),
    );
    const warnings = result.summary.violations
      .filter((v) => v.rule.severity === 'warn')
      .map((v) => v.rule.name);
    expect(warnings).toEqual(['no-orphans']);
    expect(result.summary.error).toBe(found.length - 1);
  });

  it('resolves the `.js` specifiers to the `.ts` files and never cruises test/', () => {
    const sources = result.modules.filter((m) => !m.couldNotResolve).map((m) => m.source);
    expect(sources).toContain('src/lib/first.ts');
    expect(sources.some((s) => s.endsWith('.js'))).toBe(false);
    expect(sources.some((s) => s.startsWith('test/'))).toBe(false);
  });
});
