import { Link } from '../components/Link';
import { useI18n } from '../lib/i18n';
import { STAFF_ROUTES } from '../lib/routes';

/** Landing page: resident services first (most visitors), then the staff workbenches. */
export default function Home() {
  const { t } = useI18n();
  return (
    <div className="home">
      <section className="hero">
        <h1>{t('appName')}</h1>
        <p>{t('appTagline')}</p>
        <div className="hero-actions">
          <Link to="/report" className="btn big">
            📍 {t('navReport')}
          </Link>
          <Link to="/track" className="btn big secondary">
            🔎 {t('navTrack')}
          </Link>
        </div>
      </section>
      <section className="cards">
        <article className="card">
          <h2>{t('homeResidentTitle')}</h2>
          <p>{t('homeResidentText')}</p>
          <Link to="/me">{t('navMine')} →</Link>
        </article>
        <article className="card">
          <h2>{t('homeStaffTitle')}</h2>
          <p>{t('homeStaffText')}</p>
          <div className="chips">
            {STAFF_ROUTES.map((r) => (
              <Link key={r.path} to={r.path} className="chip">
                {t(r.nav)}
              </Link>
            ))}
          </div>
        </article>
      </section>
    </div>
  );
}
