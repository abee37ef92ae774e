import { useLookups } from '../../lib/data';
import { useI18n } from '../../lib/i18n';

/** The taxonomy: major classes, their categories and each category's default department. */
export function Taxonomy() {
  const { t, name } = useI18n();
  const lookups = useLookups();

  return (
    <section className="card" aria-labelledby="a-tax">
      <h2 id="a-tax">
        {t('taxonomy')} {lookups && <span className="muted small">v{lookups.version}</span>}
      </h2>
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
  );
}
