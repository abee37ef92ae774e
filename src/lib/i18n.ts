import { LOCALES, type Locale } from '../config/config.js';

/**
 * Picks the response locale: an explicit user setting wins, then the best Accept-Language
 * match (any zh* → zh-CN, any en* → en), then the server default.
 */
export function pickLocale(
  acceptLanguage: string | undefined,
  userLocale: string | undefined,
  fallback: Locale,
): Locale {
  if (userLocale && (LOCALES as readonly string[]).includes(userLocale)) return userLocale as Locale;
  if (!acceptLanguage) return fallback;
  const ranked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      const weight = q ? Number(q.trim().slice(2)) : 1;
      return { tag: tag.toLowerCase(), weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((x) => x.tag !== '' && x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}

/** A text in both locales, as stored for names of areas, categories and departments. */
export interface LocalizedText {
  zh: string;
  en: string;
}

/** Chooses the side of a bilingual name for a locale. */
export function localize(text: LocalizedText, locale: Locale): string {
  return locale === 'zh-CN' ? text.zh : text.en;
}
