/**
 * The grid worker's outbox: every write is stored in IndexedDB first (with its idempotency key)
 * and sent when the network allows. The server applies a key once: a report carries it as
 * `idempotencyKey`, a case action (verify pass/fail) as the `Idempotency-Key` header, so a
 * replay after a lost answer returns the first result (or the case as it is) and changes
 * nothing. Photos are uploaded once and their ids stored with the item before the action is
 * sent, so a replay sends exactly the same request. Items leave the queue only when the server
 * has confirmed them.
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
  /** Ids of the photos once uploaded (kept so a replay repeats the same request). */
  photoIds?: number[];
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

/** Action kinds and their route under /api/cases/:id/. */
const ACTION_PATH: Record<Exclude<QueuedAction['kind'], 'report'>, string> = {
  verify_pass: 'verify-pass',
  verify_fail: 'verify-fail',
};

/** Uploads the item's photos once; their ids are stored with the item before it is sent. */
async function photoIdsOf(a: QueuedAction): Promise<number[]> {
  if (a.photoIds) return a.photoIds;
  const ids = a.photos.length ? await uploadPhotos(a.photos, a.kind === 'report' ? 'report' : 'verify') : [];
  a.photoIds = ids;
  await tx('readwrite', (s) => s.put(a));
  return ids;
}

async function send(a: QueuedAction): Promise<void> {
  // verify_fail takes only a note; photos are attached to reports and passed verifications.
  const photoIds = a.kind === 'verify_fail' ? [] : await photoIdsOf(a);
  const withPhotos = photoIds.length ? { photoIds } : {};
  if (a.kind === 'report') {
    await api('POST', '/api/cases', { ...a.body, idempotencyKey: a.key, ...withPhotos });
    return;
  }
  await api(
    'POST',
    `/api/cases/${a.caseId}/${ACTION_PATH[a.kind]}`,
    { ...a.body, ...withPhotos },
    {
      headers: { 'idempotency-key': a.key },
    },
  );
}

/** Drops an item the server refused (the worker saw why). */
export function discard(key: string): Promise<void> {
  return remove(key);
}

/** Clears an item's error so the next sync sends it again. */
export async function retry(a: QueuedAction): Promise<void> {
  const { error: _e, ...rest } = a;
  await tx('readwrite', (s) => s.put(rest));
  changed();
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
          // Offline, signed out, throttled or a server fault: keep it and try again later.
          if (e instanceof ApiError && [0, 401, 408, 429].includes(e.status)) break;
          if (e instanceof ApiError && e.status >= 500) break;
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
