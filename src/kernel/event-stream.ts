import type { ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommonErrors } from '../lib/errors.js';

/** A client that has this much unsent data is dropped rather than buffered without bound. */
export const MAX_BUFFERED_BYTES = 1_048_576;

/**
 * Writes one frame to a stream answer: false when the client is gone or so far behind that its
 * buffer passed MAX_BUFFERED_BYTES (the hub then drops it).
 */
export function writeFrame(res: ServerResponse, frame: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.write(frame);
  return res.writableLength <= MAX_BUFFERED_BYTES;
}

/**
 * Opens a server-sent-events answer. `subscribe` runs first: if live events are unavailable
 * (database away, server closing) the client gets a 503 with Retry-After, not a 200 that closes
 * at once. Then the reply is taken over, the subscription ends with the connection, and the
 * event-stream head is written; the caller writes the frames.
 */
export async function openEventStream(
  req: FastifyRequest,
  reply: FastifyReply,
  subscribe: () => Promise<() => void>,
  what: string,
): Promise<{ res: ServerResponse; unsubscribe: () => void }> {
  let unsubscribe: () => void;
  try {
    unsubscribe = await subscribe();
  } catch (err) {
    req.log.error({ err }, `${what} unavailable`);
    throw CommonErrors.DbUnavailable();
  }
  const res = reply.raw;
  reply.hijack();
  res.on('close', () => unsubscribe());
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': req.id,
  });
  return { res, unsubscribe };
}
