import { useI18n } from '../lib/i18n';
import { AreasImport } from './admin/AreasImport';
import { CalendarEditor } from './admin/CalendarEditor';
import { RoutingRules } from './admin/RoutingRules';
import { Taxonomy } from './admin/Taxonomy';
import { Users } from './admin/Users';

/** Admin: users and scopes, the taxonomy, routing rules, the working calendar, area GeoJSON import. */
export default function Admin() {
  const { t } = useI18n();

  return (
    <div className="admin">
      <h1 className="page-title">{t('adminTitle')}</h1>
      <div className="admin-grid">
        <RoutingRules />
        <CalendarEditor />
        <Users />
        <Taxonomy />
        <AreasImport />
      </div>
    </div>
  );
}
