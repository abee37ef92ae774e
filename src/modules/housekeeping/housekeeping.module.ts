import type { TypedApp } from '../../kernel/http.js';
import type { HousekeepingService } from './housekeeping.service.js';

/** Housekeeping has no routes: `serve` starts its timer, and it stops with the app. */
export function register(app: TypedApp, deps: { housekeeping: HousekeepingService }): void {
  app.addHook('onClose', async () => deps.housekeeping.stop());
}
