import { useState } from 'react';
import { api } from '../../lib/api';
import { useI18n } from '../../lib/i18n';

/** Area boundaries: upload a GeoJSON file to POST /api/admin/areas/import. */
export function AreasImport() {
  const { t } = useI18n();
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
    </section>
  );
}
