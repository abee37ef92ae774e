import { useState } from 'react';

/**
 * One admin write at a time with its error line: `run(fn)` clears the last error, awaits `fn` and
 * shows its message if it throws. `fail(text)` shows a check that failed before any request.
 */
export function useAdminAction() {
  const [err, setErr] = useState('');
  async function run(fn: () => Promise<unknown>): Promise<void> {
    setErr('');
    try {
      await fn();
    } catch (x) {
      setErr((x as Error).message);
    }
  }
  return { err, run, fail: setErr };
}
