import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useCategoryName } from '../components/CaseViews';
import { type MapShape, MapView } from '../components/MapView';
import { api, qs } from '../lib/api';
import { fmtTime, useLoad } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { loadAreas } from '../lib/report';
import type { AreaCount, StreamEvent, Summary } from '../lib/types';

echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

const CHILD: Record<string, 'district' | 'street' | 'community' | 'grid'> = {
  6: 'street',
  9: 'community',
  12: 'grid',
};
// From calm blue to alarm red, readable on the dark background.
const RAMP = ['#1f4e7a', '#2f77b0', '#4ea1dd', '#f4c16b', '#ef8a4a', '#d6452b'];
const NONE = '#16263b';

function colour(n: number, max: number): string {
  if (n <= 0) return NONE;
  const i = Math.min(RAMP.length - 1, Math.ceil((n / Math.max(1, max)) * (RAMP.length - 1)));
  return RAMP[i] ?? '#d6452b';
}

function Chart({ option, label }: { option: echarts.EChartsCoreOption; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current);
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return <div ref={el} className="chart" role="img" aria-label={label} />;
}

const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** Command dashboard: map by area with drill-down, KPI tiles, trends, top lists, live ticker (SSE). */
export default function Dashboard() {
  const { t, tx, name } = useI18n();
  const cat = useCategoryName();
  const [path, setPath] = useState<string[]>([]);
  const within = path[path.length - 1];
  const level = within ? (CHILD[within.length] ?? 'grid') : 'district';
  const [colorBy, setColorBy] = useState<'open' | 'overdue'>('open');
  const [ticker, setTicker] = useState<StreamEvent[]>([]);
  const [connected, setConnected] = useState(false);
  const areas = useLoad(() => loadAreas(level, within), [level, within]);
  const counts = useLoad(
    () =>
      api<{ items: AreaCount[] }>('GET', `/api/dashboard/map${qs({ level, within })}`).then((r) => r.items),
    [level, within],
  );
  const summary = useLoad(() => api<Summary>('GET', `/api/dashboard/summary${qs({ within })}`), [within]);
  // Deadlines are counted on the holiday calendar: say so when next year's holidays are missing.
  const coverage = useLoad(
    () =>
      api<{ coveredUntil: string | null; daysCovered: number; warn: boolean; missingYear: number }>(
        'GET',
        '/api/calendar/coverage',
      ),
    [],
  );

  const refresh = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadAll = useRef(() => {});
  reloadAll.current = () => {
    counts.reload();
    summary.reload();
  };
  const onEvent = useCallback((e: StreamEvent) => {
    setTicker((xs) => [e, ...xs].slice(0, 30));
    if (refresh.current) clearTimeout(refresh.current);
    refresh.current = setTimeout(() => reloadAll.current(), 150);
  }, []);
  useEffect(() => {
    const es = new EventSource(`/api/events/stream${qs({ within })}`);
    es.onopen = () => setConnected(true);
    es.onerror = () => setConnected(false);
    // The stream names its frames `event: case`.
    es.addEventListener('case', (m: MessageEvent<string>) => {
      try {
        onEvent(JSON.parse(m.data) as StreamEvent);
      } catch {
        /* a malformed frame */
      }
    });
    return () => es.close();
  }, [within, onEvent]);

  const byCode = useMemo(() => new Map((counts.data ?? []).map((c) => [c.code, c])), [counts.data]);
  const max = Math.max(1, ...(counts.data ?? []).map((c) => c[colorBy]));
  const shapes = useMemo<MapShape[]>(
    () =>
      (areas.data ?? []).flatMap((a) => {
        if (!a.geometry) return [];
        const c = byCode.get(a.code);
        const n = c?.[colorBy] ?? 0;
        return [
          {
            code: a.code,
            geometry: a.geometry,
            fill: colour(n, max),
            weight: level === 'grid' ? 0.5 : 1.2,
            stroke: '#6f88a8',
            label: `${name(a)} · ${t('openCases')} ${c?.open ?? 0} · ${t('overdueCases')} ${c?.overdue ?? 0}`,
          },
        ];
      }),
    [areas.data, byCode, colorBy, max, level, name, t],
  );
  const bbox = useMemo(() => {
    const bs = (areas.data ?? []).map((a) => a.bbox);
    if (!bs.length) return undefined;
    return bs.reduce<[number, number, number, number]>(
      (a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])],
      [180, 90, -180, -90],
    );
  }, [areas.data]);
  const hotspots = useMemo(
    () =>
      [...(counts.data ?? [])]
        .sort((a, b) => b.open - a.open)
        .slice(0, 6)
        .map((c) => ({ ...c, area: areas.data?.find((a) => a.code === c.code) })),
    [counts.data, areas.data],
  );

  const s = summary.data;
  const trendOption = useMemo<echarts.EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('reportedSeries'), t('closedSeries')], textStyle: { color: '#c9d6e8' } },
      grid: { left: 36, right: 12, top: 32, bottom: 24 },
      xAxis: {
        type: 'category',
        data: s?.trend.map((d) => d.day.slice(5)) ?? [],
        axisLabel: { color: '#9fb2cc' },
      },
      yAxis: {
        type: 'value',
        axisLabel: { color: '#9fb2cc' },
        splitLine: { lineStyle: { color: '#24344d' } },
      },
      series: [
        {
          name: t('reportedSeries'),
          type: 'line',
          smooth: true,
          data: s?.trend.map((d) => d.reported) ?? [],
          color: '#4ea1ff',
          areaStyle: { opacity: 0.15 },
        },
        {
          name: t('closedSeries'),
          type: 'line',
          smooth: true,
          data: s?.trend.map((d) => d.closed) ?? [],
          color: '#3ccf91',
        },
      ],
    }),
    [s, t],
  );
  const topOption = useMemo<echarts.EChartsCoreOption>(
    () => ({
      tooltip: {},
      grid: { left: 110, right: 16, top: 8, bottom: 20 },
      xAxis: {
        type: 'value',
        axisLabel: { color: '#9fb2cc' },
        splitLine: { lineStyle: { color: '#24344d' } },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: s?.topCategories.map((c) => cat(c.code)) ?? [],
        axisLabel: { color: '#c9d6e8', width: 100, overflow: 'truncate' },
      },
      series: [
        { type: 'bar', data: s?.topCategories.map((c) => c.n) ?? [], color: '#f4a340', barMaxWidth: 16 },
      ],
    }),
    [s, cat],
  );

  const kpis: Array<[string, string, string | number]> = [
    ['kpi-today', t('kpiToday'), s?.reportedToday ?? '…'],
    ['kpi-closed', t('kpiClosedToday'), s?.closedToday ?? '…'],
    ['kpi-open', t('kpiOpen'), s?.open ?? '…'],
    ['kpi-overdue', t('kpiOverdue'), s?.overdue ?? '…'],
    ['kpi-closure', t('rateClosure'), s ? pct(s.rates.onTimeClosure) : '…'],
    ['kpi-satisfaction', t('rateSatisfaction'), s ? pct(s.rates.satisfaction) : '…'],
    ['kpi-dispatch', t('rateDispatch'), s ? pct(s.rates.onTimeDispatch) : '…'],
  ];

  return (
    <div className="dash">
      <header className="dash-head">
        <h1 className="dash-title">{t('dashboardTitle')}</h1>
        <nav className="crumbs" aria-label="breadcrumb">
          <button type="button" className="link-btn" onClick={() => setPath([])}>
            {t('city')}
          </button>
          {path.map((c, i) => (
            <button key={c} type="button" className="link-btn" onClick={() => setPath(path.slice(0, i + 1))}>
              › {c}
            </button>
          ))}
        </nav>
        <span className={connected ? 'live-dot' : 'live-dot off'}>{t('live')}</span>
      </header>
      {coverage.data?.warn && (
        <p className="error" role="alert" data-testid="calendar-coverage">
          {t('calendarCoverageWarn')
            .replace('{year}', String(coverage.data.missingYear))
            .replace('{until}', coverage.data.coveredUntil ?? '—')}
        </p>
      )}
      <section className="kpis" aria-label="KPI">
        {kpis.map(([id, label, value]) => (
          <div key={id} className="kpi" data-testid={id}>
            <span className="kpi-label">{label}</span>
            <span className="kpi-value">{value}</span>
          </div>
        ))}
      </section>
      <div className="dash-grid">
        <section className="dash-card dash-map" aria-labelledby="d-map">
          <div className="dash-card-head">
            <h2 id="d-map">{t('mapTitle')}</h2>
            <div className="seg small">
              {(['open', 'overdue'] as const).map((k) => (
                <button
                  key={k}
                  type="button"
                  aria-pressed={colorBy === k}
                  className={colorBy === k ? 'seg-item active' : 'seg-item'}
                  onClick={() => setColorBy(k)}
                >
                  {k === 'open' ? t('openCases') : t('overdueCases')}
                </button>
              ))}
              {path.length > 0 && (
                <button type="button" className="seg-item" onClick={() => setPath(path.slice(0, -1))}>
                  ↑ {t('drillUp')}
                </button>
              )}
            </div>
          </div>
          <MapView
            className="map map-dash"
            label={t('drillHint')}
            shapes={shapes}
            bbox={bbox}
            onShapeClick={(code) => level !== 'grid' && setPath([...path, code])}
          />
          <div className="legend">
            <span>{t('legendFew')}</span>
            {RAMP.map((c) => (
              <i key={c} style={{ background: c }} />
            ))}
            <span>{t('legendMany')}</span>
            <span className="muted small">{t('drillHint')}</span>
          </div>
        </section>
        <section className="dash-card" aria-labelledby="d-ticker">
          <h2 id="d-ticker">{t('ticker')}</h2>
          <ul className="ticker" aria-live="polite" data-testid="ticker">
            {ticker.length === 0 && <li className="muted">{t('tickerEmpty')}</li>}
            {ticker.map((e) => (
              <li key={e.eventId} data-code={e.publicCode}>
                <time>{fmtTime(e.at)}</time>
                <strong>{tx('action', e.action)}</strong>
                <span>{cat(e.categoryCode)}</span>
                <span className="muted">{e.publicCode}</span>
              </li>
            ))}
          </ul>
        </section>
        <section className="dash-card" aria-labelledby="d-trend">
          <h2 id="d-trend">{t('trend30')}</h2>
          <Chart option={trendOption} label={t('trend30')} />
        </section>
        <section className="dash-card" aria-labelledby="d-top">
          <h2 id="d-top">{t('topCategories')}</h2>
          <Chart option={topOption} label={t('topCategories')} />
        </section>
        <section className="dash-card" aria-labelledby="d-hot">
          <h2 id="d-hot">{t('hotspots')}</h2>
          <ol className="hotspots">
            {hotspots.map((h) => (
              <li key={h.code}>
                <button
                  type="button"
                  className="link-btn"
                  onClick={() => level !== 'grid' && setPath([...path, h.code])}
                >
                  {h.area ? name(h.area) : h.code}
                </button>
                <span>
                  {h.open} <span className="muted">/ {h.overdue}</span>
                </span>
              </li>
            ))}
          </ol>
        </section>
      </div>
    </div>
  );
}
