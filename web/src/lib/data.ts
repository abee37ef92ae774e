import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';
import type { Category, Department, Lookups, Major } from './types';

/** Result of useLoad: data, error, loading flag and a reload function. */
export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/** Loads data with `fn` whenever deps change; stale answers are dropped. */
export function useLoad<T>(fn: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  // The caller's deps, compared by value: a change starts a new load.
  const [version, setVersion] = useState(0);
  const depsKey = useRef<DependencyList>(deps);
  if (deps.length !== depsKey.current.length || deps.some((d, i) => !Object.is(d, depsKey.current[i]))) {
    depsKey.current = deps;
    setVersion((v) => v + 1);
  }
  const run = useCallback(() => {
    const my = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    fnRef.current().then(
      (data) => my === seq.current && setState({ data, loading: false }),
      (error: Error) => my === seq.current && setState((s) => ({ ...s, error, loading: false })),
    );
  }, []);
  useEffect(() => {
    if (version >= 0) run();
  }, [run, version]);
  return { data: state.data, error: state.error, loading: state.loading, reload: run };
}

let lookupsPromise: Promise<Lookups> | undefined;

type TaxonomyReply = {
  version: number;
  majors: Array<Omit<Major, 'categories'> & { categories: Array<Omit<Category, 'majorCode'>> }>;
};

/**
 * The active taxonomy (GET /api/taxonomy, by major class) and the active departments
 * (GET /api/departments), loaded once per page. Both carry zh and en names, so a language
 * switch needs no reload.
 */
export function loadLookups(): Promise<Lookups> {
  lookupsPromise ??= Promise.all([
    api<TaxonomyReply>('GET', '/api/taxonomy'),
    api<{ items: Department[] }>('GET', '/api/departments'),
  ]).then(
    ([tax, depts]) => {
      const majors: Major[] = tax.majors.map((m) => ({
        code: m.code,
        kind: m.kind,
        nameZh: m.nameZh,
        nameEn: m.nameEn,
        categories: m.categories.map((c) => ({
          code: c.code,
          kind: c.kind,
          majorCode: m.code,
          nameZh: c.nameZh,
          nameEn: c.nameEn,
          departmentCode: c.departmentCode,
          urgent: c.urgent,
          photoRequired: c.photoRequired,
        })),
      }));
      return {
        version: tax.version,
        majors,
        categories: majors.flatMap((m) => m.categories),
        departments: depts.items,
      };
    },
    (e: unknown) => {
      lookupsPromise = undefined;
      throw e;
    },
  );
  return lookupsPromise;
}

/** The lookups as a hook. */
export function useLookups(): Lookups | undefined {
  return useLoad(loadLookups, []).data;
}

/** Formats an ISO time as local "MM-DD HH:mm". */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
