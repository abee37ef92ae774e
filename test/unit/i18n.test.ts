import { describe, expect, it } from 'vitest';
import { CommonErrors } from '../../src/lib/errors.js';
import { pickLocale } from '../../src/lib/i18n.js';

describe('locale negotiation', () => {
  it('prefers the user setting, then Accept-Language by weight, then the default', () => {
    expect(pickLocale('en-US,en;q=0.9', 'zh-CN', 'en')).toBe('zh-CN');
    expect(pickLocale('fr;q=1, en;q=0.5, zh;q=0.8', undefined, 'en')).toBe('zh-CN');
    expect(pickLocale('en-GB', undefined, 'zh-CN')).toBe('en');
    expect(pickLocale('de', undefined, 'zh-CN')).toBe('zh-CN');
    expect(pickLocale(undefined, undefined, 'en')).toBe('en');
    expect(pickLocale('zh-TW;q=0, en;q=0.1', undefined, 'zh-CN')).toBe('en');
  });

  it('errors carry both languages with parameters filled in', () => {
    const e = CommonErrors.NotFound({ params: { what: 'case' } });
    expect(e.localized('en')).toBe('case not found');
    expect(e.localized('zh-CN')).toBe('未找到case');
    expect(e.code).toBe('NOT_FOUND');
  });
});
