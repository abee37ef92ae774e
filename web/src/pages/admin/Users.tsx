import { api } from '../../lib/api';
import { useLoad } from '../../lib/data';
import { useI18n } from '../../lib/i18n';
import type { User } from '../../lib/types';

/** Users and their scopes (the first 50). */
export function Users() {
  const { t } = useI18n();
  const users = useLoad(() => api<{ items: User[]; total?: number }>('GET', '/api/admin/users?limit=50'), []);

  return (
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
  );
}
