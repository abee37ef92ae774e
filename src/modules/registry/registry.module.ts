import type { TypedApp } from '../../kernel/http.js';
import { registryRoutes } from './registry.routes.js';
import type { RegistryService } from './registry.service.js';

/** Mounts the base-data registry: imports, people, households, buildings, provenance. */
export function register(app: TypedApp, deps: { registry: RegistryService }): void {
  registryRoutes(app, deps.registry);
}
