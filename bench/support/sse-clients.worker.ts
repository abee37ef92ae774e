/**
 * N server-sent-event clients in one process (separate from the server and the bench):
 * `node --import tsx bench/support/sse-clients.worker.ts '<json {url, cookie, clients}>'`. Prints
 * `ready <n>` once every stream said `: connected`; on "done" from stdin prints one JSON line:
 * arrival times (performance.timeOrigin + now, ms) of each case event per public code.
 */
import http from 'node:http';
import readline from 'node:readline';

interface Spec {
  url: string;
  cookie: string;
  clients: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
const arrivals: Record<string, number[]> = {};
const now = (): number => performance.timeOrigin + performance.now();
const agent = new http.Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
const requests: http.ClientRequest[] = [];
let connected = 0;
let failed = 0;

function open(): Promise<void> {
  return new Promise((resolve) => {
    const req = http.get(
      spec.url,
      { agent, headers: { cookie: spec.cookie, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          failed++;
          res.resume();
          resolve();
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        let ready = false;
        res.on('data', (chunk: string) => {
          const at = now();
          buf += chunk;
          let i = buf.indexOf('\n\n');
          while (i >= 0) {
            const frame = buf.slice(0, i);
            buf = buf.slice(i + 2);
            if (!ready && frame.startsWith(': connected')) {
              ready = true;
              connected++;
              resolve();
            }
            const data = frame.split('\n').find((l) => l.startsWith('data: '));
            if (data) {
              const code = (JSON.parse(data.slice(6)) as { publicCode?: string }).publicCode;
              if (code) {
                const list = arrivals[code] ?? [];
                list.push(at);
                arrivals[code] = list;
              }
            }
            i = buf.indexOf('\n\n');
          }
        });
      },
    );
    req.on('error', () => {
      failed++;
      resolve();
    });
    requests.push(req);
  });
}

for (let i = 0; i < spec.clients; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, spec.clients - i) }, () => open()));
}
process.stdout.write(`ready ${connected} failed ${failed}\n`);
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (line.trim() !== 'done') return;
  process.stdout.write(`${JSON.stringify({ connected, failed, arrivals })}\n`);
  for (const r of requests) r.destroy();
  rl.close();
  setTimeout(() => process.exit(0), 100).unref();
});
