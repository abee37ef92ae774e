import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDbUnavailable } from '../db/db.js';
import { AppError, CommonErrors, type ErrorKind, text } from '../lib/errors.js';
import { redactFreeText } from '../lib/privacy.js';
import { ROUTER_DETAILS, type ValidationIssue, validationDetail } from './validation-messages.js';

/** The only place an error kind becomes an HTTP status. */
export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  field?: string;
  details?: unknown;
}

/** Turns Fastify/Ajv/parser errors and unknown exceptions into AppErrors. */
export function toAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  if (isDbUnavailable(err)) return CommonErrors.DbUnavailable();
  const fe = err as FastifyError & { validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const { field, detail } = validationDetail(fe.validation, fe.validationContext ?? 'body');
    return CommonErrors.ValidationFailed({ params: { detail }, field });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_FILES_LIMIT':
    case 'FST_PARTS_LIMIT':
      return CommonErrors.PayloadTooLargeUnknown();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return CommonErrors.UnsupportedMediaTypeUnknown();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return CommonErrors.BadJson();
  }
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status === 413) return CommonErrors.PayloadTooLargeUnknown();
  if (status === 415) return CommonErrors.UnsupportedMediaTypeUnknown();
  if (status === 429) return CommonErrors.RateLimited({ params: { seconds: 60 } });
  if (status === 404) return CommonErrors.NotFound({ params: { what: text('资源', 'resource') } });
  if (status >= 400 && status < 500) {
    if (err instanceof SyntaxError) return CommonErrors.BadJson();
    return CommonErrors.ValidationFailed({
      params: { detail: text(ROUTER_DETAILS.badRequest['zh-CN'], fe.message) },
    });
  }
  return CommonErrors.Internal({ params: { requestId } });
}

/** Sends an AppError as `{code, message, field?}` in the request's locale. */
export function sendError(req: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const status = STATUS_BY_KIND[error.kind];
  const body: ErrorBody = { code: error.code, message: error.localized(req.locale) };
  if (error.field) body.field = error.field;
  if (error.details !== undefined) body.details = error.details;
  if (status === 503) reply.header('retry-after', '5');
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** Installs the error and not-found handlers: every failure is JSON, 4xx for bad input. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const appError = toAppError(err, req.id);
    const status = STATUS_BY_KIND[appError.kind];
    if (status >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: appError.code, field: appError.field }, 'request rejected');
    return sendError(req, reply, appError);
  });
  app.setNotFoundHandler((req, reply) => sendError(req, reply, routeNotFound(req)));
}

/**
 * ROUTE_NOT_FOUND for this request: the path only (no query), cut short and through the one
 * redaction path, so a phone number typed into a URL is not echoed back (nor logged with the
 * error). Every not-found handler (the app's, Open311's) answers with it.
 */
export function routeNotFound(req: Pick<FastifyRequest, 'method' | 'url'>): AppError {
  return CommonErrors.RouteNotFound({
    params: { method: req.method, url: redactFreeText((req.url.split('?')[0] ?? '').slice(0, 200)) },
  });
}
