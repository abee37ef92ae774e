import { useEffect, useMemo, useRef, useState } from 'react';
import { CaseList, CasePanel } from '../components/CaseViews';
import { CategoryOptions } from '../components/CategoryOptions';
import { type MapShape, MapView } from '../components/MapView';
import { api, newKey, qs } from '../lib/api';
import { useLoad, useLookups } from '../lib/data';
import { type MsgKey, useI18n } from '../lib/i18n';
import { type Location, loadAreas, locatePoint, unionBox } from '../lib/report';
import type { Area, CaseItem, IntakeReply } from '../lib/types';

const TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'] as const;
/** What GET /api/cases?callerPhone= accepts. */
const PHONE_RE = /^[0-9]{5,15}$/;

function maskPhone(p: string): string {
  return p.length >= 7 ? `${p.slice(0, 3)}****${p.slice(-4)}` : p;
}

/** A value that follows `v` once it has stopped changing for `ms`. */
function useDebounced<T>(v: T, ms: number): T {
  const [d, setD] = useState(v);
  useEffect(() => {
    const h = setTimeout(() => setD(v), ms);
    return () => clearTimeout(h);
  }, [v, ms]);
  return d;
}

/**
 * 12345 operator: keyboard-first intake (Alt+1…5 type, Ctrl+Enter submit, Esc clear). The
 * caller's number is masked on screen and finds their earlier cases (matched on the server by
 * the keyed hash of reporters' phones). The place is a street or community found by name
 * (Enter takes the first match), refined by a click on the map (located to its grid).
 */
