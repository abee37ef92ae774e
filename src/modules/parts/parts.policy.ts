import { type InArea, inScope, Policy } from '../../kernel/policy.js';

/** City parts: staff read the parts of their area; admins import the inventory. */
export const partPolicy = new Policy<InArea>('city_part')
  .allow(['admin'], '*', inScope)
  .allow(['supervisor', 'grid_worker', 'dispatcher'], ['read'], inScope);

/** Inventory imports replace many records at once: admins only. */
export const partImportPolicy = new Policy('city_part_import').allow(['admin'], ['import']);
