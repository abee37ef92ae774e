/**
 * End-to-end tests of the web app in a real browser (Debian's Chromium via playwright-core)
 * against the real server with a fresh demo city: the whole case loop across five roles with
 * the dashboard updating live, the worker app's offline queue, and screenshots of every
 * role's main page at phone and desktop sizes (test-results/screenshots/).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminApi,
  contextFor,
  DESKTOP,
  launch,
  PHONE,
  PNG,
  SHOTS,
  startServer,
  userApi,
  type WebServer,
} from './web-server.js';

interface CaseRow {
  id: number;
  publicCode: string;
  state: string;
  gridCode: string;
  tasks: Array<{ department: string }>;
}

let server: WebServer;
let browser: Browser;
let admin: Awaited<ReturnType<typeof adminApi>>;

beforeAll(async () => {
  server = await startServer();
  browser = await launch();
  admin = await adminApi(server.url);
  mkdirSync(SHOTS, { recursive: true });
}, 200_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function findCase(text: string): Promise<{ items: CaseRow[]; total: number }> {
  return admin(`/api/cases?q=${encodeURIComponent(text)}&limit=10`);
}

/** Opens a workbench case by its public code and presses an action button (with a note, a photo). */
async function act(
  page: Page,
  tab: string,
  code: string,
  action: string,
  note?: string,
  photo = false,
): Promise<void> {
  await page.getByRole('tab', { name: new RegExp(tab) }).click();
  await page.locator(`button.case-card[data-code="${code}"]`).click();
  const button = page.locator(`button[data-action="${action}"]`);
  await button.waitFor();
  if (note) await page.locator('.action-form textarea').fill(note);
  if (photo) {
    await page
      .locator('.action-form input[type=file]')
      .setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.action-form .thumb').waitFor();
  }
  await button.click();
}

