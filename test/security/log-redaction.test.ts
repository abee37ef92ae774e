/**
 * Issue 14, "Personal data leaks": server logs wrote full URLs with `callerPhone`, `q`, `api_key`
 * and tokens. The app runs with its log captured in memory (at `trace`, the most it writes) while
 * requests carry known phones, ID numbers, an Open311 API key, bearer tokens, session cookies,
 * one-time codes and a tracking code in paths, queries, bodies and headers, some of them failing
 * (400, 401, 404, 415), and database errors carrying a phone in their message and detail are
 * logged as a failed request is. None of those secrets appears in the log in any written form;
 * the route patterns do.
 */
import { beforeAll, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/server/app.js';
import { buildTestApp } from '../support/app.js';
import { makeUser, seedCity, someGrid } from '../support/city.js';
import { describeEachDriver } from '../support/db.js';
import { type CookieClient, createTestUser, sessionFor } from '../support/identity.js';
import { CapturingSender } from '../support/messages.js';

const PHONE = '13987654321';
const OTHER_PHONE = '15812349876';
const ID_NUMBER = '32050219850203482X';
const PASSWORD = 'Log-test-password-4821';
const WRONG_OTP = '480913';
const OTP_PHONE = '17712340987';

/** The ways a secret may be written into a log line: as is, URL-encoded, spaced, split. */
function writtenForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), secret.toLowerCase()]);
  if (/^1[3-9][0-9]{9}$/.test(secret)) {
    forms.add(`${secret.slice(0, 3)} ${secret.slice(3, 7)} ${secret.slice(7)}`);
    forms.add(`${secret.slice(0, 3)}-${secret.slice(3, 7)}-${secret.slice(7)}`);
    forms.add(`+86${secret}`);
  }
  // A long secret is found by a piece of it, too (a cut-short value still gives it away).
  if (secret.length >= 24) {
    forms.add(secret.slice(0, 16));
    forms.add(secret.slice(-16));
  }
  return [...forms];
}

/** Where a secret made of digits only stands alone (not inside a timestamp or a longer number). */
function foundIn(log: string, form: string): boolean {
  if (/^[0-9]+$/.test(form)) return new RegExp(`(?<![0-9.])${form}(?![0-9])`).test(log);
  return log.includes(form);
}

