import { useI18n } from '../lib/i18n';
import type { Lookups } from '../lib/types';

/**
 * The <option>s of a category <select>, grouped by major class (<optgroup>), names in the
 * current language. `kinds` limits the classes (event, part, hotline); all by default.
 */
export function CategoryOptions({
  lookups,
  kinds,
  withCode = false,
}: {
  lookups: Lookups | undefined;
  kinds?: readonly string[];
  withCode?: boolean;
}) {
  const { name } = useI18n();
  return (
    <>
      {lookups?.majors
        .filter((m) => !kinds || kinds.includes(m.kind))
        .map((m) => (
          <optgroup key={m.code} label={withCode ? `${m.code} ${name(m)}` : name(m)}>
            {m.categories.map((c) => (
              <option key={c.code} value={c.code}>
                {withCode ? `${c.code} ${name(c)}` : name(c)}
              </option>
            ))}
          </optgroup>
        ))}
    </>
  );
}
