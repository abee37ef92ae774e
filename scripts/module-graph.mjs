// `npm run docs:graph`: the module-level import graph of src/, as a mermaid flowchart, written into
// ARCHITECTURE.md between <!-- module-graph:begin --> and <!-- module-graph:end -->.
// `npm run docs:graph -- --check` writes nothing and exits 1 when ARCHITECTURE.md differs from the code.
//
// Files are collapsed to src/modules/<name> or src/<folder> (kernel, server, db, lib, cli, config, …).
// A solid arrow is at least one value import; a dotted arrow means every import between the two is
// type-only (`import type`). Nodes and edges are sorted, so the output only changes when the graph does.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cruiseProject, root } from './depcruise.mjs';

const BEGIN = '<!-- module-graph:begin -->';
const END = '<!-- module-graph:end -->';
const docFile = resolve(root, 'ARCHITECTURE.md');

/** src/modules/cases/case-state.ts → src/modules/cases; src/server/app.ts → src/server */
function groupOf(path) {
  const match = /^src\/(modules\/[^/]+|[^/]+)\//.exec(path);
  return match ? `src/${match[1]}` : path.startsWith('src/') ? 'src' : null;
}

const nodeId = (group) => group.replace(/[^A-Za-z0-9]/g, '_');
const label = (group) => (group.startsWith('src/modules/') ? group.slice('src/modules/'.length) : group);

async function moduleGraph() {
  const { output: result } = await cruiseProject(['src'], { includeOnly: '^src/' });
  if (typeof result === 'string')
    throw new Error('dependency-cruiser returned text where its result was asked for');

  const groups = new Set();
  /** @type {Map<string, boolean>} "from→to" → every import between them is type-only */
  const edges = new Map();
  for (const module of result.modules) {
    const from = groupOf(module.source);
    if (!from) continue;
    groups.add(from);
    for (const dep of module.dependencies) {
      const to = groupOf(dep.resolved);
      if (!to || to === from) continue;
      groups.add(to);
      const key = `${from}→${to}`;
      const typeOnly = dep.dependencyTypes.includes('type-only');
      edges.set(key, (edges.get(key) ?? true) && typeOnly);
    }
  }

  const sorted = [...groups].sort();
  const modules = sorted.filter((g) => g.startsWith('src/modules/'));
  const others = sorted.filter((g) => !g.startsWith('src/modules/'));
  const lines = ['flowchart LR'];
  for (const g of others) lines.push(`  ${nodeId(g)}["${label(g)}"]`);
  lines.push('  subgraph src_modules["src/modules"]');
  for (const g of modules) lines.push(`    ${nodeId(g)}["${label(g)}"]`);
  lines.push('  end');
  for (const key of [...edges.keys()].sort()) {
    const [from, to] = key.split('→');
    lines.push(`  ${nodeId(from)} ${edges.get(key) ? '-.->' : '-->'} ${nodeId(to)}`);
  }
  return `${BEGIN}\n\`\`\`mermaid\n${lines.join('\n')}\n\`\`\`\n${END}`;
}

function currentBlock(doc) {
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`ARCHITECTURE.md has no ${BEGIN} … ${END} block`);
  return { begin, end: end + END.length, text: doc.slice(begin, end + END.length) };
}

const check = process.argv.includes('--check');
const doc = readFileSync(docFile, 'utf8');
const block = currentBlock(doc);
const generated = await moduleGraph();
if (check) {
  if (block.text !== generated) {
    console.error(
      'ARCHITECTURE.md: the module graph does not match the code; run `npm run docs:graph` and commit.',
    );
    process.exitCode = 1;
  } else {
    console.log('ARCHITECTURE.md: the module graph matches the code.');
  }
} else if (block.text !== generated) {
  writeFileSync(docFile, doc.slice(0, block.begin) + generated + doc.slice(block.end));
  console.log('ARCHITECTURE.md: module graph updated.');
} else {
  console.log('ARCHITECTURE.md: module graph already up to date.');
}
