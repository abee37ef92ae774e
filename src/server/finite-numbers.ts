/**
 * Refuses non-finite numbers after schema validation. Ajv (8.x) coerces the strings "Infinity"
 * and "1e400" to ±Infinity for `integer`/`number` and then skips minimum/maximum for non-finite
 * values, and JSON.parse turns 1e400 in a body into Infinity: such values passed every bound and
 * reached SQL as 'Infinity' (invalid bigint → 500). One hook for every route, after validation.
 */
import type { FastifyInstance } from 'fastify';
import { nonFiniteDetail } from '../kernel/validation-messages.js';
import { CommonErrors } from '../lib/errors.js';

/** The path of the first non-finite number inside v, or undefined. */
export function findNonFinite(v: unknown, path: string, depth = 0): string | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : path;
  if (v === null || typeof v !== 'object' || depth > 64 || Buffer.isBuffer(v)) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findNonFinite(v[i], `${path}/${i}`, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    const hit = findNonFinite(x, `${path}/${k}`, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** Installs the check (a preHandler: runs after validation and coercion, before the handler). */
export function rejectNonFiniteNumbers(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    const field =
      findNonFinite(req.params, 'params') ??
      findNonFinite(req.query, 'querystring') ??
      findNonFinite(req.body, 'body');
    if (field) throw CommonErrors.ValidationFailed({ params: { detail: nonFiniteDetail(field) }, field });
  });
}