describeEachDriver('the server log carries no personal data or secrets', (t) => {
  const lines: string[] = [];
  const secrets: Record<string, string> = {
    phone: PHONE,
    otherPhone: OTHER_PHONE,
    otpPhone: OTP_PHONE,
    idNumber: ID_NUMBER,
    password: PASSWORD,
    wrongOtp: WRONG_OTP,
  };
  let built: BuiltApp;
  let admin: CookieClient;
  let grid: Awaited<ReturnType<typeof someGrid>>;
  const sender = new CapturingSender();

  const send = (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    opts: { payload?: unknown; headers?: Record<string, string> } = {},
  ) =>
    built.app.inject({
      method,
      url,
      remoteAddress: '10.31.0.1',
      ...(opts.headers ? { headers: opts.headers } : {}),
      ...(opts.payload !== undefined ? { payload: opts.payload as object } : {}),
    });

  beforeAll(async () => {
    const { db } = t();
    await seedCity(db);
    grid = await someGrid(db, 4);
    built = await buildTestApp(db, {
      sender,
      logStream: { write: (line: string) => void lines.push(line) },
    });
    const adminUser = await makeUser(db, 'LogAdmin', [{ role: 'admin' }]);
    admin = await sessionFor(built, db, adminUser.userId, '10.31.0.2');
    secrets.session = admin.cookies.cg_session!;
    secrets.csrf = admin.cookies.cg_csrf!;
    await createTestUser(built, {
      username: 'log-operator',
      password: PASSWORD,
      phone: OTHER_PHONE,
      grants: [{ role: 'hotline_operator', areaCode: null, departmentCode: null }],
    });
  });

  it('drives requests full of secrets, then finds none of them in the log', async () => {
    // A report carrying the phone and an ID number in its description, reporter and address.
    const report = await send('POST', '/api/cases', {
      payload: {
        channel: 'resident',
        idempotencyKey: 'log-redaction-report-1',
        location: { lng: grid.lng, lat: grid.lat },
        categoryCode: 'E0102',
        description: `垃圾满溢，请回电 ${PHONE}，身份证 ${ID_NUMBER}`,
        address: `人民路 1 号 ${PHONE}`,
        reporter: { name: '赵丽颖', phone: PHONE },
      },
    });
    expect(report.statusCode, report.body).toBe(201);
    const answer = report.json() as { trackingCode?: string; publicCode?: string };
    const tracking = answer.trackingCode ?? answer.publicCode;
    expect(tracking, report.body).toMatch(/\S{6,}/);
    secrets.tracking = tracking!;

    // Tracking code in a path (200) and a query (the join route, and a 404 path).
    expect((await send('GET', `/api/track/${tracking}`)).statusCode).toBe(200);
    await send('GET', `/api/track/${tracking}x/nothing-here`);
    await send('POST', `/api/nope/${tracking}/${PHONE}?code=${tracking}`, { payload: {} });

    // Bearer token: issued (its body is the answer, not the log), then used, and a forged one.
    const issued = await send('POST', '/api/auth/token', {
      payload: { username: 'log-operator', password: PASSWORD },
    });
    expect(issued.statusCode, issued.body).toBe(200);
    const token = (issued.json() as { token: string }).token;
    secrets.bearer = token;
    const asOperator = { authorization: `Bearer ${token}` };
    const search = await send(
      'GET',
      `/api/cases?callerPhone=${PHONE}&q=${encodeURIComponent(`回电 ${PHONE}`)}&limit=5`,
      { headers: asOperator },
    );
    expect(search.statusCode, search.body).toBe(200);
    await send('GET', `/api/cases?q=${ID_NUMBER}&callerPhone=%2B86${PHONE}`, { headers: asOperator });
    const forged = `${token.slice(0, -4)}AAAA`;
    expect(
      (await send('GET', '/api/auth/me', { headers: { authorization: `Bearer ${forged}` } })).statusCode,
    ).toBe(401);
    // A wrong password (401) and a bad query value (400).
    await send('POST', '/api/auth/login', {
      payload: { username: 'log-operator', password: `${PASSWORD}x` },
    });
    await send('GET', `/api/cases?limit=${PHONE}&callerPhone=x${PHONE}`, { headers: asOperator });

    // One-time codes: the real one (signs in) and a wrong one, both in bodies.
    expect((await send('POST', '/api/auth/otp', { payload: { phone: OTP_PHONE } })).statusCode).toBe(202);
    const realOtp = sender.lastCode(OTP_PHONE);
    secrets.otp = realOtp;
    const signedIn = await send('POST', '/api/auth/otp/verify', {
      payload: { phone: OTP_PHONE, code: realOtp },
    });
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    await send('POST', '/api/auth/otp/verify', { payload: { phone: OTP_PHONE, code: WRONG_OTP } });

    // Open311: an API key issued by the admin, then used in a query, a form body and a header.
    const key = await admin.request('POST', '/api/admin/open311/keys', { name: 'log test client' });
    expect(key.statusCode, key.body).toBeLessThan(300);
    const apiKey = (key.json() as { key: string }).key;
    secrets.apiKey = apiKey;
    await send('GET', `/open311/v2/requests.json?api_key=${apiKey}&status=open`);
    await send('POST', '/open311/v2/requests.json', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-api-key': apiKey },
      payload: `api_key=${apiKey}&service_code=E0102&lat=${grid.lat}&long=${grid.lng}&phone=${PHONE}&description=${PHONE}`,
    });
    await send('POST', '/open311/v2/requests.json', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `api_key=${apiKey}x&service_code=E0102&lat=${grid.lat}&long=${grid.lng}&phone=${PHONE}`,
    });

    // Cookie session and CSRF token of the admin on a read and a refused write (415).
    await admin.request('GET', `/api/users?q=${PHONE}`);
    await built.app.inject({
      method: 'POST',
      url: '/api/cases/duplicates',
      remoteAddress: '10.31.0.2',
      headers: {
        cookie: `cg_session=${secrets.session}; cg_csrf=${secrets.csrf}`,
        'x-csrf-token': secrets.csrf!,
        'content-type': 'text/plain',
      },
      payload: `phone ${PHONE}`,
    });
    // A control character next to a phone (400) and an over-long query with one.
    await send('GET', `/api/cases?q=${PHONE}%00`, { headers: asOperator });
    await send('GET', `/api/track/${PHONE}${'x'.repeat(300)}`);

    // Database errors whose values are a phone (in the message, and in a unique violation's
    // detail `Key (p)=(…) already exists`), logged as the error handler logs a 500.
    const { db } = t();
    const failures = [
      await db.query('SELECT $1::int AS n', [PHONE]).then(
        () => undefined,
        (err: unknown) => err,
      ),
      await db
        .transaction(async (tx) => {
          await tx.query('CREATE TEMP TABLE log_probe (p text UNIQUE) ON COMMIT DROP');
          await tx.query('INSERT INTO log_probe VALUES ($1)', [PHONE]);
          await tx.query('INSERT INTO log_probe VALUES ($1)', [PHONE]);
        })
        .then(
          () => undefined,
          (err: unknown) => err,
        ),
    ];
    for (const err of failures) {
      expect(err).toBeInstanceOf(Error);
      built.app.log.error({ err }, `request failed for ${PHONE}`);
    }

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(40);
    const found: string[] = [];
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of writtenForms(secret)) if (foundIn(log, form)) found.push(`${name} as "${form}"`);
    }
    expect(found, found.length ? log.slice(0, 4000) : '').toEqual([]);
    // Route patterns, not paths with values; queries show their keys.
    expect(log).toContain('"route":"/api/track/:code"');
    expect(log).toContain('"route":"/api/cases"');
    expect(log).toContain('"route":"/open311/v2/requests.:format"');
    expect(log).toContain('"callerPhone":"[redacted]"');
    expect(log).not.toMatch(/authorization|cg_session|x-api-key|"headers"/i);
    // The database error is there, with its type and code, but not its parameters.
    expect(log).toMatch(/"err":\{"type":"[^"]+","message":"[^"]*"/);
    expect(log).not.toMatch(/"params"|"parameters"|"detail"/);
  });
});
