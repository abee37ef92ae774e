/**
 * HTTP load from a separate process (autocannon): `node --import tsx bench/support/load.worker.ts
 * '<json LoadSpec>'` prints one JSON LoadResult line. Each request is a POST of a JSON report at
 * one of the given points with a unique idempotency key, so every request is new work.
 */
import autocannon from 'autocannon';

/** What to fire. */
export interface LoadSpec {
  url: string;
  connections: number;
  durationSec: number;
  /** Upper bound on requests, checked by the caller's sizing (autocannon's `amount` would override the duration). */
  maxRequests: number;
  keyPrefix: string;
  points: Array<[number, number]>;
  /** Report channel (default 'resident'). */
  channel?: string;
  /** Extra request headers, e.g. a bearer token for staff traffic. */
  headers?: Record<string, string>;
}

/** What came back (latencies in ms). */
export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  durationSec: number;
  /** Count per non-2xx HTTP status, e.g. {"503": 2}. */
  non2xxByStatus: Record<string, number>;
  /** 429 answers that carried a Retry-After header. */
  retryAfter429: number;
}

/** Runs autocannon with a per-request body (unique key, rotating point). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let n = 0;
  let retryAfter429 = 0;
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationSec,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...spec.headers },
        onResponse: (status, _body, _context, headers) => {
          if (status === 429 && hasHeader(headers, 'retry-after')) retryAfter429 += 1;
        },
        setupRequest: (req) => {
          const i = n++;
          // Past the cap the same body repeats: a replay (201 with idempotent-replay: true), never new work.
          if (i >= spec.maxRequests) n = spec.maxRequests;
          const [lng, lat] = spec.points[i % spec.points.length]!;
          return {
            ...req,
            body: JSON.stringify({
              channel: spec.channel ?? 'resident',
              idempotencyKey: `${spec.keyPrefix}-${i}`,
              location: { lng, lat },
              description: `bench report ${i}: garbage not collected near block ${i % 97}`,
            }),
          };
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    reqPerSec: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    durationSec: result.duration,
    non2xxByStatus: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {})
        .filter(([code]) => !code.startsWith('2'))
        .map(([code, s]) => [code, (s as { count: number }).count]),
    ),
    retryAfter429,
  };
}

/** autocannon hands response headers over as an object or as a flat [name, value, …] list. */
function hasHeader(headers: unknown, name: string): boolean {
  if (Array.isArray(headers)) {
    return headers.some((h, i) => i % 2 === 0 && String(h).toLowerCase() === name);
  }
  return (
    typeof headers === 'object' &&
    headers !== null &&
    Object.keys(headers).some((k) => k.toLowerCase() === name)
  );
}

if (process.argv[2]) {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const out = await runLoad(spec);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}
