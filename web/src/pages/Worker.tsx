import { useCallback, useEffect, useMemo, useState } from 'react';
import { CaseList, CasePanel } from '../components/CaseViews';
import { CategoryOptions } from '../components/CategoryOptions';
import { MapView } from '../components/MapView';
import { PhotoPicker } from '../components/PhotoPicker';
import { api, newKey, qs } from '../lib/api';
import { fmtTime, useLoad, useLookups } from '../lib/data';
import { useI18n } from '../lib/i18n';
import {
  discard,
  enqueue,
  listQueue,
  onQueueChange,
  type QueuedAction,
  retry,
  sync,
} from '../lib/offline-queue';
import { useSession } from '../lib/session';
import type { Area, CaseItem } from '../lib/types';

/** What a patrol reports: events and broken city parts. */
const PATROL_KINDS = ['event', 'part'] as const;

/** Whether the browser believes it is online, live. */
function useOnline(): boolean {
  const [on, setOn] = useState(navigator.onLine);
  useEffect(() => {
    const up = () => setOn(true);
    const down = () => setOn(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return on;
}

/** Grid worker PWA: my grids, tasks by deadline, patrol report and verification, offline-first. */
export default function Worker() {
  const { t, name } = useI18n();
  const { user } = useSession();
  const lookups = useLookups();
  const online = useOnline();
  const gridCodes = useMemo(
    () =>
      (user?.grants ?? [])
        .filter((g) => g.role === 'grid_worker' && g.areaCode)
        .map((g) => g.areaCode as string),
    [user],
  );
  const grids = useLoad(
    () => Promise.all(gridCodes.map((c) => api<Area>('GET', `/api/areas/${c}`))),
    [gridCodes.join()],
  );
  const tasks = useLoad(async () => {
    const lists = await Promise.all(
      gridCodes.map((c) =>
        api<{ items: CaseItem[] }>(
          'GET',
          `/api/cases${qs({ within: c, state: ['reported_back'], limit: 50 })}`,
        ),
      ),
    );
    return lists.flatMap((l) => l.items).sort((a, b) => (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
  }, [gridCodes.join()]);
  const [queue, setQueue] = useState<QueuedAction[]>([]);
  const refreshQueue = useCallback(() => void listQueue().then(setQueue), []);
  useEffect(() => {
    refreshQueue();
    return onQueueChange(refreshQueue);
  }, [refreshQueue]);
  const syncNow = useCallback(() => {
    void sync().then((n) => {
      if (n > 0) tasks.reload();
    });
  }, [tasks.reload]);
  useEffect(() => {
    if (online) syncNow();
  }, [online, syncNow]);
  // Items held back by a server fault or throttling are retried while online.
  const waiting = queue.some((q) => !q.error);
  useEffect(() => {
    if (!online || !waiting) return;
    const h = setInterval(syncNow, 20_000);
    return () => clearInterval(h);
  }, [online, waiting, syncNow]);

  const [selected, setSelected] = useState<number | undefined>();
  const grid = grids.data?.[0];
  const [pin, setPin] = useState<{ lng: number; lat: number } | null>(null);
  const [category, setCategory] = useState('');
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [msg, setMsg] = useState('');
  const where = pin ?? grid?.center ?? null;
  // The server refuses a patrol report without a photo in these categories.
  const needsPhoto = !!lookups?.categories.find((c) => c.code === category)?.photoRequired && !files.length;

  async function patrol() {
    if (!where) return;
    const key = newKey('patrol');
    await enqueue({
      key,
      kind: 'report',
      body: {
        channel: 'patrol',
        location: where,
        ...(category ? { categoryCode: category } : {}),
        description: text.trim(),
      },
      photos: files,
      label: text.trim().slice(0, 40),
      createdAt: Date.now(),
    });
    setText('');
    setFiles([]);
    setMsg(navigator.onLine ? '' : t('queuedOk'));
    if (navigator.onLine) syncNow();
  }

  const [verifyNote, setVerifyNote] = useState('');
  const [verifyFiles, setVerifyFiles] = useState<File[]>([]);

  /** Queues a verification; a pass carries the photos (verify_fail takes only a note). */
  async function verify(c: CaseItem, pass: boolean) {
    const note = verifyNote.trim();
    await enqueue({
      key: newKey('verify'),
      kind: pass ? 'verify_pass' : 'verify_fail',
      caseId: c.id,
      body: pass ? (note ? { note } : {}) : { note: note || '-' },
      photos: pass ? verifyFiles : [],
      label: `${pass ? t('verifyPass') : t('verifyFail')} ${c.publicCode}`,
      createdAt: Date.now(),
    });
    setVerifyNote('');
    setVerifyFiles([]);
    if (navigator.onLine) syncNow();
  }

  const pending = queue.filter((q) => !q.error);
  const queuedCases = new Set(queue.map((q) => q.caseId));
  return (
    <div className="worker">
      <div className={`status-bar ${online ? 'on' : 'off'}`} role="status" aria-live="polite">
        <span>{online ? `● ${t('online')}` : `○ ${t('offline')}`}</span>
        <span data-testid="pending-count">
          {pending.length
            ? `${t('pending')}: ${pending.length}`
            : queue.length
              ? `${t('failed')}: ${queue.length}`
              : t('pendingNone')}
        </span>
        {online && pending.length > 0 && (
          <button type="button" className="btn small" onClick={syncNow}>
            {t('syncNow')}
          </button>
        )}
      </div>
      {queue.length > 0 && (
        <ul className="queue" aria-label={t('pending')}>
          {queue.map((q) => (
            <li key={q.key} className={q.error ? 'failed' : ''}>
              <span>
                {q.error ? '⚠' : '⏳'} {q.label}
              </span>
              <span className="muted">{q.error ?? fmtTime(new Date(q.createdAt).toISOString())}</span>
              {q.error && (
                <span className="queue-actions">
                  <button type="button" className="btn small" onClick={() => void retry(q).then(syncNow)}>
                    {t('retry')}
                  </button>
                  <button type="button" className="btn small secondary" onClick={() => void discard(q.key)}>
                    {t('discard')}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="worker-grid">
        <section className="card" aria-labelledby="w-patrol">
          <h2 id="w-patrol">{t('patrol')}</h2>
          <MapView
            className="map map-small"
            label={t('pinHint')}
            shapes={(grids.data ?? []).flatMap((g) =>
              g.geometry
                ? [{ code: g.code, geometry: g.geometry, fill: '#d8ecff', label: name(g), weight: 2 }]
                : [],
            )}
            points={where ? [{ id: 'pin', ...where, color: '#e0452b', radius: 9 }] : []}
            bbox={grid?.bbox}
            onMapClick={(lng, lat) => setPin({ lng, lat })}
          />
          <label>
            {t('category')}
            <select name="patrol-category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">{t('chooseCategory')}</option>
              <CategoryOptions lookups={lookups} kinds={PATROL_KINDS} />
            </select>
          </label>
          <label>
            {t('description')}
            <textarea name="patrol-text" rows={2} value={text} onChange={(e) => setText(e.target.value)} />
          </label>
          <PhotoPicker files={files} onChange={setFiles} />
          <button
            type="button"
            className="btn block"
            disabled={!where || !category || needsPhoto || text.trim().length < 2}
            onClick={() => void patrol()}
          >
            {t('patrolSubmit')}
          </button>
          {needsPhoto && <p className="muted small">{t('photoRequired')}</p>}
          {msg && <p className="ok-text">{msg}</p>}
        </section>
        <section className="card" aria-labelledby="w-tasks">
          <h2 id="w-tasks">
            {t('myTasks')} <span className="count">{tasks.data?.length ?? 0}</span>
          </h2>
          <p className="muted small">
            {t('myGrids')}: {(grids.data ?? []).map((g) => `${name(g)} ${g.code}`).join('、') || '—'}
          </p>
          <CaseList items={tasks.data} selected={selected} onSelect={setSelected} />
          {selected &&
            tasks.data
              ?.filter((c) => c.id === selected)
              .map((c) => (
                <div key={c.id} className="verify-form">
                  <label>
                    {t('note')}
                    <textarea
                      name="verify-note"
                      rows={2}
                      value={verifyNote}
                      placeholder={t('notePlaceholder')}
                      onChange={(e) => setVerifyNote(e.target.value)}
                    />
                  </label>
                  <PhotoPicker files={verifyFiles} onChange={setVerifyFiles} />
                  <p className="muted small">{t('verifyPhotoHint')}</p>
                  <div className="buttons">
                    <button
                      type="button"
                      className="btn"
                      disabled={queuedCases.has(c.id)}
                      onClick={() => void verify(c, true)}
                    >
                      ✅ {t('verifyPass')}
                    </button>
                    <button
                      type="button"
                      className="btn secondary"
                      disabled={queuedCases.has(c.id)}
                      onClick={() => void verify(c, false)}
                    >
                      ↩ {t('verifyFail')}
                    </button>
                  </div>
                </div>
              ))}
          {selected && online && <CasePanel id={selected} only={[]} />}
        </section>
      </div>
    </div>
  );
}
