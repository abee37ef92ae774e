import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/**
 * The real population is sensitive personal information (PIPL Art. 28): masked reads for the
 * people who serve an area; clear values only through an audited, purpose-stated reveal.
 */
export const personPolicy = new Policy<InArea>('person')
  .allow(['admin'], '*', inScope)
  .allow(['supervisor'], ['read', 'reveal', 'resolve'], inScope)
  .allow(['grid_worker'], ['read', 'reveal'], inScope)
  .allow(['dispatcher'], ['read'], inScope);

/** Base-data imports change many records at once: city admins only. */
export const registryImportPolicy = new Policy('registry_import').allow(['admin'], ['import']);
