import { useEffect } from 'react';
import { CaseList } from '../components/CaseViews';
import { Link } from '../components/Link';
import { api } from '../lib/api';
import { useLoad } from '../lib/data';
import { useI18n } from '../lib/i18n';
import { navigate } from '../lib/router';
import { useSession } from '../lib/session';
import type { CaseItem } from '../lib/types';

/** A signed-in resident's own reports, refreshed every few seconds so stages move live. */
export default function Mine() {
  const { t } = useI18n();
  const { user } = useSession();
  const list = useLoad(
    () =>
      user
        ? api<{ items: CaseItem[] }>('GET', '/api/cases?limit=50').then((r) => r.items)
        : Promise.resolve([]),
    [user?.id],
  );
  useEffect(() => {
    if (!user) return;
    const h = setInterval(list.reload, 8000);
    return () => clearInterval(h);
  }, [user, list.reload]);
  return (
    <div className="narrow">
      <h1 className="page-title">
        {t('mineTitle')} {user && <span className="live-dot">{t('live')}</span>}
      </h1>
      {user === null ? (
        <p className="card">
          {t('mineNeedSignIn')} — <Link to="/login?next=/me">{t('signIn')}</Link>
        </p>
      ) : (
        <CaseList
          items={list.data}
          onSelect={(id) => {
            const c = list.data?.find((x) => x.id === id);
            if (c) navigate(`/track/${c.publicCode}`);
          }}
          empty={t('mineEmpty')}
        />
      )}
    </div>
  );
}
