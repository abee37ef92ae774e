import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { calendarPolicy } from './calendar.policy.js';
import type { CalendarService } from './calendar.service.js';
import type { CalendarSpec } from './working-calendar.js';

const Period = Type.Object(
  {
    start: Type.String({ pattern: '^[0-9]{2}:[0-9]{2}$' }),
    end: Type.String({ pattern: '^[0-9]{2}:[0-9]{2}$' }),
  },
  { additionalProperties: false },
);
const Day = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' });
const CalendarDto = Type.Object({
  periods: Type.Array(Period),
  workWeekdays: Type.Array(Type.Integer()),
  exceptions: Type.Array(
    Type.Object({ date: Type.String(), kind: Type.String(), label: Type.Optional(Type.String()) }),
  ),
});

/** The calendar as the API shows it (mutable copies for the serializer). */
function present(c: CalendarSpec) {
  return {
    periods: c.periods.map((p) => ({ start: p.start, end: p.end })),
    workWeekdays: [...c.workWeekdays],
    exceptions: c.exceptions.map((e) => ({ date: e.date, kind: e.kind, label: e.label ?? '' })),
  };
}

/** HTTP for the working calendar: read (public) and admin edits. */
export function calendarRoutes(app: TypedApp, calendar: CalendarService): void {
  app.get(
    '/api/calendar',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'The working calendar deadlines are counted on',
        response: { 200: CalendarDto },
      },
    },
    async () => present(await calendar.get()),
  );

  app.get(
    '/api/calendar/coverage',
    {
      config: { access: 'public' },
      schema: {
        tags: ['calendar'],
        summary: 'How far ahead holidays are known; warn when fewer than 90 days are covered',
        response: {
          200: Type.Object({
            coveredUntil: Type.Union([Type.String(), Type.Null()]),
            daysCovered: Type.Integer(),
            warn: Type.Boolean(),
            missingYear: Type.Integer(),
          }),
        },
      },
    },
    async () => calendar.coverage(),
  );

  app.put(
    '/api/admin/calendar',
    {
      config: { access: { policy: calendarPolicy, action: 'edit' } },
      schema: {
        tags: ['calendar'],
        summary: 'Set the working periods and weekdays',
        body: Type.Object(
          {
            periods: Type.Array(Period, { minItems: 1, maxItems: 6 }),
            workWeekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }),
          },
          { additionalProperties: false },
        ),
        response: { 200: CalendarDto },
      },
    },
    async (req) => present(await calendar.saveSettings(req.actor, req.body.periods, req.body.workWeekdays)),
  );

  app.put(
    '/api/admin/calendar/exceptions/:day',
    {
      config: { access: { policy: calendarPolicy, action: 'edit' } },
      schema: {
        tags: ['calendar'],
        summary: 'Mark a date as a holiday or a make-up workday',
        params: Type.Object({ day: Day }),
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('holiday'), Type.Literal('workday')]),
            label: Type.String({ maxLength: 100, default: '' }),
          },
          { additionalProperties: false },
        ),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await calendar.setException(req.actor, req.params.day, req.body.kind, req.body.label);
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/admin/calendar/exceptions/:day',
    {
      config: { access: { policy: calendarPolicy, action: 'edit' } },
      schema: {
        tags: ['calendar'],
        summary: 'Remove the holiday or make-up workday of a date',
        params: Type.Object({ day: Day }),
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await calendar.deleteException(req.actor, req.params.day);
      return reply.status(204).send(null);
    },
  );
}
