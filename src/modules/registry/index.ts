/**
 * The public entry of the registry module: what other modules may use. Everything else in
 * src/modules/registry/ is internal (checked by `npm run lint:deps`).
 */
export type { Rejection } from './person.types.js';
export { openBatch, registryDemoStep } from './registry.demo.js';
export { RegistryErrors } from './registry.errors.js';
export { RegistryRepository } from './registry.repository.js';
export { BatchRepository } from './registry-batch.repository.js';
export type { TableRow } from './tabular-file.js';
export { readTable, tableFormatOf } from './tabular-file.js';
