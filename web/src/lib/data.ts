import { type DependencyList, useCallback, useEffect, useRef, useState } from 'react';
import { api } from './api';
import type { Lookups } from './types';

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

/** Categories and departments (loaded once per page). Uses /api/taxonomy when it lands. */
export function loadLookups(): Promise<Lookups> {
  lookupsPromise ??= api<Lookups>('GET', '/api/dashboard/lookups').catch((e: unknown) => {
    lookupsPromise = undefined;
    throw e;
  });
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
