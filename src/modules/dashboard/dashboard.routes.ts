import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { dashboardPolicy } from './dashboard.policy.js';
import type { MapLevel } from './dashboard.repository.js';
import type { DashboardService } from './dashboard.service.js';

const AreaCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}){0,3}$' });
const Level = Type.Union(['district', 'street', 'community', 'grid'].map((l) => Type.Literal(l)));
const Rate = Type.Union([Type.Number(), Type.Null()]);

/** HTTP for the web app's public config and the command dashboard (counts only, scoped). */
export function dashboardRoutes(app: TypedApp, d: DashboardService): void {
  app.get(
    '/api/dashboard/config',
    {
      config: { access: 'public' },
      schema: {
        tags: ['dashboard'],
        summary: 'Web app settings needed before sign-in (map tile template; empty = plain background)',
        response: { 200: Type.Object({ tileUrl: Type.String() }) },
      },
    },
    async () => d.config(),
  );

  app.get(
    '/api/dashboard/summary',
    {
      config: { access: { policy: dashboardPolicy, action: 'read' } },
      schema: {
        tags: ['dashboard'],
        summary: 'KPI tiles, 30-day trend and top categories of an area inside your scope',
        querystring: Type.Object({ within: Type.Optional(AreaCode) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            today: Type.String(),
            reportedToday: Type.Integer(),
            closedToday: Type.Integer(),
            open: Type.Integer(),
            overdue: Type.Integer(),
            dueSoon: Type.Integer(),
            rates: Type.Object({ onTimeClosure: Rate, satisfaction: Rate, onTimeDispatch: Rate }),
            trend: Type.Array(
              Type.Object({ day: Type.String(), reported: Type.Integer(), closed: Type.Integer() }),
            ),
            topCategories: Type.Array(Type.Object({ code: Type.String(), n: Type.Integer() })),
          }),
        },
      },
    },
    async (req) => d.summary(req.actor, req.query.within ?? null),
  );

  app.get(
    '/api/dashboard/map',
    {
      config: { access: { policy: dashboardPolicy, action: 'read' } },
      schema: {
        tags: ['dashboard'],
        summary: 'Open, overdue and due-soon cases per area of a level (under `within`), inside your scope',
        querystring: Type.Object(
          { level: Level, within: Type.Optional(AreaCode) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                code: Type.String(),
                open: Type.Integer(),
                overdue: Type.Integer(),
                dueSoon: Type.Integer(),
              }),
            ),
          }),
        },
      },
    },
    async (req) => ({ items: await d.map(req.actor, req.query.level as MapLevel, req.query.within ?? null) }),
  );
}
