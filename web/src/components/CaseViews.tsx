import { type ReactNode, useCallback, useRef, useState } from 'react';
import { api, RetryKey } from '../lib/api';
import { fmtTime, useLoad, useLookups } from '../lib/data';
import { type MsgKey, useI18n } from '../lib/i18n';
import { uploadPhotos } from '../lib/report';
import type { CaseDetail, CaseItem } from '../lib/types';
import { CategoryOptions } from './CategoryOptions';
import { PhotoPicker } from './PhotoPicker';

/** A coloured badge for a case state. */
export function StateBadge({ state }: { state: string }) {
  const { tx } = useI18n();
  return <span className={`badge state-${state}`}>{tx('state', state)}</span>;
}

/** A badge for the deadline status (nothing when on time). */
export function DeadlineBadge({ status }: { status: string }) {
  const { t } = useI18n();
  if (status === 'overdue') return <span className="badge overdue">{t('overdue')}</span>;
  if (status === 'due_soon') return <span className="badge due-soon">{t('due_soon')}</span>;
  return null;
}

/** The category name of a code, in the current language. */
export function useCategoryName(): (code: string | null) => string {
  const lookups = useLookups();
  const { name } = useI18n();
  return useCallback(
    (code: string | null) => {
      if (!code) return '—';
      const c = lookups?.categories.find((x) => x.code === code);
      return c ? name(c) : code;
    },
    [lookups, name],
  );
}

/** What a case is about: its category, else its 12345 request type. */
export function useCaseTitle(): (c: Pick<CaseItem, 'categoryCode' | 'hotlineType'>) => string {
  const cat = useCategoryName();
  const { tx } = useI18n();
  return (c) => (c.categoryCode || !c.hotlineType ? cat(c.categoryCode) : tx('hotline', c.hotlineType));
}

/** The department name of a code, in the current language. */
export function useDeptName(): (code: string | null) => string {
  const lookups = useLookups();
  const { name } = useI18n();
  return (code) => {
    if (!code) return '—';
    const d = lookups?.departments.find((x) => x.code === code);
    return d ? name(d) : code;
  };
}

