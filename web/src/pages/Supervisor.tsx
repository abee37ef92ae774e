import { useMemo } from 'react';
import { Workbench, type WorkTab } from '../components/Workbench';
import { api, qs } from '../lib/api';
import { useLoad } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';

interface IndicatorReport {
  indicators: Array<{
    code: string;
    nameZh: string;
    nameEn: string;
    kind: string;
    value: number | null;
    numerator: number;
    /** How the figure is counted, per language (the server's one definition). */
    definitionZh: string;
    definitionEn: string;
  }>;
  composites: Array<{
    code: string;
    nameZh: string;
    nameEn: string;
    score: number | null;
    grade: string | null;
  }>;
}

function Indicators({ within }: { within: string | undefined }) {
  const { t, name, lang } = useI18n();
  const to = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const r = useLoad(
    () => api<IndicatorReport>('GET', `/api/indicators${qs({ within, from, to })}`),
    [within, from, to],
  );
  return (
    <section className="panel" aria-labelledby="ind-title">
      <h2 id="ind-title">
        {t('indicators')}{' '}
        <span className="muted small">
          {t('period')}: {from} — {to}
        </span>
      </h2>
      {r.error && <p className="muted">{r.error.message}</p>}
      <div className="kpis small-kpis">
        {r.data?.composites.map((c) => (
          <div key={c.code} className="kpi">
            <span className="kpi-label">{name(c)}</span>
            <span className="kpi-value">
              {c.score === null ? '—' : c.score.toFixed(1)} <small>{c.grade ?? ''}</small>
            </span>
          </div>
        ))}
      </div>
      <table className="table">
        <tbody>
          {r.data?.indicators.map((i) => (
            <tr key={i.code} data-indicator={i.code}>
              <th scope="row">
                {name(i)}
                <div id={`ind-def-${i.code}`} className="muted small indicator-definition">
                  {lang === 'en' ? i.definitionEn : i.definitionZh}
                </div>
              </th>
              <td aria-describedby={`ind-def-${i.code}`}>
                {i.value === null ? '—' : i.kind === 'ratio' ? `${(i.value * 100).toFixed(1)}%` : i.numerator}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Supervisor: verify and close, extensions, overdue cases, and the indicators of my area. */
export default function Supervisor() {
  const { grant } = useSession();
  const within = grant('supervisor')?.areaCode ?? undefined;
  const tabs = useMemo<WorkTab[]>(
    () => [
      { id: 'verify', label: 'tabToVerify', query: { state: ['reported_back'] } },
      {
        id: 'ext',
        label: 'tabExtension',
        query: { state: ['dispatched', 'handling'] },
        filter: (c) => c.extensionRequested,
      },
      { id: 'overdue', label: 'tabOverdue', query: { deadlineStatus: 'overdue' } },
    ],
    [],
  );
  return (
    <Workbench
      title="supervisorTitle"
      tabs={tabs}
      actions={[
        'verify_pass',
        'verify_fail',
        'approve_extension',
        'deny_extension',
        'reopen',
        'suspend',
        'resume',
      ]}
      aside={<Indicators within={within} />}
    />
  );
}
