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

/**
 * Entity resolution (who is the same person across department files): the registry officer of an
 * area — an admin or supervisor holding a grant there — reviews the uncertain pairs of that area
 * and sees both records masked; runs and unmerges are admin work, over the admin's own areas.
 */
export const linkagePolicy = new Policy<InArea>('person_linkage')
  .allow(['admin'], ['run', 'review', 'unmerge', 'read'], inScope)
  .allow(['supervisor'], ['review', 'read'], inScope);
