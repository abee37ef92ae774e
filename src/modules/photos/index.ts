/**
 * The public entry of the photos module: what other modules may use. Everything else in
 * src/modules/photos/ is internal (checked by `npm run lint:deps`).
 */
export type { PhotoStore } from './photo-store.js';
