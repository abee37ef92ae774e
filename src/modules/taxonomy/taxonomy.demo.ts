import type { DemoStep } from '../../kernel/demo-step.js';
import { TaxonomyRepository } from './taxonomy.repository.js';
import { TAXONOMY_V1 } from './taxonomy.seed.js';

/** Demo step: taxonomy version 1 (GB/T 30428 events and parts, 12345 request types). */
export const taxonomyDemoStep: DemoStep = {
  name: 'taxonomy',
  async run(tx) {
    await new TaxonomyRepository().insertVersion(tx, TAXONOMY_V1, 'demo');
    return `${TAXONOMY_V1.categories.length} categories`;
  },
};
