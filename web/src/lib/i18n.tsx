import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { adminMessages } from '../i18n/admin';
import { caseMessages } from '../i18n/case';
import { commonMessages } from '../i18n/common';
import { dashboardMessages } from '../i18n/dashboard';
import { deptMessages } from '../i18n/dept';
import { dispatchMessages } from '../i18n/dispatch';
import { homeMessages } from '../i18n/home';
import { hotlineMessages } from '../i18n/hotline';
import { loginMessages } from '../i18n/login';
import type { Messages } from '../i18n/messages';
import { reportMessages } from '../i18n/report';
import { supervisorMessages } from '../i18n/supervisor';
import { trackMessages } from '../i18n/track';
import { workerMessages } from '../i18n/worker';
import { setApiLocale } from './api';

/** Every feature's strings; together they are the UI's translation table. */
const TABLES = [
  commonMessages,
  caseMessages,
  homeMessages,
  loginMessages,
  reportMessages,
  trackMessages,
  workerMessages,
  hotlineMessages,
  dispatchMessages,
  deptMessages,
  supervisorMessages,
  adminMessages,
  dashboardMessages,
] as const;

type KeysOf<T> = T extends Messages<infer K> ? K : never;
/** Keys that two feature tables both define (each is a type error below, as one would be overwritten). */
type Duplicates<Ts extends readonly unknown[], Seen = never> = Ts extends readonly [infer H, ...infer R]
  ? (KeysOf<H> & Seen) | Duplicates<R, Seen | KeysOf<H>>
  : never;
const noDuplicateKeys: [Duplicates<typeof TABLES>] extends [never] ? true : Duplicates<typeof TABLES> = true;
void noDuplicateKeys;

/** A key of the translation table. */
export type MsgKey = KeysOf<(typeof TABLES)[number]>;

function merge(lang: 'zh' | 'en'): Readonly<Record<MsgKey, string>> {
  return Object.assign({}, ...TABLES.map((table) => table[lang]));
}

const zh = merge('zh');
const en = merge('en');

/** A supported UI language. */
export type Lang = 'zh-CN' | 'en';

interface I18n {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: (k: MsgKey) => string;
  /** Translates a dynamic key (state, action, channel…) with a fallback to the raw value. */
  tx: (prefix: string, value: string | null | undefined) => string;
  /** Picks the zh or en name of a record. */
  name: (r: { nameZh: string; nameEn: string } | undefined) => string;
}

const I18nContext = createContext<I18n | null>(null);

function initialLang(): Lang {
  const saved = localStorage.getItem('cg.lang');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return 'zh-CN';
}

/** Provides the language and translation functions; the choice is remembered on the device. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() => {
    const l = initialLang();
    setApiLocale(l);
    return l;
  });
  const setLang = useCallback((l: Lang) => {
    localStorage.setItem('cg.lang', l);
    setApiLocale(l);
    document.documentElement.lang = l;
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(() => {
    const table = lang === 'en' ? en : zh;
    const t = (k: MsgKey) => table[k];
    return {
      lang,
      setLang,
      t,
      tx: (prefix, v) => {
        if (!v) return '—';
        const k = `${prefix}_${v}` as MsgKey;
        return k in table ? table[k] : v;
      },
      name: (r) => (r ? (lang === 'en' ? r.nameEn : r.nameZh) : '—'),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The translation functions of the current language. */
export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
