/**
 * The public entry of the photos module: what other modules may use. Everything else in
 * src/modules/photos/ is internal (checked by `npm run lint:deps`).
 */
export { PhotoService } from './photo.service.js';
export { PhotoStore } from './photo-store.js';
export { register } from './photos.module.js';
