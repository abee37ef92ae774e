// Runs dependency-cruiser with the project's rules (.dependency-cruiser.cjs) through its API.
// Shared by scripts/lint-deps.mjs and scripts/module-graph.mjs.
import { resolve } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

export const root = resolve(import.meta.dirname, '..');
const configFile = resolve(root, '.dependency-cruiser.cjs');

/** The forbidden rules of .dependency-cruiser.cjs. */
export async function projectRules() {
  const options = await extractDepcruiseOptions(configFile);
  return options.ruleSet?.forbidden ?? [];
}

/**
 * Cruises `files` (relative to the repository root) with the project's rules and options.
 * @param {string[]} files
 * @param {import('dependency-cruiser').ICruiseOptions} [overrides]
 */
export async function cruiseProject(files, overrides = {}) {
  const options = await extractDepcruiseOptions(configFile);
  const tsConfig = extractTSConfig(resolve(root, 'tsconfig.json'));
  return cruise(files, { ...options, baseDir: root, ...overrides }, {}, { tsConfig });
}
