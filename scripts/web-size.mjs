// Prints the gzipped size of the JavaScript each web entry loads (the resident report page must
// stay under 300 kB): the entry chunk plus the statically imported chunks and the page's lazy chunk.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = path.resolve(import.meta.dirname, '../web/dist');
const assets = readdirSync(path.join(dist, 'assets')).filter((f) => f.endsWith('.js') || f.endsWith('.css'));
const gz = (f) => gzipSync(readFileSync(path.join(dist, 'assets', f))).length;
const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const entry = [...html.matchAll(/assets\/([^"]+\.js)/g)].map((m) => m[1]);
const staticImports = (f, seen = new Set()) => {
  if (seen.has(f)) return seen;
  seen.add(f);
  const src = readFileSync(path.join(dist, 'assets', f), 'utf8');
  for (const m of src.matchAll(/(?:import|from)\s*["']\.\/([^"']+\.js)["']/g)) staticImports(m[1], seen);
  return seen;
};
const pageJs = (name) => {
  const chunk = assets.find((f) => f.startsWith(`${name}-`) && f.endsWith('.js'));
  const files = new Set();
  for (const e of entry) for (const f of staticImports(e)) files.add(f);
  if (chunk) for (const f of staticImports(chunk)) files.add(f);
  return [...files].reduce((s, f) => s + gz(f), 0);
};
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log('web bundle (gzipped JS per page, entry + page chunks):');
const pages = ['Report', 'Track', 'Worker', 'Hotline', 'Dispatch', 'Dashboard'];
const sizes = Object.fromEntries(pages.map((p) => [p, pageJs(p)]));
for (const p of pages) console.log(`  ${p.padEnd(10)} ${kb(sizes[p])}`);
const css = assets.filter((f) => f.endsWith('.css')).reduce((s, f) => s + gz(f), 0);
console.log(`  CSS (all)  ${kb(css)}`);
if (sizes.Report > 300 * 1024) {
  console.error('FAIL: the resident report page loads more than 300 kB of gzipped JS');
  process.exit(1);
}
