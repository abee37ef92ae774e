/**
 * A small pool of worker threads that seal validated person rows (person-seal.worker.ts) for
 * large imports. Chunks go to the least busy worker; answers come back per chunk. When a worker
 * cannot start (e.g. a runner that cannot load the worker's module) the pool seals on the calling
 * thread instead, so an import never fails for want of threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FieldCipher } from '../../lib/privacy.js';
import type { StagedPerson, ValidPerson } from './person.types.js';
import { sealPerson } from './person-seal.js';

interface Slot {
  worker: Worker;
  busy: number;
  pending: Map<number, { resolve: (rows: StagedPerson[]) => void; reject: (e: Error) => void }>;
}

/** Worker count for bulk sealing: two (the import's main thread and the database use the rest). */
export const SEAL_WORKERS = Math.max(1, Math.min(2, availableParallelism()));

/** Seals chunks of rows on worker threads; `close()` when the import is done. */
export class SealPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private broken = false;

  constructor(
    private readonly cipher: FieldCipher,
    size = SEAL_WORKERS,
  ) {
    // Built code runs the compiled worker; under tsx (CLI in development, benchmarks) the worker
    // is TypeScript too and registers tsx's loader first (loader hooks are not inherited).
    const dev = import.meta.url.endsWith('.ts');
    const url = new URL(`./person-seal.worker.${dev ? 'ts' : 'js'}`, import.meta.url);
    for (let i = 0; i < size; i++) {
      const worker = dev
        ? new Worker(
            `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`,
            { eval: true, workerData: cipher.keys() },
          )
        : new Worker(url, { workerData: cipher.keys() });
      const slot: Slot = { worker, busy: 0, pending: new Map() };
      worker.on('message', (msg: { id?: number; rows?: StagedPerson[] }) => {
        if (msg.id === undefined || !msg.rows) return;
        const p = slot.pending.get(msg.id);
        slot.pending.delete(msg.id);
        slot.busy--;
        p?.resolve(msg.rows);
      });
      worker.on('error', (err) => this.fail(slot, err));
      worker.on('exit', (code) => {
        if (slot.pending.size > 0) this.fail(slot, new Error(`seal worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  private fail(slot: Slot, err: Error): void {
    this.broken = true;
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
    slot.busy = 0;
  }

  /** The sealed rows, in input order. */
  async seal(rows: ValidPerson[]): Promise<StagedPerson[]> {
    if (this.broken || this.slots.length === 0) return rows.map((r) => sealPerson(r, this.cipher));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    try {
      return await new Promise<StagedPerson[]>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, rows });
      });
    } catch {
      return rows.map((r) => sealPerson(r, this.cipher));
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
