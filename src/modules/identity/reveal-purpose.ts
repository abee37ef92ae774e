/**
 * The purpose of a reveal of personal data (PIPL Art. 6 purpose limitation): every reveal route
 * (user phone, case reporter, registry person) takes the same `purpose` field, validated by one
 * schema — a code from REVEAL_PURPOSES or a free-text reason of at least 10 characters — and its
 * answer is sent with `Cache-Control: no-store` (see installNoStore).
 */
import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';

/** The reasons staff may pick from (zh/en labels for pickers; the code is what the audit stores). */
export const REVEAL_PURPOSES = [
  { code: 'callback', zh: '回访报告人', en: 'Call the reporter back' },
  { code: 'dispatch_contact', zh: '派遣联系当事人', en: 'Contact for dispatch or on-site work' },
  { code: 'investigation', zh: '核查调查', en: 'Investigation or verification' },
  { code: 'data_correction', zh: '更正基础数据', en: 'Correct base data' },
  { code: 'complaint_handling', zh: '处理投诉', en: 'Handle a complaint' },
  { code: 'emergency', zh: '紧急情况', en: 'Emergency' },
  { code: 'legal_request', zh: '依法调取', en: 'Request under the law' },
] as const;

/** A purpose code of REVEAL_PURPOSES. */
export type RevealPurposeCode = (typeof REVEAL_PURPOSES)[number]['code'];

/** Free-text purposes need at least this many non-blank characters ("ok" says nothing). */
export const REVEAL_PURPOSE_MIN_TEXT = 10;

/** The `purpose` field of every reveal body. */
export const RevealPurpose = Type.Union(
  [
    ...REVEAL_PURPOSES.map((p) => Type.Literal(p.code)),
    Type.String({
      maxLength: 500,
      // At least REVEAL_PURPOSE_MIN_TEXT non-blank characters (code points: 核实 counts 2).
      pattern: `^(?:\\s*\\S){${REVEAL_PURPOSE_MIN_TEXT}}`,
    }),
  ],
  {
    description: `Why the clear value is needed: one of ${REVEAL_PURPOSES.map((p) => p.code).join(', ')}, or a reason of at least ${REVEAL_PURPOSE_MIN_TEXT} characters`,
  },
);

/** The purpose as the audit log stores it: the code, or the trimmed free text. */
export function auditPurpose(purpose: string): string {
  return purpose.trim();
}

/**
 * Sends `Cache-Control: no-store` (and `Pragma: no-cache` for old proxies) on every answer of a
 * route declared `revealsPii: true`, so clear personal data stays out of browser and proxy caches.
 */
export function installNoStore(app: TypedApp): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.routeOptions.config?.revealsPii === true) {
      reply.header('cache-control', 'no-store');
      reply.header('pragma', 'no-cache');
    }
    return payload;
  });
}

/** The purpose picker's list for reveal dialogs, and the no-store rule for every reveal answer. */
export function revealPurposeRoutes(app: TypedApp): void {
  installNoStore(app);
  app.get(
    '/api/reveal-purposes',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['users'],
        summary: 'Purpose codes a reveal of personal data may give (or a reason of 10+ characters)',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ code: Type.String(), zh: Type.String(), en: Type.String() })),
            minFreeText: Type.Integer(),
          }),
        },
      },
    },
    async () => ({ items: REVEAL_PURPOSES.map((p) => ({ ...p })), minFreeText: REVEAL_PURPOSE_MIN_TEXT }),
  );
}
