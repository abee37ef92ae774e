/**
 * The public entry of the taxonomy module: what other modules may use. Everything else in
 * src/modules/taxonomy/ is internal (checked by `npm run lint:deps`).
 */
export { taxonomyDemoStep } from './taxonomy.demo.js';
export { register } from './taxonomy.module.js';
export type { CategoryReader } from './taxonomy.repository.js';
export { categoryReader } from './taxonomy.repository.js';
export type { CategorySeed, StageDeadlines } from './taxonomy.seed.js';
export { findCategory, TAXONOMY_V1 } from './taxonomy.seed.js';
export type { IntakeConfigCache } from './taxonomy.service.js';
export { TaxonomyService } from './taxonomy.service.js';
export type { Category } from './taxonomy.types.js';
