import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../../lib/api';
import { useLoad } from '../../lib/data';
import { type MsgKey, useI18n } from '../../lib/i18n';
import { ErrorLine } from './ErrorLine';
import { useAdminAction } from './useAdminAction';

/** The working calendar of GET /api/calendar. */
interface Calendar {
  periods: Array<{ start: string; end: string }>;
  workWeekdays: number[];
  exceptions: Array<{ date: string; kind: string; label?: string }>;
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** The working calendar: periods and weekdays (saved together), holidays and make-up workdays. */
export function CalendarEditor() {
  const { t } = useI18n();
  const cal = useLoad(() => api<Calendar>('GET', '/api/calendar'), []);
  const [draft, setDraft] = useState<Pick<Calendar, 'periods' | 'workWeekdays'> | null>(null);
  const [saved, setSaved] = useState(false);
  const { err, run } = useAdminAction();
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

  const save = () =>
    run(async () => {
      if (!current) return;
      await api('PUT', '/api/admin/calendar', {
        periods: current.periods,
        workWeekdays: [...current.workWeekdays].sort(),
      });
      setDraft(null);
      setSaved(true);
      cal.reload();
    });

  const addException = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      await api('PUT', `/api/admin/calendar/exceptions/${day}`, { kind, label: label.trim() });
      setDay('');
      setLabel('');
      cal.reload();
    });
  };

  const removeException = (date: string) =>
    run(async () => {
      await api('DELETE', `/api/admin/calendar/exceptions/${date}`);
      cal.reload();
    });

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
