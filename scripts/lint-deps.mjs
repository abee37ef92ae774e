// `npm run lint:deps`: the module-boundary rules of .dependency-cruiser.cjs on src/ and web/src/.
// Prints the violations grouped by rule (its name, its comment, then each import that breaks it) and a
// count per rule; exits 1 on any error-severity violation. (The depcruise CLI exits with the number
// of errors, which wraps to 0 at 256 errors: this script does not.)
import { cruiseProject, projectRules } from './depcruise.mjs';

const { output: result } = await cruiseProject(['src', 'web/src']);
if (typeof result === 'string')
  throw new Error('dependency-cruiser returned text where its result was asked for');

const comments = new Map((await projectRules()).map((rule) => [rule.name, rule.comment ?? '']));
/** @type {Map<string, string[]>} */
const byRule = new Map();
for (const v of result.summary.violations) {
  const key = `${v.rule.severity} ${v.rule.name}`;
  const line = v.cycle
    ? `${v.from} → ${v.cycle.map((step) => step.name).join(' → ')}`
    : `${v.from} → ${v.to}`;
  byRule.set(key, [...(byRule.get(key) ?? []), line]);
}
const keys = [...byRule.keys()].sort();
for (const key of keys) {
  const lines = byRule.get(key) ?? [];
  console.log(`\n${key} (${lines.length}): ${comments.get(key.split(' ')[1]) ?? ''}`);
  for (const line of lines.sort()) console.log(`  ${key}: ${line}`);
}
const { error, warn, totalCruised, totalDependenciesCruised } = result.summary;
console.log(
  `\n${totalCruised} files, ${totalDependenciesCruised} imports cruised; ${error} errors, ${warn} warnings`,
);
for (const key of keys) console.log(`  ${String(byRule.get(key)?.length).padStart(4)}  ${key}`);
process.exitCode = error > 0 ? 1 : 0;
