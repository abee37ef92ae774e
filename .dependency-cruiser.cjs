// Module boundaries of CivicGrid (issue 15), checked by `npm run lint:deps`.
// Every path below is relative to the cruise's base directory: the repository root for
// `npm run lint:deps`, and test/fixtures/depcruise/ (a tree mirroring src/ and web/) for
// test/unit/dependency-rules.test.ts, which proves that each rule fires.
// test/ is never cruised (a test may import anything).

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Circular import: the files in this cycle can only be understood (and loaded) together. Break the cycle: ' +
        'move what both sides need into src/kernel/, or let one side publish a domain event the other subscribes to.',
      from: { path: '^(src|web/src)/' },
      to: { circular: true },
    },
    {
      name: 'modules-not-server',
      severity: 'error',
      comment:
        'A module imports src/server/. src/server is the composition root: it wires the modules, never the other ' +
        'way round. Take the typed app type and the ports from src/kernel/ and export a register(app, deps).',
      from: { path: '^src/modules/' },
      to: { path: '^src/server/' },
    },
    {
      name: 'module-public-entry',
      severity: 'error',
      comment:
        "A module imports another module's internal file. Import only src/modules/<other>/index.ts (its " +
        'services, types and events); if the thing you need is shared by three or more modules it belongs in ' +
        'src/kernel/.',
      from: { path: '^src/modules/([^/]+)/' },
      to: {
        path: '^src/modules/[^/]+/',
        pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'entry-points-through-public-entry',
      severity: 'error',
      comment:
        "src/server or src/cli imports a module's internal file. The composition root and the command line build, " +
        'register and call modules through their public entry only (src/modules/<name>/index.ts: its factories, ' +
        'services, register(app, deps) and what its commands need).',
      from: { path: '^src/(server|cli)/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'kernel-imports-no-module',
      severity: 'error',
      comment:
        'src/kernel/ imports a module or the server. The kernel is what the modules share; it depends on ' +
        'src/lib, src/config, src/db and packages only.',
      from: { path: '^src/kernel/' },
      to: { path: '^src/(modules|server)/' },
    },
    {
      name: 'web-not-src',
      severity: 'error',
      comment:
        'web/ imports from src/. The browser app talks to the server over HTTP only; the one thing it may ' +
        'share is types, from src/shared-types/ and with `import type`.',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/shared-types/' },
    },
    {
      name: 'web-src-types-only',
      severity: 'error',
      comment:
        'web/ imports src/shared-types/ with a plain import. Use `import type { ... }` so that no server code ' +
        'can end up in the browser bundle.',
      from: { path: '^web/' },
      to: { path: '^src/shared-types/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'This import cannot be resolved to a file or an installed package: a typo, or a missing dependency.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      comment:
        'A file nothing imports and that imports nothing: dead code, or an entry point that should be listed in ' +
        'the pathNot of this rule.',
      from: {
        orphan: true,
        pathNot: ['\\.d\\.ts$', '(^|/)vite\\.config\\.ts$', '^src/db/migrations/'],
      },
      to: {},
    },
  ],
  options: {
    // Only our own code is a node of the graph; packages are leaves.
    doNotFollow: { path: ['(^|/)node_modules/'] },
    exclude: { path: ['(^|/)node_modules/', '(^|/)dist/', '^test/', '^bench/', '^scripts/'] },
    // Type-only imports couple files as much as value imports do.
    tsPreCompilationDeps: true,
    // Resolves the `.js` specifiers of src/ (NodeNext) to the `.ts` files. web/tsconfig.json declares no
    // paths or baseUrl, so web's extensionless relative imports resolve with the extensions below.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
