import type { AuditWriter } from '../../kernel/audit.js';
import type { AppContext } from '../../kernel/context.js';
import type { TypedApp } from '../../kernel/http.js';
import type { CaseIntakeService } from '../cases/index.js';
import type { LocateService } from '../grid/index.js';
import { ApiKeyService } from './api-key.service.js';
import { open311KeyRoutes, open311Routes } from './open311.routes.js';
import { Open311Service } from './open311.service.js';

/** The Open311 channel: its API keys and the GeoReport v2 use cases. */
export function createOpen311Services(
  ctx: AppContext,
  deps: { audit: AuditWriter; locate: LocateService; intake: CaseIntakeService },
) {
  const keys = new ApiKeyService({ db: ctx.db, clock: ctx.clock, audit: deps.audit });
  return {
    keys,
    georeport: new Open311Service({
      db: ctx.db,
      clock: ctx.clock,
      intake: deps.intake,
      locate: deps.locate,
      keys,
      publicUrl: ctx.config.publicUrl,
    }),
  };
}

/** The Open311 services as createOpen311Services builds them. */
export type Open311Services = ReturnType<typeof createOpen311Services>;

/** Mounts GeoReport v2 (requests, services, discovery) and the administration of its API keys. */
export function register(app: TypedApp, deps: Open311Services): void {
  open311Routes(app, deps.georeport);
  open311KeyRoutes(app, deps.keys);
}