/** A list of cases as cards; selecting one opens it. */
export function CaseList({
  items,
  selected,
  onSelect,
  empty,
}: {
  items: CaseItem[] | undefined;
  selected?: number | undefined;
  onSelect: (id: number) => void;
  empty?: string;
}) {
  const { t, tx } = useI18n();
  const title = useCaseTitle();
  if (!items) return <p className="muted">{t('loading')}</p>;
  if (items.length === 0) return <p className="empty">{empty ?? t('noItems')}</p>;
  return (
    <ul className="case-list">
      {items.map((c) => (
        <li key={c.id}>
          <button
            type="button"
            className={`case-card${selected === c.id ? ' selected' : ''}`}
            onClick={() => onSelect(c.id)}
            data-code={c.publicCode}
          >
            <span className="case-card-top">
              <strong>{title(c)}</strong>
              <span className="badges">
                {c.urgent && <span className="badge urgent">{t('urgent')}</span>}
                <DeadlineBadge status={c.deadlineStatus} />
                <StateBadge state={c.state} />
              </span>
            </span>
            <span className="case-card-text">{c.description}</span>
            <span className="case-card-meta">
              {c.publicCode} · {tx('channel', c.channel)} · {fmtTime(c.reportedAt)}
              {c.deadline ? ` · ${t('deadline')} ${fmtTime(c.deadline)}` : ''}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Body fields an action form collects. */
export interface ActionInput {
  note: string;
  departments: string[];
  minutes: number;
  categoryCode: string;
}

/** The JSON body of an action, built from the form (only the fields that action takes). */
export function actionBody(action: string, f: ActionInput, c: CaseItem): Record<string, unknown> {
  const note = f.note.trim();
  switch (action) {
    case 'file':
      return {
        ...(f.categoryCode && f.categoryCode !== c.categoryCode ? { categoryCode: f.categoryCode } : {}),
        ...(note ? { note } : {}),
      };
    case 'dispatch':
      return { ...(f.departments.length ? { departments: f.departments } : {}), ...(note ? { note } : {}) };
    case 'whistle':
      return { departments: f.departments, note: note || '吹哨报到' };
    case 'request_extension':
      return { minutes: f.minutes, note: note || '-' };
    case 'accept':
    case 'approve_extension':
    case 'deny_extension':
    case 'verify_pass':
    case 'resume':
      return note ? { note } : {};
    default:
      return { note: note || '-' };
  }
}

/** Actions that take photos (uploaded with this purpose, then sent as photoIds). */
const PHOTO_ACTIONS: Record<string, 'report_back' | 'verify'> = {
  report_back: 'report_back',
  verify_pass: 'verify',
};

/** The detail of one case with its history and the action buttons the caller may use. */
export function CasePanel({
  id,
  only,
  onChanged,
  extra,
}: {
  id: number;
  /** Show only these actions (in this order); all allowed ones otherwise. */
  only?: readonly string[];
  onChanged?: () => void;
  extra?: ReactNode;
}) {
  const { t, tx } = useI18n();
  const title = useCaseTitle();
  const dept = useDeptName();
  const lookups = useLookups();
  const detail = useLoad(() => api<CaseDetail>('GET', `/api/cases/${id}`), [id]);
  const [form, setForm] = useState<ActionInput>({
    note: '',
    departments: [],
    minutes: 480,
    categoryCode: '',
  });
  const [files, setFiles] = useState<File[]>([]);
  // Photos already uploaded, so a retry after a failed action sends the same ids.
  const uploaded = useRef(new WeakMap<File, { purpose: string; id: number }>());
  const actionKey = useRef(new RetryKey('act'));
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState('');
  const d = detail.data;
  if (!d) return <div className="panel">{detail.error ? detail.error.message : t('loading')}</div>;
  const c = d.case;
  const suggestedDept =
    c.departmentCode ?? lookups?.categories.find((x) => x.code === c.categoryCode)?.departmentCode ?? '';
  const actions = only ? only.filter((a) => d.actions.includes(a)) : d.actions;
  const needsDepts = actions.includes('dispatch') || actions.includes('whistle');
  const depts = form.departments.length ? form.departments : suggestedDept ? [suggestedDept] : [];

  async function act(action: string) {
    setBusy(true);
    setErr('');
    try {
      const purpose = PHOTO_ACTIONS[action];
      const photoIds: number[] = [];
      if (purpose) {
        for (const f of files) {
          const known = uploaded.current.get(f);
          const pid = known && known.purpose === purpose ? known.id : (await uploadPhotos([f], purpose))[0];
          if (pid === undefined) continue;
          uploaded.current.set(f, { purpose, id: pid });
          photoIds.push(pid);
        }
      }
      const url = `/api/cases/${id}/${action.replace(/_/g, '-')}`;
      const body = {
        ...actionBody(action, { ...form, departments: depts }, c),
        ...(photoIds.length ? { photoIds } : {}),
      };
      // A retry after a lost answer reuses the key: the server applies the action once.
      await actionKey.current.send(url + JSON.stringify(body), (key) =>
        api('POST', url, body, { headers: { 'idempotency-key': key } }),
      );
      setForm({ note: '', departments: [], minutes: 480, categoryCode: '' });
      setFiles([]);
      detail.reload();
      onChanged?.();
    } catch (e) {
      setErr((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel case-panel" aria-label={t('details')}>
      <header className="panel-head">
        <div>
          <h2>{title(c)}</h2>
          <p className="muted">
            {c.publicCode} · {t('grid')} {c.gridCode}
          </p>
        </div>
        <span className="badges">
          <DeadlineBadge status={c.deadlineStatus} />
          <StateBadge state={c.state} />
        </span>
      </header>
      <p className="case-text">{c.description}</p>
      <dl className="facts">
        <dt>{t('channel')}</dt>
        <dd>{tx('channel', c.channel)}</dd>
        {c.address && (
          <>
            <dt>{t('placeChosen')}</dt>
            <dd>{c.address}</dd>
          </>
        )}
        <dt>{t('reportedAt')}</dt>
        <dd>{fmtTime(c.reportedAt)}</dd>
        <dt>{t('deadline')}</dt>
        <dd>{fmtTime(c.deadline)}</dd>
        <dt>{t('department')}</dt>
        <dd>{c.tasks.length ? c.tasks.map((x) => dept(x.department)).join('、') : dept(c.departmentCode)}</dd>
        <dt>{t('reporters')}</dt>
        <dd>
          {d.reporters}
          {c.reporterPhone ? ` · ${c.reporterPhone}` : ''}
        </dd>
      </dl>
      {d.photos.length > 0 && (
        <div className="photo-groups">
          {(['report', 'report_back', 'verify'] as const).map((purpose) => {
            const ps = d.photos.filter((p) => p.purpose === purpose);
            if (!ps.length) return null;
            const label = t(`photo_${purpose}` as MsgKey);
            return (
              <figure key={purpose} className="photos" data-purpose={purpose}>
                <figcaption className="muted small">{label}</figcaption>
                {ps.map((p) => (
                  <img key={p.id} src={`/api/photos/${p.id}`} alt={`${label} ${p.id}`} loading="lazy" />
                ))}
              </figure>
            );
          })}
        </div>
      )}
      {extra}
      {actions.length > 0 && (
        <div className="action-form">
          {actions.includes('file') && (
            <label>
              {t('category')}
              <select
                value={form.categoryCode || c.categoryCode || ''}
                onChange={(e) => setForm({ ...form, categoryCode: e.target.value })}
              >
                {!c.categoryCode && <option value="">{t('chooseCategory')}</option>}
                <CategoryOptions lookups={lookups} withCode />
              </select>
            </label>
          )}
          {needsDepts && (
            <label>
              {t('department')}{' '}
              <span className="muted">
                ({t('suggested')}: {dept(suggestedDept)})
              </span>
              <select
                multiple
                size={4}
                value={depts}
                onChange={(e) =>
                  setForm({ ...form, departments: [...e.target.selectedOptions].map((o) => o.value) })
                }
              >
                {lookups?.departments.map((x) => (
                  <option key={x.code} value={x.code}>
                    {dept(x.code)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {actions.includes('request_extension') && (
            <label>
              {t('extensionMinutes')}
              <input
                type="number"
                min={1}
                value={form.minutes}
                onChange={(e) => setForm({ ...form, minutes: Number(e.target.value) })}
              />
            </label>
          )}
          {actions.some((a) => PHOTO_ACTIONS[a]) && (
            <div className="action-photos">
              <span className="muted small">
                {actions
                  .filter((a) => PHOTO_ACTIONS[a])
                  .map((a) => tx('action', a))
                  .join(' / ')}{' '}
                · {t('photos')}
              </span>
              <PhotoPicker files={files} onChange={setFiles} />
            </div>
          )}
          <label>
            {t('note')}
            <textarea
              rows={2}
              value={form.note}
              placeholder={t('notePlaceholder')}
              onChange={(e) => setForm({ ...form, note: e.target.value })}
            />
          </label>
          <div className="buttons">
            {actions.map((a) => (
              <button
                key={a}
                type="button"
                disabled={busy}
                className={/reject|fail|void|return|deny/.test(a) ? 'btn secondary' : 'btn'}
                onClick={() => void act(a)}
                data-action={a}
              >
                {tx('action', a)}
              </button>
            ))}
          </div>
          {err && (
            <p className="error" role="alert">
              {err}
            </p>
          )}
        </div>
      )}
      <h3>{t('history')}</h3>
      <ol className="timeline">
        {d.events.map((e) => (
          <li key={e.id}>
            <time>{fmtTime(e.at)}</time> <strong>{tx('action', e.action)}</strong>{' '}
            <span className="muted actor" data-role={e.actorRole}>
              {tx('actorRole', e.actorRole)}
              {e.actorName ? ` · ${e.actorName}` : ''}
              {e.departmentCode ? ` · ${dept(e.departmentCode)}` : ''}
            </span>
            {e.note && <div className="note">{e.note}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
