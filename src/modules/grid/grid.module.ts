import type { TypedApp } from '../../kernel/http.js';
import { gridRoutes } from './grid.routes.js';
import type { GridService } from './grid.service.js';
import { gridMemberRoutes } from './grid-member.routes.js';
import type { GridMemberService } from './grid-member.service.js';
import { locateRoutes } from './locate.routes.js';
import type { LocateService } from './locate.service.js';

/**
 * Mounts areas and grids, point location and grid membership. The locate index is built when the
 * server starts and follows area changes (LISTEN) until it closes.
 */
export function register(
  app: TypedApp,
  deps: { grid: GridService; locate: LocateService; members: GridMemberService },
): void {
  gridRoutes(app, deps.grid);
  locateRoutes(app, deps.locate);
  gridMemberRoutes(app, deps.members);
  app.addHook('onReady', async () => deps.locate.start());
  app.addHook('onClose', async () => deps.locate.stop());
}