export default function Hotline() {
  const { t, name } = useI18n();
  const lookups = useLookups();
  // No address search in the API yet: streets and communities by name, then a point on the map.
  const places = useLoad(
    () =>
      Promise.all([
        loadAreas('street', undefined, false, 5000),
        loadAreas('community', undefined, false, 5000),
      ]).then(([s, c]) => [...s, ...c]),
    [],
  );
  const districts = useLoad(() => loadAreas('district'), []);
  const [phone, setPhone] = useState('');
  const [phoneFocused, setPhoneFocused] = useState(true);
  const [type, setType] = useState<(typeof TYPES)[number]>('complaint');
  const [areaQuery, setAreaQuery] = useState('');
  const [area, setArea] = useState<Area | null>(null);
  const [pin, setPin] = useState<{ lng: number; lat: number } | null>(null);
  const [located, setLocated] = useState<Location | null | undefined>();
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<IntakeReply | null>(null);
  const [err, setErr] = useState('');
  const [selected, setSelected] = useState<number | undefined>();
  const phoneRef = useRef<HTMLInputElement>(null);

  const byCode = useMemo(() => new Map((places.data ?? []).map((a) => [a.code, a])), [places.data]);
  const matches = useMemo(() => {
    const q = areaQuery.trim().toLowerCase();
    if (!q || area) return [];
    return (places.data ?? [])
      .filter((a) => a.nameZh.includes(q) || a.nameEn.toLowerCase().includes(q) || a.code.startsWith(q))
      .slice(0, 8);
  }, [areaQuery, area, places.data]);
  const areaDetail = useLoad(
    () => (area ? api<Area>('GET', `/api/areas/${area.code}`) : Promise.resolve(undefined)),
    [area?.code],
  );

  const caller = useDebounced(phone, 250);
  // Bumped by each intake so the caller's list shows the new case at once.
  const [filed, setFiled] = useState(0);
  const previous = useLoad(
    () =>
      PHONE_RE.test(caller)
        ? api<{ items: CaseItem[]; total: number }>(
            'GET',
            `/api/cases${qs({ callerPhone: caller, limit: 10 })}`,
          )
        : Promise.resolve({ items: [], total: 0 }),
    [caller, filed],
  );

  useEffect(() => {
    if (!pin) return;
    let live = true;
    setLocated(undefined);
    void locatePoint(pin.lng, pin.lat).then((l) => live && setLocated(l));
    return () => {
      live = false;
    };
  }, [pin]);

  const shapes = useMemo<MapShape[]>(() => {
    const base = (districts.data ?? []).flatMap((d) =>
      d.geometry ? [{ code: d.code, geometry: d.geometry, fill: '#e6edf5', label: name(d), weight: 1 }] : [],
    );
    const g = areaDetail.data?.geometry;
    return g && area
      ? [...base, { code: area.code, geometry: g, fill: '#ffd98a', label: name(area), weight: 2 }]
      : base;
  }, [districts.data, areaDetail.data, area, name]);

  /** Where the case is: the located pin, else the chosen area's centre. */
  const place = pin && located ? { location: pin, label: placeLabel(located) } : null;
  const where =
    place ?? (area ? { location: areaDetail.data?.center ?? area.center, label: areaLabel(area) } : null);

  function placeLabel(l: Location): string {
    return [...l.ancestors.filter((a) => a.level !== 'city'), l.grid].map((a) => name(a)).join(' · ');
  }
  function areaLabel(a: Area): string {
    const parent = a.parentCode ? byCode.get(a.parentCode) : undefined;
    return parent ? `${name(parent)} · ${name(a)}` : name(a);
  }

  function clear() {
    setPhone('');
    setText('');
    setArea(null);
    setAreaQuery('');
    setPin(null);
    setLocated(undefined);
    setCategory('');
    setErr('');
    setSelected(undefined);
    phoneRef.current?.focus();
  }

  async function submit() {
    if (!where || text.trim().length < 2) return;
    setErr('');
    try {
      const r = await api<IntakeReply>('POST', '/api/cases', {
        channel: 'hotline',
        idempotencyKey: newKey('hotline'),
        hotlineType: type,
        location: where.location,
        address: where.label.slice(0, 300),
        ...(category ? { categoryCode: category } : {}),
        description: text.trim(),
        ...(phone ? { reporter: { phone } } : {}),
      });
      setResult(r);
      setFiled((n) => n + 1);
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

  const prev = previous.data;
  return (
    <div className="hotline">
      <h1 className="page-title">{t('hotlineTitle')}</h1>
      <p className="kbd-hint">⌨ {t('keyboardHint')}</p>
      <div className="hotline-grid">
        <form
          className="card"
          aria-labelledby="h-intake"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <h2 id="h-intake" className="sr-only">
            {t('hotlineTitle')}
          </h2>
          <label>
            {t('callerPhone')}
            <input
              ref={phoneRef}
              name="caller"
              inputMode="tel"
              autoComplete="off"
              maxLength={15}
              value={phoneFocused ? phone : maskPhone(phone)}
              onFocus={() => setPhoneFocused(true)}
              onBlur={() => setPhoneFocused(false)}
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
              role="combobox"
              aria-expanded={matches.length > 0}
              aria-controls="area-suggest"
              aria-autocomplete="list"
              autoComplete="off"
              value={area ? `${areaLabel(area)} (${area.code})` : areaQuery}
              placeholder={t('areaSearchPlaceholder')}
              onChange={(e) => {
                setArea(null);
                setPin(null);
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
            <ul className="suggest" id="area-suggest">
              {matches.map((a) => (
                <li key={a.code}>
                  <button type="button" onClick={() => setArea(a)}>
                    {areaLabel(a)} <span className="muted">{a.code}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <MapView
            className="map map-small"
            label={t('hotlineMapHint')}
            shapes={shapes}
            points={pin ? [{ id: 'pin', ...pin, color: '#e0452b', radius: 9 }] : []}
            bbox={
              areaDetail.data?.bbox ??
              (districts.data?.length ? unionBox(districts.data.map((d) => d.bbox)) : undefined)
            }
            onMapClick={(lng, lat) => setPin({ lng, lat })}
          />
          <p className="muted small" aria-live="polite" data-testid="hotline-place">
            {pin && located === null
              ? t('outsideCity')
              : where
                ? `${t('placeChosen')}: ${where.label}`
                : t('hotlineMapHint')}
          </p>
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
          <button className="btn block" type="submit" disabled={!where || text.trim().length < 2}>
            {t('submit')} <kbd>Ctrl+Enter</kbd>
          </button>
          {err && (
            <p className="error" role="alert">
              {err}
            </p>
          )}
          {result && (
            <p className="ok-text" role="status" data-testid="hotline-created">
              {t('created')}: {result.publicCode}
            </p>
          )}
        </form>
        <section className="card" aria-labelledby="h-prev">
          <h2 id="h-prev">
            {t('callerCases')}{' '}
            {PHONE_RE.test(caller) && (
              <span className="muted">
                {maskPhone(caller)} · {t('total')} {prev?.total ?? '…'}
              </span>
            )}
          </h2>
          {PHONE_RE.test(caller) ? (
            <CaseList
              items={prev?.items}
              selected={selected}
              onSelect={setSelected}
              empty={t('callerNoCases')}
            />
          ) : (
            <p className="empty">{t('callerTypePhone')}</p>
          )}
          {selected && prev?.items.some((c) => c.id === selected) && (
            <CasePanel key={selected} id={selected} only={[]} />
          )}
        </section>
      </div>
    </div>
  );
}