describe('web app', () => {
  it('runs the case loop across roles while the dashboard updates live', async () => {
    const marker = `e2e loop pothole ${Date.now().toString(36)}`;

    // The commander watches the dashboard on another page.
    const dashCtx = await contextFor(browser, server.url, DESKTOP, 'admin');
    const dash = await dashCtx.newPage();
    await dash.goto('/dashboard');
    await dash.locator('.live-dot:not(.off)').waitFor();
    const todayKpi = async () =>
      Number(await dash.getByTestId('kpi-today').locator('.kpi-value').innerText());
    // The live dot can turn on before the first summary arrives (the value is '…' until then).
    await expect.poll(todayKpi, { timeout: 5_000 }).not.toBeNaN();
    const todayBefore = await todayKpi();

    // A resident signs in with a one-time code, reports with a photo.
    const resCtx = await contextFor(browser, server.url, PHONE);
    const res = await resCtx.newPage();
    await res.goto('/login?next=/report');
    const phone = '13912345678';
    await res.locator('input[name=phone]').fill(phone);
    const residentForm = res.locator('form[aria-labelledby=res-title]');
    await residentForm.getByRole('button', { name: '获取验证码' }).click();
    await res.locator('input[name=code]').waitFor();
    const outbox = await admin<{ items: Array<{ body: string }> }>('/api/admin/outbox?limit=5');
    const code = outbox.items.map((m) => m.body.match(/\b(\d{6})\b/)?.[1]).find(Boolean);
    expect(code).toBeTruthy();
    await res.locator('input[name=code]').fill(code ?? '');
    await residentForm.getByRole('button', { name: '登录' }).click();
    await res.waitForURL((u) => u.pathname === '/report');
    const map = res.locator('.map-report');
    await map.waitFor();
    await res.locator('.map-report .leaflet-overlay-pane canvas').waitFor();
    await res.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => undefined);
    const box = await map.boundingBox();
    if (!box) throw new Error('no map');
    await res.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await res.getByText(/所属网格/).waitFor();
    await res.locator('select[name=category]').selectOption('E0102');
    await res.locator('textarea[name=description]').fill(marker);
    await res
      .locator('input[type=file]')
      .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: PNG });
    await res.locator('.thumb').waitFor();
    await res.getByRole('button', { name: '提交' }).click();
    const publicCode = (await res.getByTestId('public-code').innerText()).trim();
    expect(publicCode).toMatch(/^NH\d{6}-[0-9A-Z]{6}$/);

    // The dashboard shows the new report live (SSE), without a reload.
    await dash.locator(`.ticker li[data-code="${publicCode}"]`).waitFor({ timeout: 5_000 });
    await expect.poll(todayKpi, { timeout: 5_000 }).toBe(todayBefore + 1);

    const [row] = (await findCase(marker)).items;
    if (!row) throw new Error('case not found');
    const street = row.gridCode.slice(0, 9);
    const district = row.gridCode.slice(0, 6);

    // The street's dispatcher files and dispatches to the suggested department.
    const dispCtx = await contextFor(browser, server.url, DESKTOP, `disp-${street}`);
    const disp = await dispCtx.newPage();
    await disp.goto('/dispatch');
    await act(disp, '待立案', publicCode, 'file');
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('filed');
    await act(disp, '待派遣', publicCode, 'dispatch');
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('dispatched');

    // The department's handler accepts and reports back.
    const dept = (await findCase(marker)).items[0]?.tasks[0]?.department ?? '';
    const deptCtx = await contextFor(browser, server.url, DESKTOP, `dept-${dept.replace(/_/g, '-')}`);
    const handler = await deptCtx.newPage();
    await handler.goto('/dept');
    await act(handler, '待签收', publicCode, 'accept');
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('handling');
    await act(handler, '处置中', publicCode, 'report_back', '已清理完毕', true);
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('reported_back');

    // The district's supervisor verifies and closes.
    const supCtx = await contextFor(browser, server.url, DESKTOP, `sup-${district}`);
    const sup = await supCtx.newPage();
    await sup.goto('/supervisor');
    // Each indicator shows its definition, tied to the figure for screen readers.
    const onTime = sup.locator('tr[data-indicator] td[aria-describedby]').first();
    const defId = await onTime.getAttribute('aria-describedby');
    await expect
      .poll(async () => (await sup.locator(`[id="${defId}"]`).textContent())?.length ?? 0)
      .toBeGreaterThan(5);
    await act(sup, '待核查', publicCode, 'verify_pass', undefined, true);
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('closed');
    // Photos of each stage: the report, the handler's report-back and the verification.
    const photos = await admin<{ photos: Array<{ purpose: string }> }>(`/api/cases/${row.id}`);
    expect(photos.photos.map((p) => p.purpose).sort()).toEqual(['report', 'report_back', 'verify']);
    await sup.locator('.case-panel figure[data-purpose=verify] img').waitFor();
    // Staff see each history entry's role and the staff member's name (issue 14).
    const dispatchedBy = sup.locator('.case-panel .timeline .actor[data-role=dispatcher]').first();
    await expect.poll(async () => dispatchedBy.textContent()).toMatch(/^派遣员 · \S+/);
    await sup.screenshot({ path: path.join(SHOTS, 'supervisor-photos-desktop.png') });

    // The resident sees it closed on the tracking page and rates it.
    await res.goto(`/track/${publicCode}`);
    // The tracking page shows roles only, never a name.
    await expect
      .poll(async () => res.locator('.timeline .actor[data-role=dispatcher]').first().textContent())
      .toBe('派遣员');
    await res.locator('button[data-result="satisfied"]').click();
    await res.getByText('感谢您的评价').waitFor();
    await expect
      .poll(async () => (await findCase(marker)).items[0]?.state, { timeout: 10_000 })
      .toBe('evaluated');

    // Every step reached the dashboard's live ticker.
    await expect
      .poll(async () => dash.locator(`.ticker li[data-code="${publicCode}"]`).count(), { timeout: 5_000 })
      .toBeGreaterThanOrEqual(7);
    await dash.screenshot({ path: path.join(SHOTS, 'dashboard-live-desktop.png') });
    await res.screenshot({ path: path.join(SHOTS, 'resident-evaluated-phone.png'), fullPage: true });

    // The resident's inbox (bell) holds the case's news; "mark all read" clears the badge.
    await res.reload();
    await res.getByTestId('inbox-unread').waitFor();
    await res.getByTestId('inbox-bell').click();
    await res.locator('.inbox-list li.unread', { hasText: publicCode }).first().waitFor();
    await res.screenshot({ path: path.join(SHOTS, 'resident-inbox-phone.png') });
    await res.getByRole('button', { name: '全部标为已读' }).click();
    await res.getByTestId('inbox-unread').waitFor({ state: 'detached' });
    await expect.poll(() => res.locator('.inbox-list li.unread').count()).toBe(0);
    await res.keyboard.press('Escape');
    await expect.poll(() => res.locator('.inbox-panel').count()).toBe(0);
    for (const c of [dashCtx, resCtx, dispCtx, deptCtx, supCtx]) await c.close();
  }, 180_000);

  it('queues worker actions offline and applies each exactly once when back online', async () => {
    const grids = await admin<{ items: Array<{ code: string }> }>('/api/areas?level=grid&limit=1');
    const grid = grids.items[0]?.code ?? '';
    const tag = Date.now().toString(36);

    // A case in the worker's grid waiting for verification (reported, filed, dispatched, handled).
    const area = await admin<{ center: { lng: number; lat: number } }>(`/api/areas/${grid}`);
    const intake = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'resident',
        idempotencyKey: `e2e-verify-${tag}`,
        location: area.center,
        categoryCode: 'E0102',
        description: `e2e verify offline ${tag}`,
      }),
    });
    const created = (await intake.json()) as { id: number; publicCode: string };
    const disp = await userApi(server.url, `disp-${grid.slice(0, 9)}`);
    await disp('POST', `/api/cases/${created.id}/file`, {});
    const dispatched = await disp<CaseRow>('POST', `/api/cases/${created.id}/dispatch`, {});
    const dept = dispatched.tasks[0]?.department ?? '';
    const handler = await userApi(server.url, `dept-${dept.replace(/_/g, '-')}`);
    await handler('POST', `/api/cases/${created.id}/accept`, {});
    await handler('POST', `/api/cases/${created.id}/report-back`, { note: 'done' });

    const ctx = await contextFor(browser, server.url, PHONE, `gw-${grid}`);
    const page = await ctx.newPage();
    await page.goto('/worker');
    await page.getByText('全部已同步').waitFor();
    await page.locator('.map-small .leaflet-overlay-pane canvas').waitFor();
    await page.locator(`button.case-card[data-code="${created.publicCode}"]`).click();

    await ctx.setOffline(true);
    await page.locator('.status-bar.off').waitFor();
    const texts = ['alpha', 'bravo', 'charlie'].map((w) => `e2e offline ${w} ${tag}`);
    for (const text of texts) {
      await page.locator('select[name=patrol-category]').selectOption('E0102');
      await page.locator('textarea[name=patrol-text]').fill(text);
      await page
        .locator('input[type=file]')
        .first()
        .setInputFiles({ name: 'p.png', mimeType: 'image/png', buffer: PNG });
      await page.getByRole('button', { name: '上报', exact: true }).click();
      await page.locator('.queue li', { hasText: text.slice(0, 40) }).waitFor();
    }
    // The verification is queued too, with a photo.
    await page
      .locator('.verify-form input[type=file]')
      .setInputFiles({ name: 'v.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.verify-form .thumb').waitFor();
    await page.getByRole('button', { name: /核查通过/ }).click();
    await page.locator('.queue li', { hasText: created.publicCode }).waitFor();
    const pendingText = async () => (await page.getByTestId('pending-count').textContent()) ?? '';
    await expect.poll(pendingText).toContain('4');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SHOTS, 'worker-offline-queue-phone.png'), fullPage: true });
    for (const text of texts) expect((await findCase(text)).total).toBe(0);

    // The first answer to the verification is lost after the server applied it: the queue keeps
    // the item and replays it with the same Idempotency-Key, which must apply nothing again.
    const keys: string[] = [];
    let lostOnce: () => void = () => undefined;
    const lost = new Promise<void>((r) => (lostOnce = r));
    await page.route('**/api/cases/*/verify-pass', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      if (keys.length === 1) {
        await route.fetch();
        await route.abort('connectionreset');
        lostOnce();
      } else {
        await route.continue();
      }
    });
    await ctx.setOffline(false);
    await lost;
    await expect.poll(pendingText).toContain('1');
    for (const text of texts) expect((await findCase(text)).total).toBe(1);
    await page.getByRole('button', { name: '立即同步' }).click();
    await page.getByText('全部已同步').waitFor({ timeout: 15_000 });
    expect(keys.length).toBe(2);
    expect(keys[0]).toMatch(/^[A-Za-z0-9._:-]{8,100}$/);
    expect(keys[1]).toBe(keys[0]);
    const detail = await admin<{
      case: { state: string };
      events: Array<{ action: string }>;
      photos: Array<{ purpose: string }>;
    }>(`/api/cases/${created.id}`);
    expect(detail.case.state).toBe('closed');
    expect(detail.events.filter((e) => e.action === 'verify_pass')).toHaveLength(1);
    expect(detail.photos.filter((p) => p.purpose === 'verify')).toHaveLength(1);

    // A second sync (reload, back online again) must not apply anything twice.
    await page.unroute('**/api/cases/*/verify-pass');
    await page.reload();
    await page.getByText('全部已同步').waitFor();
    for (const text of texts) expect((await findCase(text)).total).toBe(1);
    const again = await admin<{ events: Array<{ action: string }> }>(`/api/cases/${created.id}`);
    expect(again.events.filter((e) => e.action === 'verify_pass')).toHaveLength(1);
    await ctx.close();
  }, 120_000);

  it('takes a hotline call by keyboard: masked caller, previous cases, place by name and map', async () => {
    const tag = Date.now().toString(36);
    const { items } = await admin<{ items: Array<{ code: string; nameZh: string }> }>(
      '/api/areas?level=community&limit=1',
    );
    const community = items[0];
    if (!community) throw new Error('no community');
    const ctx = await contextFor(browser, server.url, DESKTOP, 'op-1');
    const page = await ctx.newPage();
    await page.goto('/hotline');
    const caller = page.locator('input[name=caller]');
    const phone = '13700002222';
    await caller.fill(phone);
    await page.getByText('该号码没有历史工单').waitFor();
    await page.keyboard.press('Alt+4');
    const areaInput = page.locator('input[name=area]');
    await areaInput.fill(community.nameZh);
    await areaInput.press('Enter');
    const place = page.getByTestId('hotline-place');
    await place.filter({ hasText: community.nameZh }).waitFor();
    expect(await caller.inputValue()).toBe('137****2222');
    // A click on the map is located to its grid (GET /api/locate).
    await page.locator('.map-small .leaflet-overlay-pane canvas').waitFor();
    await page.waitForTimeout(600);
    const box = await page.locator('.map-small').boundingBox();
    if (!box) throw new Error('no map');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(async () => (await place.textContent()) ?? '').toMatch(/网格/);
    await page.locator('textarea[name=text]').fill(`e2e hotline ${tag}`);
    await page.keyboard.press('Control+Enter');
    const created = (await page.getByTestId('hotline-created').textContent()) ?? '';
    const code = created.match(/NH\d{6}-[0-9A-Z]{6}/)?.[0] ?? '';
    expect(code).not.toBe('');
    const [row] = (await findCase(`e2e hotline ${tag}`)).items as Array<CaseRow & { hotlineType: string }>;
    expect(row?.hotlineType).toBe('report');

    // The same caller again: the new case is among the previous ones (keyed phone hash).
    await caller.fill(phone);
    await page.locator(`button.case-card[data-code="${code}"]`).click();
    await page.locator('.case-panel').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(SHOTS, 'hotline-caller-desktop.png') });
    await ctx.close();
  }, 60_000);

  it('lets the admin manage routing rules and the working calendar', async () => {
    const grids = await admin<{ items: Array<{ code: string }> }>('/api/areas?level=grid&limit=1');
    const street = (grids.items[0]?.code ?? '').slice(0, 9);
    const ctx = await contextFor(browser, server.url, DESKTOP, 'admin');
    const page = await ctx.newPage();
    await page.goto('/admin');

    // A routing rule: category × street → greening; then deactivated with a confirmation.
    await page.locator('select[name=rule-category]').selectOption('E0102');
    await page.locator('input[name=rule-area]').fill(street);
    await page.locator('select[name=rule-department]').selectOption('greening');
    await page.locator('input[name=rule-note]').fill('e2e rule');
    await page.getByRole('button', { name: '添加规则' }).click();
    const ruleRow = page.getByTestId('routing-rules').locator('tr', { hasText: 'e2e rule' });
    await ruleRow.waitFor();
    const rules = await admin<{ items: Array<{ id: number; areaCode: string; departmentCode: string }> }>(
      '/api/admin/routing-rules',
    );
    expect(rules.items.find((r) => r.areaCode === street)?.departmentCode).toBe('greening');

    // The calendar: Saturday becomes a working day, a holiday is added.
    await page.locator('input[name=weekday-6]').check();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByText('已保存').waitFor();
    await page.locator('input[name=exception-day]').fill('2030-02-04');
    await page.locator('select[name=exception-kind]').selectOption('holiday');
    await page.locator('input[name=exception-label]').fill('e2e holiday');
    await page.getByRole('button', { name: '添加', exact: true }).click();
    await page.getByTestId('calendar-exceptions').locator('tr[data-day="2030-02-04"]').waitFor();
    const cal = await admin<{ workWeekdays: number[]; exceptions: Array<{ date: string; label: string }> }>(
      '/api/calendar',
    );
    expect(cal.workWeekdays).toEqual([1, 2, 3, 4, 5, 6]);
    expect(cal.exceptions.find((x) => x.date === '2030-02-04')?.label).toBe('e2e holiday');
    await page.screenshot({ path: path.join(SHOTS, 'admin-config-desktop.png'), fullPage: true });

    // Undo everything through the UI.
    await ruleRow.getByRole('button', { name: '停用' }).click();
    await ruleRow.getByRole('button', { name: '确认停用' }).click();
    await ruleRow.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: '删除 2030-02-04' }).click();
    await page.locator('tr[data-day="2030-02-04"]').waitFor({ state: 'detached' });
    await page.locator('input[name=weekday-6]').uncheck();
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await expect
      .poll(async () => (await admin<{ workWeekdays: number[] }>('/api/calendar')).workWeekdays)
      .toEqual([1, 2, 3, 4, 5]);
    const after = await admin<{ items: Array<{ areaCode: string }> }>('/api/admin/routing-rules');
    expect(after.items.some((r) => r.areaCode === street)).toBe(false);
    await ctx.close();
  }, 60_000);

  it('shows an area name with HTML literally in map tooltips and never runs it', async () => {
    // Issue 14: area names with HTML were rendered as HTML in map tooltips (only the CSP stopped
    // the script). Rename a district to markup, hover it on the dashboard map.
    const XSS = '<img src=x onerror=window.__xss=1>';
    const api = await userApi(server.url, 'admin');
    const districts = await api<{ items: Array<{ code: string }> }>(
      'GET',
      '/api/areas?level=district&limit=1',
    );
    const code = districts.items[0]?.code ?? '';
    type Feature = { type: 'Feature'; properties: Record<string, unknown>; geometry: unknown };
    const exported = await api<{ features: Feature[] }>('GET', `/api/areas/export.geojson?within=${code}`);
    const feature = exported.features.find((f) => f.properties.code === code);
    if (!feature) throw new Error(`district ${code} not exported`);
    const rename = (nameZh: unknown, nameEn: unknown) =>
      api<{ renamed: number }>('POST', '/api/admin/areas/import?fileName=xss.geojson', {
        type: 'FeatureCollection',
        features: [{ ...feature, properties: { ...feature.properties, nameZh, nameEn } }],
      });
    expect((await rename(XSS, XSS)).renamed).toBe(1);
    try {
      for (const [url, user, mapSel] of [['/dashboard', 'admin', '.map-dash']] as const) {
        const ctx = await contextFor(browser, server.url, DESKTOP, user);
        const page = await ctx.newPage();
        await page.goto(url);
        const map = page.locator(mapSel);
        await map.waitFor();
        await page.locator(`${mapSel} .leaflet-overlay-pane canvas`).waitFor();
        await page.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => undefined);
        const box = await map.boundingBox();
        if (!box) throw new Error(`no map on ${url}`);
        // Sweep the map until the renamed district's tooltip shows.
        const tooltip = page.locator('.leaflet-tooltip', { hasText: XSS });
        let shown = false;
        for (let y = 0.1; y < 1 && !shown; y += 0.1) {
          for (let x = 0.1; x < 1 && !shown; x += 0.1) {
            await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
            shown = (await tooltip.count()) > 0;
          }
        }
        expect(shown, `tooltip with the literal name on ${url}`).toBe(true);
        expect(await tooltip.first().textContent()).toContain(XSS);
        expect(await page.locator('.leaflet-tooltip img').count()).toBe(0);
        await page.waitForTimeout(300);
        expect(await page.evaluate(() => (globalThis as { __xss?: unknown }).__xss)).toBeUndefined();
        await ctx.close();
      }
    } finally {
      await rename(feature.properties.nameZh, feature.properties.nameEn);
    }
  }, 90_000);

  it('renders every role main page at phone and desktop sizes', async () => {
    const grids = await admin<{ items: Array<{ code: string }> }>('/api/areas?level=grid&limit=1');
    const grid = grids.items[0]?.code ?? '';
    const pages: Array<[string, string, string | undefined]> = [
      ['home', '/', undefined],
      ['resident-report', '/report', undefined],
      ['resident-track', '/track', undefined],
      ['login', '/login', undefined],
      ['worker', '/worker', `gw-${grid}`],
      ['hotline', '/hotline', 'op-1'],
      ['dispatcher', '/dispatch', `disp-${grid.slice(0, 9)}`],
      ['department', '/dept', 'dept-sanitation'],
      ['supervisor', '/supervisor', `sup-${grid.slice(0, 6)}`],
      ['admin', '/admin', 'admin'],
      ['dashboard', '/dashboard', 'admin'],
    ];
    for (const [name, url, user] of pages) {
      for (const [sizeName, size] of [
        ['phone', PHONE],
        ['desktop', DESKTOP],
      ] as const) {
        const ctx = await contextFor(browser, server.url, size, user);
        const page = await ctx.newPage();
        await page.goto(url);
        await page.locator('main').waitFor();
        await page.waitForLoadState('networkidle', { timeout: 8_000 }).catch(() => undefined);
        if (url === '/dispatch' || url === '/supervisor' || url === '/dept') {
          const first = page.locator('button.case-card').first();
          if (await first.isVisible().catch(() => false)) await first.click();
          await page.waitForTimeout(400);
        }
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(SHOTS, `${name}-${sizeName}.png`) });
        expect(await page.locator('text=页面不存在').count()).toBe(0);
        await ctx.close();
      }
    }
  }, 180_000);
});
