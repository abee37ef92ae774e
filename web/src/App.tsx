import { lazy, type ReactNode, Suspense, useEffect } from 'react';
import { InboxBell } from './components/Inbox';
import { Link } from './components/Link';
import { useI18n } from './lib/i18n';
import { navigate, usePath } from './lib/router';
import { type RouteDef, STAFF_ROUTES } from './lib/routes';
import { useSession } from './lib/session';
import type { RoleName } from './lib/types';

const Home = lazy(() => import('./pages/Home'));
const Login = lazy(() => import('./pages/Login'));
const Report = lazy(() => import('./pages/Report'));
const Track = lazy(() => import('./pages/Track'));
const Mine = lazy(() => import('./pages/Mine'));
const Worker = lazy(() => import('./pages/Worker'));
const Hotline = lazy(() => import('./pages/Hotline'));
const Dispatch = lazy(() => import('./pages/Dispatch'));
const Dept = lazy(() => import('./pages/Dept'));
const Supervisor = lazy(() => import('./pages/Supervisor'));
const Admin = lazy(() => import('./pages/Admin'));
const Dashboard = lazy(() => import('./pages/Dashboard'));

const RESIDENT_ROUTES: RouteDef[] = [
  { path: '/report', nav: 'navReport' },
  { path: '/track', nav: 'navTrack' },
  { path: '/me', nav: 'navMine' },
];

function Guard({ role, staff, children }: { role?: RoleName; staff?: boolean; children: ReactNode }) {
  const { user, has } = useSession();
  const { t } = useI18n();
  useEffect(() => {
    if (user === null) navigate(`/login?next=${encodeURIComponent(location.pathname)}`);
  }, [user]);
  if (user === undefined) return <p className="muted pad">{t('loading')}</p>;
  if (user === null) return null;
  const isStaff = user.grants.some((g) => g.role !== 'resident');
  if ((role && !has(role)) || (staff && !isStaff)) return <p className="empty pad">{t('forbidden')}</p>;
  return <>{children}</>;
}

function page(path: string): ReactNode {
  if (path === '/') return <Home />;
  if (path === '/login') return <Login />;
  if (path === '/report') return <Report />;
  if (path === '/track' || path.startsWith('/track/')) return <Track code={path.slice(7)} />;
  if (path === '/me') return <Mine />;
  const r = STAFF_ROUTES.find((x) => x.path === path);
  if (!r) return null;
  const el =
    {
      '/worker': <Worker />,
      '/hotline': <Hotline />,
      '/dispatch': <Dispatch />,
      '/dept': <Dept />,
      '/supervisor': <Supervisor />,
      '/dashboard': <Dashboard />,
      '/admin': <Admin />,
    }[r.path] ?? null;
  return (
    <Guard {...(r.role ? { role: r.role } : {})} staff>
      {el}
    </Guard>
  );
}

/** The shell: header with navigation, language switch and session; the page below. */
export function App() {
  const path = usePath();
  const { t, lang, setLang } = useI18n();
  const { user, signOut, has } = useSession();
  const isStaffPage = STAFF_ROUTES.some((r) => r.path === path);
  const staffNav = STAFF_ROUTES.filter((r) =>
    r.role ? has(r.role) : user?.grants.some((g) => g.role !== 'resident'),
  );
  const nav = isStaffPage ? staffNav : RESIDENT_ROUTES;
  const content = page(path);
  useEffect(() => {
    document.title = t('appName');
  }, [t]);
  return (
    <div className={`app ${path === '/dashboard' ? 'app-wide' : ''}`}>
      <a className="skip" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src="/icon.svg" alt="" width={28} height={28} />
          <span>{t('appName')}</span>
        </Link>
        <nav aria-label="main" className="nav">
          {nav.map((r) => (
            <Link key={r.path} to={r.path} className={path.startsWith(r.path) ? 'active' : ''}>
              {t(r.nav)}
            </Link>
          ))}
        </nav>
        <div className="top-actions">
          <button
            type="button"
            className="link-btn"
            aria-label={t('languageLabel')}
            onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}
          >
            {t('language')}
          </button>
          {user ? (
            <>
              <InboxBell key={user.id} />
              <span className="who" title={t('signedInAs')}>
                {user.displayName}
              </span>
              <button
                type="button"
                className="link-btn"
                onClick={() => void signOut().then(() => navigate('/'))}
              >
                {t('signOut')}
              </button>
            </>
          ) : (
            user === null && (
              <Link to={`/login?next=${encodeURIComponent(path)}`} className="link-btn">
                {t('signIn')}
              </Link>
            )
          )}
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<p className="muted pad">{t('loading')}</p>}>
          {content ?? <p className="empty pad">{t('pageNotFound')}</p>}
        </Suspense>
      </main>
    </div>
  );
}
