/**
 * The string table of one feature: the same keys in both UI languages. Annotating a feature's table with
 * `Messages<keyof typeof zh>` makes a key missing from `en` (or present only in `en`) a type error.
 */
export interface Messages<K extends string> {
  readonly zh: Readonly<Record<K, string>>;
  readonly en: Readonly<Record<K, string>>;
}
