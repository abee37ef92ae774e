/**
 * Optional fields without the spread idiom: `definedFields({ a, b })` keeps only the keys whose
 * value is not `undefined`, so a patch or an input carries exactly the fields the caller gave
 * (an absent field is "leave as is", never "set to undefined").
 */
export function definedFields<T extends Record<string, unknown>>(
  fields: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as { [K in keyof T]?: Exclude<T[K], undefined> };
}
