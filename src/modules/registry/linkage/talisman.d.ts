/** talisman ships no types; these are the two metrics the linkage engine uses. */
declare module 'talisman/metrics/jaro-winkler.js' {
  /** Jaro-Winkler similarity in [0, 1] (1 = identical). */
  const jaroWinkler: (a: string | readonly string[], b: string | readonly string[]) => number;
  export default jaroWinkler;
}
declare module 'talisman/metrics/damerau-levenshtein.js' {
  /** Edit distance counting insertions, deletions, substitutions and adjacent transpositions. */
  const damerauLevenshtein: (a: string | readonly string[], b: string | readonly string[]) => number;
  export default damerauLevenshtein;
}
declare module 'talisman/phonetics/soundex.js' {
  /** The Soundex code of a word (`robert` → `R163`). */
  const soundex: (word: string) => string;
  export default soundex;
}
