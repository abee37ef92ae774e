/**
 * The public entry of the parts module: what other modules may use. Everything else in
 * src/modules/parts/ is internal (checked by `npm run lint:deps`).
 */
export { partsDemoStep } from './parts.demo.js';
export { register } from './parts.module.js';
export { geojsonPartRows, PartsService } from './parts.service.js';
