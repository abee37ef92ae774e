import type { TypedApp } from '../../kernel/http.js';
import { taxonomyRoutes } from './taxonomy.routes.js';
import type { TaxonomyService } from './taxonomy.service.js';

/** Mounts the case categories and their stage deadlines. */
export function register(app: TypedApp, deps: { taxonomy: TaxonomyService }): void {
  taxonomyRoutes(app, deps.taxonomy);
}
