/**
 * Issue 14, "The edge": two messages showed broken templates ("上限 configured 字节",
 * "不支持的内容类型：this"). Over every error the application defines: the zh-CN and English
 * templates take the same placeholders, the zh-CN text is Chinese (no English phrase outside
 * placeholders, product, parameter and header names), and the framework's own refusals render
 * without a placeholder left or an English word. A parameter that is a phrase goes through
 * `text(zh, en)` (src/lib/errors.ts).
 */
import { beforeAll, expect, it } from 'vitest';
import { definedErrorCodes } from '../../src/lib/errors.js';
import { toAppError } from '../../src/server/error-handler.js';
import { buildTestApp } from '../support/app.js';
import { describeEachDriver } from '../support/db.js';

/** Names and acronyms a Chinese message may carry as they are. */
const ALLOWED_LATIN = new Set(
  'JSON CSV XLSX GeoJSON FeatureCollection API URL SMS ID IP CAP Open311 MQTT HTTP HTTPS PDF PNG JPEG WebP HEIC UTF JWT OTP CSRF SSE IoT PostgreSQL PGlite ETag Idempotency Key CRS WGS CGCS GB EPSG XML HMAC Ed25519 AUDIT_KEY csrf token Authorization Bearer photoKey details errors api_key json xml lat long'.split(
    ' ',
  ),
);

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const latinWords = (s: string) =>
  (s.replace(/\{\w+\}/g, '').match(/[A-Za-z][A-Za-z0-9_]{2,}/g) ?? []).filter((w) => !ALLOWED_LATIN.has(w));

describeEachDriver('zh-CN message catalogue', (t) => {
  beforeAll(async () => {
    // Building the app loads every module, so every defineError has run.
    const built = await buildTestApp(t().db);
    await built.app.close();
  });

  it('every template pair has the same placeholders and the zh-CN one is Chinese', () => {
    const bad: string[] = [];
    expect(definedErrorCodes().size).toBeGreaterThan(40);
    for (const [code, { messages }] of definedErrorCodes()) {
      const zh = messages['zh-CN'];
      if (JSON.stringify(placeholders(zh)) !== JSON.stringify(placeholders(messages.en)))
        bad.push(`${code}: placeholders differ: "${zh}" / "${messages.en}"`);
      if (!/[\u4e00-\u9fff]/.test(zh)) bad.push(`${code}: zh-CN text is not Chinese: "${zh}"`);
      const words = latinWords(zh);
      if (words.length > 0) bad.push(`${code}: English in zh-CN "${zh}": ${words.join(', ')}`);
    }
    expect(bad).toEqual([]);
  });

  it("the framework's refusals render in Chinese with no placeholder left", () => {
    const codes = [
      'FST_ERR_CTP_BODY_TOO_LARGE',
      'FST_REQ_FILE_TOO_LARGE',
      'FST_FILES_LIMIT',
      'FST_PARTS_LIMIT',
      'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      'FST_INVALID_MULTIPART_CONTENT_TYPE',
      'FST_ERR_CTP_EMPTY_JSON_BODY',
    ];
    const rendered = [
      ...codes.map((code) => toAppError(Object.assign(new Error('x'), { code }), 'r1')),
      ...[404, 413, 415, 429].map((statusCode) =>
        toAppError(Object.assign(new Error('x'), { statusCode }), 'r1'),
      ),
    ].map((e) => e.localized('zh-CN'));
    for (const msg of rendered) {
      expect(msg).not.toMatch(/\{\w+\}/);
      expect(latinWords(msg), msg).toEqual([]);
    }
    expect(rendered.join(' ')).not.toMatch(/configured|\bthis\b/);
  });
});
