import { useEffect, useMemo, useState } from 'react';
import { CategoryOptions } from '../components/CategoryOptions';
import { Link } from '../components/Link';
import { type MapShape, MapView } from '../components/MapView';
import { PhotoPicker } from '../components/PhotoPicker';
import { api, newKey } from '../lib/api';
import { useLoad, useLookups } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { loadAreas, locate, newUploadKey, unionBox, uploadPhotos } from '../lib/report';
import type { Duplicate, IntakeReply } from '../lib/types';

type Pin = { lng: number; lat: number };

/** What residents and grid workers report: events and broken city parts (not hotline requests). */
const REPORT_KINDS = ['event', 'part'] as const;

/** Resident report: pin (or phone location), category, text, photos; "me too" on nearby duplicates. */
export default function Report() {
  const { t, name, lang } = useI18n();
  const lookups = useLookups();
  const districts = useLoad(() => loadAreas('district'), []);
  const [pin, setPin] = useState<Pin | null>(null);
  const [grid, setGrid] = useState<{ code: string; nameZh: string; nameEn: string } | null | undefined>();
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [address, setAddress] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [dups, setDups] = useState<Duplicate[]>([]);
  const [joined, setJoined] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const [locMsg, setLocMsg] = useState('');
  const [done, setDone] = useState<IntakeReply | null>(null);
  // One key per draft: a retry after a lost answer replays instead of filing twice.
  const [key, setKey] = useState(() => newKey('web'));

  const shapes = useMemo<MapShape[]>(
    () =>
      (districts.data ?? []).flatMap((a) =>
        a.geometry ? [{ code: a.code, geometry: a.geometry, fill: '#dfe8f3', label: name(a) }] : [],
      ),
    [districts.data, name],
  );

  useEffect(() => {
    if (!pin) return;
    let live = true;
    void locate(pin.lng, pin.lat).then((g) => live && setGrid(g));
    return () => {
      live = false;
    };
  }, [pin]);

  useEffect(() => {
    if (!pin || (!category && text.trim().length < 2)) return;
    const h = setTimeout(() => {
      api<{ items: Duplicate[] }>('POST', '/api/cases/duplicates', {
        location: pin,
        ...(category ? { categoryCode: category } : {}),
        text,
      }).then(
        (r) => setDups(r.items.slice(0, 3)),
        () => setDups([]),
      );
    }, 400);
    return () => clearTimeout(h);
  }, [pin, category, text]);

  function locateMe() {
    setLocMsg(t('locating'));
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setPin({ lng: p.coords.longitude, lat: p.coords.latitude });
        setLocMsg('');
      },
      () => setLocMsg(t('locationFailed')),
      { enableHighAccuracy: true, timeout: 8000 },
    );
  }

  async function submit() {
    if (!pin) return;
    setBusy(true);
    setErr('');
    try {
      // Anonymous photos belong to this key; the report below presents it to attach them.
      const photoKey = newUploadKey();
      const photoIds = await uploadPhotos(files, 'report', photoKey);
      const r = await api<IntakeReply>('POST', '/api/cases', {
        channel: 'resident',
        idempotencyKey: key,
        location: pin,
        ...(category ? { categoryCode: category } : {}),
        ...(address.trim() ? { address: address.trim() } : {}),
        description: text.trim(),
        ...(photoIds.length ? { photoIds, photoKey } : {}),
      });
      setDone(r);
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  async function meToo(code: string) {
    try {
      await api('POST', `/api/track/${code}/join`, {});
      setJoined(code);
    } catch (e) {
      setErr((e as Error).message);
    }
  }

  if (done) {
    return (
      <div className="narrow">
        <section className="card success" aria-live="polite">
          <div className="big-icon">✅</div>
          <h1>{t('reportedOk')}</h1>
          <p>{t('yourCode')}</p>
          <p className="code" data-testid="public-code">
            {done.publicCode}
          </p>
          <p className="muted">{t('keepCode')}</p>
          <div className="buttons">
            <Link to={`/track/${done.publicCode}`} className="btn">
              {t('trackIt')}
            </Link>
            <button
              type="button"
              className="btn secondary"
              onClick={() => {
                setDone(null);
                setText('');
                setFiles([]);
                setKey(newKey('web'));
              }}
            >
              {t('reportAnother')}
            </button>
          </div>
        </section>
      </div>
    );
  }

  return (
    <div className="report-page">
      <h1 className="page-title">{t('reportTitle')}</h1>
      <section className="step" aria-labelledby="s1">
        <h2 id="s1">
          <span className="step-no">1</span>
          {t('reportStep1')}
        </h2>
        <p className="muted">{t('pinHint')}</p>
        <MapView
          className="map map-report"
          label={t('pinHint')}
          shapes={shapes}
          points={pin ? [{ id: 'pin', ...pin, color: '#e0452b', radius: 10 }] : []}
          bbox={districts.data?.length ? unionBox(districts.data.map((d) => d.bbox)) : undefined}
          onMapClick={(lng, lat) => setPin({ lng, lat })}
        />
        <div className="row">
          <button type="button" className="btn secondary" onClick={locateMe}>
            📍 {t('useMyLocation')}
          </button>
          <span className="muted" aria-live="polite">
            {locMsg ||
              (pin &&
                (grid === null
                  ? t('outsideCity')
                  : grid
                    ? `${t('gridOf')}: ${lang === 'en' ? grid.nameEn : grid.nameZh} (${grid.code})`
                    : `${t('pinnedAt')} ${pin.lat.toFixed(5)}, ${pin.lng.toFixed(5)}`))}
          </span>
        </div>
        <label>
          {t('address')}
          <input
            name="address"
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            maxLength={300}
          />
        </label>
      </section>
      <section className="step" aria-labelledby="s2">
        <h2 id="s2">
          <span className="step-no">2</span>
          {t('reportStep2')}
        </h2>
        <label>
          {t('category')}
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('chooseCategory')}</option>
            <CategoryOptions lookups={lookups} kinds={REPORT_KINDS} />
          </select>
        </label>
        <label>
          {t('description')}
          <textarea
            name="description"
            rows={3}
            value={text}
            maxLength={2000}
            placeholder={t('descriptionPlaceholder')}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        {dups.length > 0 && (
          <div className="dups" aria-live="polite">
            <strong>{t('nearbyTitle')}</strong>
            <p className="muted">{t('nearbyText')}</p>
            <ul>
              {dups.map((d) => (
                <li key={d.id}>
                  <span>
                    {d.description}{' '}
                    <span className="muted">
                      · {Math.round(d.distanceM)} {t('distanceM')}
                    </span>
                  </span>
                  {joined === d.publicCode ? (
                    <span className="ok-text">{t('meTooDone')}</span>
                  ) : (
                    <button type="button" className="btn small" onClick={() => void meToo(d.publicCode)}>
                      🙋 {t('meToo')}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          </div>
        )}
      </section>
      <section className="step" aria-labelledby="s3">
        <h2 id="s3">
          <span className="step-no">3</span>
          {t('reportStep3')}
        </h2>
        <PhotoPicker files={files} onChange={setFiles} />
      </section>
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
      <div className="sticky-submit">
        <button
          type="button"
          className="btn big block"
          disabled={busy || !pin || grid === null || text.trim().length < 2}
          onClick={() => void submit()}
        >
          {busy ? t('submitting') : t('submit')}
        </button>
      </div>
    </div>
  );
}
