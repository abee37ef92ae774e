import { useEffect, useMemo, useRef, useState } from 'react';
import { CaseList } from '../components/CaseViews';
import { CategoryOptions } from '../components/CategoryOptions';
import { api, newKey, qs } from '../lib/api';
import { useLoad, useLookups } from '../lib/data';
import { type MsgKey, useI18n } from '../lib/i18n';
import { loadAreas } from '../lib/report';
import type { Area, CaseItem, IntakeReply } from '../lib/types';

const TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;

function maskPhone(p: string): string {
  return p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : p;
}

/** 12345 operator: keyboard-first intake (Alt+1…5 type, Ctrl+Enter submit, Esc clear). */
export default function Hotline() {
  const { t, name } = useI18n();
  const lookups = useLookups();
  const communities = useLoad(() => loadAreas('community', undefined, false), []);
  const [phone, setPhone] = useState('');
  const [type, setType] = useState<(typeof TYPES)[number]>('complaint');
  const [areaQuery, setAreaQuery] = useState('');
  const [area, setArea] = useState<Area | null>(null);
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<IntakeReply | null>(null);
  const [err, setErr] = useState('');
  const phoneRef = useRef<HTMLInputElement>(null);
  const matches = useMemo(
    () =>
      areaQuery.trim() && !area
        ? (communities.data ?? [])
            .filter(
              (a) =>
                a.nameZh.includes(areaQuery.trim()) ||
                a.nameEn.toLowerCase().includes(areaQuery.trim().toLowerCase()),
            )
            .slice(0, 6)
        : [],
    [areaQuery, area, communities.data],
  );
  const previous = useLoad(
    () =>
      /^1[3-9][0-9]{9}$/.test(phone)
        ? api<{ items: CaseItem[] }>(
            'GET',
            `/api/cases${qs({ q: phone, channel: 'hotline', limit: 5 })}`,
          ).then((r) => r.items)
        : Promise.resolve<CaseItem[]>([]),
    [phone],
  );

  function clear() {
    setPhone('');
    setText('');
    setArea(null);
    setAreaQuery('');
    setCategory('');
    setErr('');
    phoneRef.current?.focus();
  }

  async function submit() {
    if (!area || text.trim().length < 2) return;
    setErr('');
    try {
      const r = await api<IntakeReply>('POST', '/api/cases', {
        channel: 'hotline',
        idempotencyKey: newKey('hotline'),
        hotlineType: type,
        location: area.center,
        address: name(area),
        ...(category ? { categoryCode: category } : {}),
        description: text.trim(),
        ...(phone ? { reporter: { phone } } : {}),
      });
      setResult(r);
      clear();
    } catch (e) {
      setErr((e as Error).message);
    }
  }

  useEffect(() => {
    phoneRef.current?.focus();
  }, []);
  const submitRef = useRef(submit);
  submitRef.current = submit;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && /^[1-5]$/.test(e.key)) {
        e.preventDefault();
        setType(TYPES[Number(e.key) - 1] ?? 'complaint');
      } else if (e.ctrlKey && e.key === 'Enter') {
        e.preventDefault();
        void submitRef.current();
      } else if (e.key === 'Escape') {
        clear();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="hotline">
      <h1 className="page-title">{t('hotlineTitle')}</h1>
      <p className="kbd-hint">⌨ {t('keyboardHint')}</p>
      <div className="hotline-grid">
        <form
          className="card"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label>
            {t('callerPhone')}
            <input
              ref={phoneRef}
              name="caller"
              inputMode="tel"
              value={phone}
              onChange={(e) => setPhone(e.target.value.replace(/\D/g, ''))}
            />
          </label>
          <fieldset className="seg">
            <legend>{t('hotlineType')}</legend>
            {TYPES.map((x, i) => (
              <label key={x} className={type === x ? 'seg-item active' : 'seg-item'}>
                <input type="radio" name="htype" checked={type === x} onChange={() => setType(x)} />
                <kbd>{i + 1}</kbd> {t(`hotline_${x}` as MsgKey)}
              </label>
            ))}
          </fieldset>
          <label>
            {t('areaSearch')}
            <input
              name="area"
              value={area ? `${name(area)} (${area.code})` : areaQuery}
              placeholder={t('areaSearchPlaceholder')}
              onChange={(e) => {
                setArea(null);
                setAreaQuery(e.target.value);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && matches[0]) {
                  e.preventDefault();
                  setArea(matches[0]);
                }
              }}
            />
          </label>
          {matches.length > 0 && (
            <ul className="suggest">
              {matches.map((a) => (
                <li key={a.code}>
                  <button type="button" onClick={() => setArea(a)}>
                    {name(a)} <span className="muted">{a.code}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <label>
            {t('category')}
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('chooseCategory')}</option>
              <CategoryOptions lookups={lookups} withCode />
            </select>
          </label>
          <label>
            {t('description')}
            <textarea name="text" rows={4} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <button className="btn block" type="submit" disabled={!area || text.trim().length < 2}>
            {t('submit')} <kbd>Ctrl+Enter</kbd>
          </button>
          {err && (
            <p className="error" role="alert">
              {err}
            </p>
          )}
          {result && (
            <p className="ok-text" role="status">
              {t('created')}: {result.publicCode}
            </p>
          )}
        </form>
        <section className="card">
          <h2>
            {t('callerCases')} {phone && <span className="muted">{maskPhone(phone)}</span>}
          </h2>
          <CaseList items={previous.data} onSelect={() => undefined} />
        </section>
      </div>
    </div>
  );
}
