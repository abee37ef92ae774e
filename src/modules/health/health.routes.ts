import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../kernel/context.js';
import type { TypedApp } from '../../kernel/http.js';
import { sendError } from '../../kernel/http-errors.js';
import { CommonErrors } from '../../lib/errors.js';

const READY_TIMEOUT_MS = 2_000;

/** Liveness (the process answers) and readiness (the database answers) for load balancers. */
export function healthRoutes(app: TypedApp, ctx: AppContext): void {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers',
        response: { 200: Type.Object({ status: Type.Literal('ready'), database: Type.String() }) },
      },
    },
    async (req, reply) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          ctx.db.ping(),
          new Promise((_, reject) => {
            timer = setTimeout(
              () => reject(Object.assign(new Error('ping timeout'), { code: 'ETIMEDOUT' })),
              READY_TIMEOUT_MS,
            );
          }),
        ]);
        return { status: 'ready' as const, database: ctx.db.driver };
      } catch (err) {
        req.log.warn({ err }, 'database not ready');
        return sendError(req, reply, CommonErrors.DbUnavailable());
      } finally {
        clearTimeout(timer);
      }
    },
  );
}
