import { type FormEvent, useMemo, useState } from 'react';
import { useDeptName } from '../../components/CaseViews';
import { CategoryOptions } from '../../components/CategoryOptions';
import { api } from '../../lib/api';
import { fmtTime, useLoad, useLookups } from '../../lib/data';
import { useI18n } from '../../lib/i18n';
import { loadAreas } from '../../lib/report';
import type { Area } from '../../lib/types';
import { ErrorLine } from './ErrorLine';
import { useAdminAction } from './useAdminAction';

/** A routing rule of GET /api/admin/routing-rules. */
interface RoutingRule {
  id: number;
  categoryCode: string | null;
  areaCode: string | null;
  departmentCode: string;
  note: string;
  createdBy: string;
  createdAt: string;
}

const AREA_CODE = /^[0-9]{6}([0-9]{3}){0,3}$/;

/** Routing rules: category × area → department; add one, deactivate one (two clicks). */
export function RoutingRules() {
  const { t, name } = useI18n();
  const lookups = useLookups();
  const dept = useDeptName();
  const rules = useLoad(() => api<{ items: RoutingRule[] }>('GET', '/api/admin/routing-rules'), []);
  const areas = useLoad(
    () =>
      Promise.all(
        (['district', 'street', 'community'] as const).map((l) => loadAreas(l, undefined, false, 5000)),
      ).then((xs) => xs.flat()),
    [],
  );
  const areaByCode = useMemo(() => new Map((areas.data ?? []).map((a) => [a.code, a])), [areas.data]);
  const [category, setCategory] = useState('');
  const [area, setArea] = useState('');
  const [department, setDepartment] = useState('');
  const [note, setNote] = useState('');
  const { err, run, fail } = useAdminAction();
  const [confirming, setConfirming] = useState<number | null>(null);
  const cat = (code: string | null) => {
    if (!code) return t('anyCategory');
    const c = lookups?.categories.find((x) => x.code === code);
    return c ? `${code} ${name(c)}` : code;
  };
  const areaName = (code: string | null) => {
    if (!code) return t('anyArea');
    const a = areaByCode.get(code);
    return a ? `${name(a)} ${code}` : code;
  };

  const add = (e: FormEvent) => {
    e.preventDefault();
    if (area && !AREA_CODE.test(area)) return fail(t('areaCodeInvalid'));
    return run(async () => {
      await api('POST', '/api/admin/routing-rules', {
        categoryCode: category || null,
        areaCode: area || null,
        departmentCode: department,
        note: note.trim(),
      });
      setCategory('');
      setArea('');
      setNote('');
      rules.reload();
    });
  };

  const remove = (id: number) =>
    run(async () => {
      await api('DELETE', `/api/admin/routing-rules/${id}`);
      setConfirming(null);
      rules.reload();
    });

  return (
    <section className="card wide" aria-labelledby="a-routing">
      <h2 id="a-routing">{t('routingRules')}</h2>
      <p className="muted small">{t('routingHint')}</p>
      <form className="inline-form" onSubmit={(e) => void add(e)} aria-label={t('addRule')}>
        <label>
          {t('category')}
          <select name="rule-category" value={category} onChange={(e) => setCategory(e.target.value)}>
            <option value="">{t('anyCategory')}</option>
            <CategoryOptions lookups={lookups} withCode />
          </select>
        </label>
        <label>
          {t('area')}
          <input
            name="rule-area"
            list="rule-areas"
            inputMode="numeric"
            autoComplete="off"
            placeholder={t('anyArea')}
            value={area}
            onChange={(e) => setArea(e.target.value.trim())}
          />
          <datalist id="rule-areas">
            {(areas.data ?? []).map((a: Area) => (
              <option key={a.code} value={a.code}>
                {name(a)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          {t('department')}
          <select
            name="rule-department"
            required
            value={department}
            onChange={(e) => setDepartment(e.target.value)}
          >
            <option value="">{t('chooseDepartment')}</option>
            {lookups?.departments.map((d) => (
              <option key={d.code} value={d.code}>
                {name(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('remark')}
          <input name="rule-note" maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" className="btn" disabled={!department || (!category && !area)}>
          {t('addRule')}
        </button>
      </form>
      <ErrorLine text={err} />
      <div className="scroll">
        <table className="table" data-testid="routing-rules">
          <thead>
            <tr>
              <th scope="col">{t('category')}</th>
              <th scope="col">{t('area')}</th>
              <th scope="col">{t('department')}</th>
              <th scope="col">{t('remark')}</th>
              <th scope="col">{t('createdBy')}</th>
              <th scope="col">
                <span className="sr-only">{t('actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rules.data?.items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('noRules')}
                </td>
              </tr>
            )}
            {rules.data?.items.map((r) => (
              <tr key={r.id} data-rule={r.id}>
                <td>{cat(r.categoryCode)}</td>
                <td>{areaName(r.areaCode)}</td>
                <td>{dept(r.departmentCode)}</td>
                <td className="muted">{r.note || '—'}</td>
                <td className="muted small">
                  {r.createdBy} · {fmtTime(r.createdAt)}
                </td>
                <td>
                  {confirming === r.id ? (
                    <span className="row-actions">
                      <button type="button" className="btn small danger" onClick={() => void remove(r.id)}>
                        {t('confirmDeactivate')}
                      </button>
                      <button
                        type="button"
                        className="btn small secondary"
                        onClick={() => setConfirming(null)}
                      >
                        {t('cancel')}
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="btn small secondary" onClick={() => setConfirming(r.id)}>
                      {t('deactivate')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
