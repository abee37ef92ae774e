/**
 * The public entry of the registry module: what other modules may use. Everything else in
 * src/modules/registry/ is internal (checked by `npm run lint:deps`).
 */

export type { LinkField } from './linkage/blocking.js';
export { FIELD_KINDS, type FieldKind, isFieldKind, LEVELS } from './linkage/comparisons.js';
export { type GeneratorLang, generateRegistry, registryCsv } from './linkage/generator.js';
export {
  CURVE_THRESHOLDS,
  linkRecords,
  pairwiseScores,
  prepareRecords,
  thresholdCurve,
} from './linkage/link.js';
export type { Rejection } from './person.types.js';
export { RECORD_SPECS, recordKindOf } from './record-kinds.js';
export { openBatch, registryDemoStep } from './registry.demo.js';
export { RegistryErrors } from './registry.errors.js';
export type { RegistryImported } from './registry.events.js';
export { register } from './registry.module.js';
export type { RegistryFileKind } from './registry.service.js';
export { RegistryService } from './registry.service.js';
export type { ImportBatches } from './registry-batch.repository.js';
export { importBatches } from './registry-batch.repository.js';
export type { TableRow } from './tabular-file.js';
export { countDataRows, readTable, tableFormatOf } from './tabular-file.js';
