// `npm start` runs this first (prestart): `npm run build` only when the build output is missing or
// older than something it is built from, so a start with nothing changed does not spend half a
// minute compiling. `npm run build` itself is unchanged (CI calls it directly).
// Inputs: src/, web/ without its build output (web/vite.config.ts included), package.json,
// tsconfig*.json, scripts/copy-assets.mjs. Directories count too, so deleting a file rebuilds.
// Outputs: dist/cli/main.js (tsc, the first step) and web/dist/index.html (vite, the last step;
// outDir "dist" under root web/ in web/vite.config.ts, emptied on each build). Every build rewrites
// both, so an input newer than the older of them changed after the last build began; a build that
// failed half-way leaves one of them old or missing and is redone.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const OUTPUTS = ['dist/cli/main.js', 'web/dist/index.html'];
const INPUT_TREES = ['src', 'web'];
/** Build output and installed packages are not inputs. */
const SKIP_DIRS = new Set(['web/dist']);
const inputFiles = () => [
  'package.json',
  'scripts/copy-assets.mjs',
  ...readdirSync(root).filter((f) => /^tsconfig.*\.json$/.test(f)),
];

/** Modification time in ms, or undefined when the path does not exist. */
function mtimeOf(rel) {
  try {
    return statSync(path.join(root, rel)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** The newest input: [mtime, relative path]. */
function newestInput() {
  let newest = [0, ''];
  const consider = (rel) => {
    const t = mtimeOf(rel);
    if (t !== undefined && t > newest[0]) newest = [t, rel];
  };
  const walk = (dir) => {
    consider(dir);
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(rel) && entry.name !== 'node_modules') walk(rel);
      } else {
        consider(rel);
      }
    }
  };
  for (const tree of INPUT_TREES) if (mtimeOf(tree) !== undefined) walk(tree);
  for (const file of inputFiles()) consider(file);
  return newest;
}

function staleReason() {
  const built = OUTPUTS.map((rel) => [mtimeOf(rel), rel]);
  const missing = built.find(([t]) => t === undefined);
  if (missing) return `${missing[1]} is missing`;
  const oldest = Math.min(...built.map(([t]) => t));
  const [newestTime, newestPath] = newestInput();
  return newestTime > oldest ? `${newestPath} changed since the last build` : undefined;
}

const reason = staleReason();
if (reason === undefined) {
  console.log('build is up to date');
} else {
  console.log(`building… (${reason})`);
  // Through the npm that runs this script (npm_execpath), else the one on PATH.
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], {
        cwd: root,
        stdio: 'inherit',
        shell: process.platform === 'win32',
      });
  if (result.error) throw result.error;
  process.exit(result.status ?? 1);
}
