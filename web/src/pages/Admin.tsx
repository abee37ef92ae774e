import { useState } from 'react';
import { api } from '../lib/api';
import { useLoad, useLookups } from '../lib/data';
import { useI18n } from '../lib/i18n';
import type { User } from '../lib/types';

/** Admin: users and their scopes, categories, area GeoJSON import (routing and calendar: no API yet). */
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
        <section className="card" aria-labelledby="a-users">
          <h2 id="a-users">{t('users')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th>{t('username')}</th>
                <th>{t('role')}</th>
                <th>{t('scope')}</th>
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
        </section>
        <section className="card" aria-labelledby="a-tax">
          <h2 id="a-tax">{t('taxonomy')}</h2>
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
          <h2>{t('routingRules')}</h2>
          <p className="muted">{t('notAvailable')}</p>
          <h2>{t('calendar')}</h2>
          <p className="muted">{t('notAvailable')}</p>
        </section>
      </div>
    </div>
  );
}
