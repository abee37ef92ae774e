import { type FormEvent, useMemo, useState } from 'react';
import { useDeptName } from '../components/CaseViews';
import { CategoryOptions } from '../components/CategoryOptions';
import { api } from '../lib/api';
import { fmtTime, useLoad, useLookups } from '../lib/data';
import { type MsgKey, useI18n } from '../lib/i18n';
import { loadAreas } from '../lib/report';
import type { Area, User } from '../lib/types';

/** A routing rule of GET /api/admin/routing-rules. */
interface RoutingRule {
  id: number;
  categoryCode: string | null;
  areaCode: string | null;
  departmentCode: string;
  note: string;
  createdBy: string;
  createdAt: string;
}

/** The working calendar of GET /api/calendar. */
interface Calendar {
  periods: Array<{ start: string; end: string }>;
  workWeekdays: number[];
  exceptions: Array<{ date: string; kind: string; label?: string }>;
}

const AREA_CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;
const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** An error message line under a form. */
function ErrorLine({ text }: { text: string }) {
  return text ? (
    <p className="error" role="alert">
      {text}
    </p>
  ) : null;
}

/** Routing rules: category × area → department; add one, deactivate one (two clicks). */
function RoutingRules() {
  const { t, name } = useI18n();
  const lookups = useLookups();
  const dept = useDeptName();
  const rules = useLoad(() => api<{ items: RoutingRule[] }>('GET', '/api/admin/routing-rules'), []);
  const areas = useLoad(
    () =>
      Promise.all(
        (['district', 'street', 'community'] as const).map((l) => loadAreas(l, undefined, false, 5000)),
      ).then((xs) => xs.flat()),
    [],
  );
  const areaByCode = useMemo(() => new Map((areas.data ?? []).map((a) => [a.code, a])), [areas.data]);
  const [category, setCategory] = useState('');
  const [area, setArea] = useState('');
  const [department, setDepartment] = useState('');
  const [note, setNote] = useState('');
  const [err, setErr] = useState('');
  const [confirming, setConfirming] = useState<number | null>(null);
  const cat = (code: string | null) => {
    if (!code) return t('anyCategory');
    const c = lookups?.categories.find((x) => x.code === code);
    return c ? `${code} ${name(c)}` : code;
  };
  const areaName = (code: string | null) => {
    if (!code) return t('anyArea');
    const a = areaByCode.get(code);
    return a ? `${name(a)} ${code}` : code;
  };

  async function add(e: FormEvent) {
    e.preventDefault();
    setErr('');
    if (area && !AREA_CODE.test(area)) {
      setErr(t('areaCodeInvalid'));
      return;
    }
    try {
      await api('POST', '/api/admin/routing-rules', {
        categoryCode: category || null,
        areaCode: area || null,
        departmentCode: department,
        note: note.trim(),
      });
      setCategory('');
      setArea('');
      setNote('');
      rules.reload();
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  async function remove(id: number) {
    setErr('');
    try {
      await api('DELETE', `/api/admin/routing-rules/${id}`);
      setConfirming(null);
      rules.reload();
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  return (
    <section className="card wide" aria-labelledby="a-routing">
      <h2 id="a-routing">{t('routingRules')}</h2>
      <p className="muted small">{t('routingHint')}</p>
      <form className="inline-form" onSubmit={(e) => void add(e)} aria-label={t('addRule')}>
        <label>
          {t('category')}
          <select name="rule-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('anyCategory')}</option>
            <CategoryOptions lookups={lookups} withCode />
          </select>
        </label>
        <label>
          {t('area')}
          <input
            name="rule-area"
            list="rule-areas"
            inputMode="numeric"
            autoComplete="off"
            placeholder={t('anyArea')}
            value={area}
            onChange={(e) => setArea(e.target.value.trim())}
          />
          <datalist id="rule-areas">
            {(areas.data ?? []).map((a: Area) => (
              <option key={a.code} value={a.code}>
                {name(a)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('department')}
          <select
            name="rule-department"
            required
            value={department}
            onChange={(e) => setDepartment(e.target.value)}
          >
            <option value="">{t('chooseDepartment')}</option>
            {lookups?.departments.map((d) => (
              <option key={d.code} value={d.code}>
                {name(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('remark')}
          <input name="rule-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" className="btn" disabled={!department || (!category && !area)}>
          {t('addRule')}
        </button>
      </form>
      <ErrorLine text={err} />
      <div className="scroll">
        <table className="table" data-testid="routing-rules">
          <thead>
            <tr>
              <th scope="col">{t('category')}</th>
              <th scope="col">{t('area')}</th>
              <th scope="col">{t('department')}</th>
              <th scope="col">{t('remark')}</th>
              <th scope="col">{t('createdBy')}</th>
              <th scope="col">
                <span className="sr-only">{t('actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data?.items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('noRules')}
                </td>
              </tr>
            )}
            {rules.data?.items.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <td>{cat(r.categoryCode)}</td>
                <td>{areaName(r.areaCode)}</td>
                <td>{dept(r.departmentCode)}</td>
                <td className="muted">{r.note || '—'}</td>
                <td className="muted small">
                  {r.createdBy} · {fmtTime(r.createdAt)}
                </td>
                <td>
                  {confirming === r.id ? (
                    <span className="row-actions">
                      <button type="button" className="btn small danger" onClick={() => void remove(r.id)}>
                        {t('confirmDeactivate')}
                      </button>
                      <button
                        type="button"
                        className="btn small secondary"
                        onClick={() => setConfirming(null)}
                      >
                        {t('cancel')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn small secondary" onClick={() => setConfirming(r.id)}>
                      {t('deactivate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The working calendar: periods and weekdays (saved together), holidays and make-up workdays. */
function CalendarEditor() {
  const { t } = useI18n();
  const cal = useLoad(() => api<Calendar>('GET', '/api/calendar'), []);
  const [draft, setDraft] = useState<Pick<Calendar, 'periods' | 'workWeekdays'> | null>(null);
  const [saved, setSaved] = useState(false);
  const [err, setErr] = useState('');
  const [day, setDay] = useState('');
  const [kind, setKind] = useState<'holiday' | 'workday'>('holiday');
  const [label, setLabel] = useState('');
  const current =
    draft ?? (cal.data ? { periods: cal.data.periods, workWeekdays: cal.data.workWeekdays } : null);
  const exceptions = useMemo(
    () => [...(cal.data?.exceptions ?? [])].sort((a, b) => a.date.localeCompare(b.date)),
    [cal.data],
  );

  function edit(next: Pick<Calendar, 'periods' | 'workWeekdays'>) {
    setSaved(false);
    setDraft(next);
  }

  async function save() {
    if (!current) return;
    setErr('');
    try {
      await api('PUT', '/api/admin/calendar', {
        periods: current.periods,
        workWeekdays: [...current.workWeekdays].sort(),
      });
      setDraft(null);
      setSaved(true);
      cal.reload();
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  async function addException(e: FormEvent) {
    e.preventDefault();
    setErr('');
    try {
      await api('PUT', `/api/admin/calendar/exceptions/${day}`, { kind, label: label.trim() });
      setDay('');
      setLabel('');
      cal.reload();
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  async function removeException(date: string) {
    setErr('');
    try {
      await api('DELETE', `/api/admin/calendar/exceptions/${date}`);
      cal.reload();
    } catch (x) {
      setErr((x as Error).message);
    }
  }

  return (
    <section className="card wide" aria-labelledby="a-calendar">
      <h2 id="a-calendar">{t('calendar')}</h2>
      {!current && <p className="muted">{t('loading')}</p>}
      {current && (
        <div className="calendar-grid">
          <div>
            <fieldset className="checks">
              <legend>{t('workWeekdays')}</legend>
              {WEEKDAYS.map((d) => (
                <label key={d} className="check">
                  <input
                    type="checkbox"
                    name={`weekday-${d}`}
                    checked={current.workWeekdays.includes(d)}
                    onChange={(e) =>
                      edit({
                        ...current,
                        workWeekdays: e.target.checked
                          ? [...current.workWeekdays, d]
                          : current.workWeekdays.filter((x) => x !== d),
                      })
                    }
                  />
                  {t(`weekday${d}` as MsgKey)}
                </label>
              ))}
            </fieldset>
            <fieldset className="periods">
              <legend>{t('workPeriods')}</legend>
              {current.periods.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: periods have no identity but their place
                <div key={i} className="period">
                  <label>
                    <span className="sr-only">
                      {t('periodStart')} {i + 1}
                    </span>
                    <input
                      type="time"
                      name={`period-${i}-start`}
                      value={p.start}
                      onChange={(e) =>
                        edit({
                          ...current,
                          periods: current.periods.map((x, j) =>
                            j === i ? { ...x, start: e.target.value } : x,
                          ),
                        })
                      }
                    />
                  </label>
                  <span aria-hidden="true">–</span>
                  <label>
                    <span className="sr-only">
                      {t('periodEnd')} {i + 1}
                    </span>
                    <input
                      type="time"
                      name={`period-${i}-end`}
                      value={p.end}
                      onChange={(e) =>
                        edit({
                          ...current,
                          periods: current.periods.map((x, j) =>
                            j === i ? { ...x, end: e.target.value } : x,
                          ),
                        })
                      }
                    />
                  </label>
                  <button
                    type="button"
                    className="btn small secondary"
                    aria-label={`${t('removePeriod')} ${i + 1}`}
                    disabled={current.periods.length <= 1}
                    onClick={() => edit({ ...current, periods: current.periods.filter((_, j) => j !== i) })}
                  >
                    ✕
                  </button>
                </div>
              ))}
              <button
                type="button"
                className="btn small secondary"
                disabled={current.periods.length >= 6}
                onClick={() =>
                  edit({ ...current, periods: [...current.periods, { start: '19:00', end: '21:00' }] })
                }
              >
                + {t('addPeriod')}
              </button>
            </fieldset>
            <div className="buttons">
              <button
                type="button"
                className="btn"
                disabled={!draft || current.workWeekdays.length === 0}
                onClick={() => void save()}
              >
                {t('save')}
              </button>
              {draft && (
                <button type="button" className="btn secondary" onClick={() => setDraft(null)}>
                  {t('cancel')}
                </button>
              )}
              {saved && (
                <span className="ok-text" role="status">
                  {t('savedOk')}
                </span>
              )}
            </div>
          </div>
          <div>
            <h3>{t('calendarExceptions')}</h3>
            <form
              className="inline-form"
              onSubmit={(e) => void addException(e)}
              aria-label={t('addException')}
            >
              <label>
                {t('date')}
                <input
                  type="date"
                  name="exception-day"
                  required
                  value={day}
                  onChange={(e) => setDay(e.target.value)}
                />
              </label>
              <label>
                {t('kind')}
                <select
                  name="exception-kind"
                  value={kind}
                  onChange={(e) => setKind(e.target.value as 'holiday' | 'workday')}
                >
                  <option value="holiday">{t('holiday')}</option>
                  <option value="workday">{t('makeupWorkday')}</option>
                </select>
              </label>
              <label>
                {t('label')}
                <input
                  name="exception-label"
                  maxLength={100}
                  value={label}
                  onChange={(e) => setLabel(e.target.value)}
                />
              </label>
              <button type="submit" className="btn" disabled={!day}>
                {t('addException')}
              </button>
            </form>
            <div className="scroll short">
              <table className="table" data-testid="calendar-exceptions">
                <tbody>
                  {exceptions.map((x) => (
                    <tr key={x.date} data-day={x.date}>
                      <td>{x.date}</td>
                      <td>
                        <span className={`badge ${x.kind === 'holiday' ? 'holiday' : 'workday'}`}>
                          {x.kind === 'holiday' ? t('holiday') : t('makeupWorkday')}
                        </span>
                      </td>
                      <td>{x.label || '—'}</td>
                      <td>
                        <button
                          type="button"
                          className="btn small secondary"
                          aria-label={`${t('remove')} ${x.date}`}
                          onClick={() => void removeException(x.date)}
                        >
                          {t('remove')}
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </div>
      )}
      <ErrorLine text={err} />
    </section>
  );
}

/** Admin: users and scopes, the taxonomy, routing rules, the working calendar, area GeoJSON import. */
export default function Admin() {
  const { t, name } = useI18n();
  const lookups = useLookups();
  const users = useLoad(() => api<{ items: User[]; total?: number }>('GET', '/api/admin/users?limit=50'), []);
  const [importMsg, setImportMsg] = useState('');

  async function upload(file: File) {
    setImportMsg(t('loading'));
    try {
      const text = await file.text();
      const r = await api<Record<string, unknown>>('POST', '/api/admin/areas/import', JSON.parse(text));
      setImportMsg(`${t('importDone')}: ${JSON.stringify(r).slice(0, 200)}`);
    } catch (e) {
      setImportMsg((e as Error).message);
    }
  }

  return (
    <div className="admin">
      <h1 className="page-title">{t('adminTitle')}</h1>
      <div className="admin-grid">
        <RoutingRules />
        <CalendarEditor />
        <section className="card" aria-labelledby="a-users">
          <h2 id="a-users">{t('users')}</h2>
          <div className="scroll">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('username')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col">{t('scope')}</th>
                </tr>
              </thead>
              <tbody>
                {users.data?.items.map((u) => (
                  <tr key={u.id}>
                    <td>
                      {u.username} <span className="muted">{u.displayName}</span>
                    </td>
                    <td>{u.grants.map((g) => g.role).join(', ')}</td>
                    <td>{u.grants.map((g) => g.areaCode ?? g.departmentCode ?? '*').join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="a-tax">
          <h2 id="a-tax">
            {t('taxonomy')} {lookups && <span className="muted small">v{lookups.version}</span>}
          </h2>
          <div className="scroll">
            <table className="table">
              {lookups?.majors.map((m) => (
                <tbody key={m.code}>
                  <tr className="group-row">
                    <th colSpan={3} scope="rowgroup">
                      {m.code} {name(m)}
                    </th>
                  </tr>
                  {m.categories.map((c) => (
                    <tr key={c.code}>
                      <td>{c.code}</td>
                      <td>{name(c)}</td>
                      <td className="muted">
                        {name(lookups.departments.find((d) => d.code === c.departmentCode))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              ))}
            </table>
          </div>
        </section>
        <section className="card" aria-labelledby="a-areas">
          <h2 id="a-areas">{t('areasUpload')}</h2>
          <label className="btn secondary file-btn">
            {t('uploadGeojson')}
            <input
              type="file"
              accept=".geojson,.json,application/geo+json"
              onChange={(e) => {
                const f = e.target.files?.[0];
                if (f) void upload(f);
              }}
            />
          </label>
          {importMsg && <p className="muted small">{importMsg}</p>}
        </section>
      </div>
    </div>
  );
}
