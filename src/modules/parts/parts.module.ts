import type { TypedApp } from '../../kernel/http.js';
import { partsRoutes } from './parts.routes.js';
import type { PartsService } from './parts.service.js';

/** Mounts the city parts (部件) routes. */
export function register(app: TypedApp, deps: { parts: PartsService }): void {
  partsRoutes(app, deps.parts);
}
