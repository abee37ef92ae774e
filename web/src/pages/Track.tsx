import { type FormEvent, useEffect, useState } from 'react';
import { StateBadge, useCategoryName } from '../components/CaseViews';
import { Link } from '../components/Link';
import { api, RetryKey } from '../lib/api';
import { fmtTime, useLoad } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSession } from '../lib/session';
import type { CaseItem, PublicCase } from '../lib/types';

const STEPS = ['reported', 'filed', 'dispatched', 'handling', 'reported_back', 'closed', 'evaluated'];

/** Public tracking by code (no sign-in); the reporter, signed in, can rate a closed case. */
export default function Track({ code }: { code: string }) {
  const { t, tx } = useI18n();
  const cat = useCategoryName();
  const { user } = useSession();
  const [input, setInput] = useState(code);
  const view = useLoad(
    () =>
      code ? api<PublicCase>('GET', `/api/track/${encodeURIComponent(code)}`) : Promise.resolve(undefined),
    [code],
  );
  // Poll while open so the stage moves without reloading.
  useEffect(() => {
    if (!code) return;
    const h = setInterval(view.reload, 10_000);
    return () => clearInterval(h);
  }, [code, view.reload]);

  function go(e: FormEvent) {
    e.preventDefault();
    navigate(`/track/${input.trim().toUpperCase()}`);
  }

  const v = view.data;
  const idx = v ? STEPS.indexOf(v.state) : -1;
  return (
    <div className="narrow">
      <h1 className="page-title">{t('trackTitle')}</h1>
      <form className="row search" onSubmit={go}>
        <label className="grow">
          <span className="sr-only">{t('trackPlaceholder')}</span>
          <input
            name="code"
            value={input}
            placeholder={t('trackPlaceholder')}
            onChange={(e) => setInput(e.target.value)}
            autoCapitalize="characters"
          />
        </label>
        <button className="btn" type="submit">
          {t('search')}
        </button>
      </form>
      {view.error && code && <p className="empty">{t('notFound')}</p>}
      {v && (
        <section className="card" aria-live="polite">
          <header className="panel-head">
            <div>
              <h2>{cat(v.categoryCode)}</h2>
              <p className="muted">
                {v.publicCode} · {fmtTime(v.reportedAt)}
              </p>
            </div>
            <StateBadge state={v.state} />
          </header>
          <p>{v.description}</p>
          <ol className="stepper" aria-label={t('timeline')}>
            {STEPS.map((s, i) => (
              <li key={s} className={i <= idx ? 'done' : ''}>
                <span className="dot" />
                <span>{tx('state', s)}</span>
              </li>
            ))}
          </ol>
          <h3>{t('timeline')}</h3>
          <ol className="timeline">
            {v.timeline.map((e) => (
              <li key={`${e.at}-${e.action}`}>
                <time>{fmtTime(e.at)}</time> <strong>{tx('action', e.action)}</strong>{' '}
                <span className="muted actor" data-role={e.actorRole}>
                  {tx('actorRole', e.actorRole)}
                </span>
                {e.note && <div className="note">{e.note}</div>}
              </li>
            ))}
          </ol>
          {v.state === 'closed' &&
            (user ? (
              <Evaluate code={v.publicCode} onDone={view.reload} />
            ) : (
              <p className="muted">
                {t('evaluateNeedSignIn')} —{' '}
                <Link to={`/login?next=${encodeURIComponent(`/track/${v.publicCode}`)}`}>{t('signIn')}</Link>
              </p>
            ))}
          {v.evaluation && (
            <p className="ok-text">
              {t('thanks')} · {t(v.evaluation as 'satisfied')}
            </p>
          )}
        </section>
      )}
    </div>
  );
}

function Evaluate({ code, onDone }: { code: string; onDone: () => void }) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const [err, setErr] = useState('');
  const [evaluateKey] = useState(() => new RetryKey('eval'));
  const mine = useLoad(
    () => api<{ items: CaseItem[] }>('GET', `/api/cases?q=${encodeURIComponent(code)}&limit=5`),
    [code],
  );
  const own = mine.data?.items.find((c) => c.publicCode === code);
  if (!own) return <p className="muted">{t('evaluateNeedSignIn')}</p>;
  async function rate(result: string) {
    try {
      const url = `/api/cases/${own?.id}/evaluate`;
      const body = { result, ...(comment ? { comment } : {}) };
      await evaluateKey.send(url + JSON.stringify(body), (key) =>
        api('POST', url, body, { headers: { 'idempotency-key': key } }),
      );
      onDone();
    } catch (e) {
      setErr((e as Error).message);
    }
  }
  return (
    <div className="evaluate">
      <h3>{t('evaluateTitle')}</h3>
      <div className="buttons">
        {(['satisfied', 'basically_satisfied', 'dissatisfied'] as const).map((r) => (
          <button
            key={r}
            type="button"
            className="btn secondary"
            data-result={r}
            onClick={() => void rate(r)}
          >
            {r === 'satisfied' ? '😊 ' : r === 'basically_satisfied' ? '🙂 ' : '🙁 '}
            {t(r)}
          </button>
        ))}
      </div>
      <label>
        {t('comment')}
        <input value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} />
      </label>
      {err && (
        <p className="error" role="alert">
          {err}
        </p>
      )}
    </div>
  );
}
