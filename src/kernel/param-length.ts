/**
 * The router's limit on one path parameter, and the same refusal where the router cannot give it.
 * find-my-way refuses an over-long parameter (FST_ERR_MAX_PARAM_LENGTH → 400 "path parameter too
 * long") only when no other route matches; for GET the catch-all `GET /*` (web app, Open311) does
 * match, and `GET /api/areas/<201 characters>` answered 404 "no such endpoint" although the route
 * exists (issue 14, found by the fuzz sweep). The catch-alls ask `hasOverlongSegment` first.
 */
import { type AppError, CommonErrors } from '../lib/errors.js';
import { ROUTER_DETAILS } from './validation-messages.js';

/** Longest path parameter the router accepts (as sent, percent-encoded). */
export const MAX_PARAM_LENGTH = 200;

/**
 * True when a segment of the URL's path is longer than a parameter may be: no static segment is
 * that long, so such a URL is a route with an over-long parameter or no route at all.
 */
export function hasOverlongSegment(url: string): boolean {
  return (url.split('?')[0] ?? '').split('/').some((s) => s.length > MAX_PARAM_LENGTH);
}

/** The refusal of an over-long path parameter, wherever it is noticed. */
export function paramTooLong(): AppError {
  return CommonErrors.ValidationFailed({ params: { detail: ROUTER_DETAILS.paramTooLong }, field: 'params' });
}
