/**
 * The grid worker's outbox: every write is stored in IndexedDB first (with its idempotency key)
 * and sent when the network allows. A report is idempotent on the server by its key, so a
 * replay after a lost answer returns the first result; a verification replayed after it was
 * applied is recognised by the case already being past that state. Items leave the queue only
 * when the server has confirmed them.
 */
import { ApiError, api } from './api';
import { uploadPhotos } from './report';

/** A queued action. */
export interface QueuedAction {
  key: string;
  kind: 'report' | 'verify_pass' | 'verify_fail';
  caseId?: number;
  body: Record<string, unknown>;
  photos: Blob[];
  label: string;
  createdAt: number;
  error?: string;
}

const DB = 'civicgrid-worker';
const STORE = 'outbox';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  return new Promise<T>((resolve, reject) => {
    const t = db.transaction(STORE, mode);
    const r = fn(t.objectStore(STORE));
    t.oncomplete = () => {
      db.close();
      resolve(r.result);
    };
    t.onerror = () => reject(t.error);
  });
}

const listeners = new Set<() => void>();

/** Calls `fn` whenever the queue changes. */
export function onQueueChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
const changed = () => {
  for (const l of listeners) l();
};

/** Every queued action, oldest first. */
export async function listQueue(): Promise<QueuedAction[]> {
  const all = await tx<QueuedAction[]>('readonly', (s) => s.getAll() as IDBRequest<QueuedAction[]>);
  return all.sort((a, b) => a.createdAt - b.createdAt);
}

/** Stores an action durably; call sync() afterwards. */
export async function enqueue(a: QueuedAction): Promise<void> {
  await tx('readwrite', (s) => s.put(a));
  changed();
}

async function remove(key: string): Promise<void> {
  await tx('readwrite', (s) => s.delete(key));
  changed();
}

async function send(a: QueuedAction): Promise<void> {
  if (a.kind === 'report') {
    const photoIds = a.photos.length ? await uploadPhotos(a.photos, 'report') : [];
    await api('POST', '/api/cases', {
      ...a.body,
      idempotencyKey: a.key,
      ...(photoIds.length ? { photoIds } : {}),
    });
    return;
  }
  const path = a.kind === 'verify_pass' ? 'verify-pass' : 'verify-fail';
  try {
    await api('POST', `/api/cases/${a.caseId}/${path}`, a.body);
  } catch (e) {
    // Applied before the answer was lost? Then the case has already left reported_back.
    if (e instanceof ApiError && e.status === 409) {
      const d = await api<{ case: { state: string } }>('GET', `/api/cases/${a.caseId}`);
      if (d.case.state !== 'reported_back') return;
    }
    throw e;
  }
}

let running: Promise<number> | null = null;

/** Sends queued actions in order; stops at the first network failure. Returns how many were sent. */
export function sync(): Promise<number> {
  running ??= (async () => {
    let sent = 0;
    try {
      for (const a of await listQueue()) {
        if (a.error) continue;
        try {
          await send(a);
          await remove(a.key);
          sent++;
        } catch (e) {
          if (e instanceof ApiError && e.status === 0) break;
          if (e instanceof ApiError && (e.status === 401 || e.status >= 500)) break;
          await tx('readwrite', (s) => s.put({ ...a, error: (e as Error).message }));
          changed();
        }
      }
    } finally {
      running = null;
    }
    return sent;
  })();
  return running;
}
