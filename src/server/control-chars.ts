/**
 * Refuses control characters in every string of a request's path parameters, query and body,
 * before schema validation. A NUL byte (`q=%00`, `"\u0000"` in JSON) reached PostgreSQL, which
 * cannot store it in text: a 500 and a database stack trace in the log. One hook for every route
 * (as finite-numbers.ts does for numbers), not a check per route.
 *
 * Refused: C0 (U+0000–U+001F), DEL (U+007F) and C1 (U+0080–U+009F). Tab, line feed and carriage
 * return are allowed in body strings only (notes and descriptions are multi-line text); path
 * parameters and query values are single-line. Object keys are checked like values.
 */
import type { FastifyInstance } from 'fastify';
import { controlCharDetail } from '../kernel/validation-messages.js';
import { CommonErrors } from '../lib/errors.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const SINGLE_LINE = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const MULTI_LINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The path of the first string (value or key) inside v that holds a refused character. */
export function findControlChar(v: unknown, path: string, multiLine: boolean, depth = 0): string | undefined {
  const bad = multiLine ? MULTI_LINE : SINGLE_LINE;
  if (typeof v === 'string') return bad.test(v) ? path : undefined;
  if (v === null || typeof v !== 'object' || depth > 64 || Buffer.isBuffer(v)) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const hit = findControlChar(v[i], `${path}/${i}`, multiLine, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (bad.test(k)) return path;
    const hit = findControlChar(x, `${path}/${k}`, multiLine, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/** Installs the check (a preValidation hook: after parsing, before Ajv and the handler). */
export function rejectControlCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    const field =
      findControlChar(req.params, 'params', false) ??
      findControlChar(req.query, 'querystring', false) ??
      findControlChar(req.body, 'body', true);
    if (field)
      throw CommonErrors.ValidationFailed({
        params: { detail: controlCharDetail(field) },
        field,
      });
  });
}
