/**
 * Photo files outside the database, named by their sha256 (identical uploads share one file).
 * A file is written under a temporary name and renamed into place, so a crash never leaves a
 * half-written photo under its real name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Sub-directory where `remove` parks a file while it decides (never a valid key, so never served). */
const REMOVING_DIR = '.removing';

/** What `remove` did: deleted the file, put it back (recently used), or found nothing to delete. */
export type PhotoRemoval = 'removed' | 'kept' | 'missing';

/** Where photos live and how they are written and read. */
export class PhotoStore {
  constructor(private readonly dir: string) {}

  /** The storage key of a photo: its file name inside the photo directory. */
  static keyOf(sha256: string, ext: string): string {
    return `${sha256}.${ext}`;
  }

  /**
   * Writes the bytes under `key` unless an identical file is already there. An existing file gets
   * its modification time set to now: that marks it as in use by this upload, whose row is not
   * inserted yet, so `remove` leaves it alone (see there). A file removed between the check and
   * the touch is simply written again.
   */
  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isFile() && existing.size === bytes.length) {
      const now = new Date();
      if (await utimes(target, now, now).then(() => true, ignoreMissing(false))) return;
    }
    await mkdir(this.dir, { recursive: true });
    const tmp = path.join(this.dir, `.${key}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(tmp, bytes, { flag: 'wx' });
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The bytes stored under `key`. */
  async read(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  /**
   * Deletes the file under `key` unless it was written or touched by `put` less than `idleMs`
   * ago (wall-clock file time). The file is first renamed aside — atomically, so a concurrent
   * `put` either touched it before (then its time is recent and it is renamed back) or finds it
   * gone and writes it again. The caller checks that no row references the key before calling;
   * an upload whose row is inserted after that check has called `put` first, so this covers it
   * as long as an upload takes less than `idleMs` from `put` to its INSERT.
   */
  async remove(key: string, idleMs: number): Promise<PhotoRemoval> {
    const target = this.pathOf(key);
    const parked = path.join(
      this.dir,
      REMOVING_DIR,
      `${key}.${Date.now()}.${randomBytes(6).toString('hex')}`,
    );
    await mkdir(path.dirname(parked), { recursive: true });
    if (!(await rename(target, parked).then(() => true, ignoreMissing(false)))) return 'missing';
    const { mtimeMs } = await stat(parked);
    if (Date.now() - mtimeMs < idleMs) {
      // In use: put it back (if an upload wrote the key again meanwhile, the bytes are the same).
      await rename(parked, target);
      return 'kept';
    }
    await rm(parked, { force: true });
    return 'removed';
  }

  /**
   * Puts back files a `remove` parked more than `olderThanMs` ago and never finished (the process
   * died in between), and returns their keys so the caller can decide about them again. Younger
   * parked files belong to a `remove` still running, perhaps on another node.
   */
  async restoreInterrupted(olderThanMs: number): Promise<string[]> {
    const dir = path.join(this.dir, REMOVING_DIR);
    const names = await readdir(dir).catch(ignoreMissing([] as string[]));
    const restored: string[] = [];
    for (const name of names) {
      const m = /^([0-9a-f]{64}\.[a-z]{3,4})\.(\d+)\.[0-9a-f]+$/.exec(name);
      if (!m || Date.now() - Number(m[2]) < olderThanMs) continue;
      const key = m[1]!;
      const target = this.pathOf(key);
      const present = await stat(target).then(() => true, ignoreMissing(false));
      if (present) await rm(path.join(dir, name), { force: true });
      else if (!(await rename(path.join(dir, name), target).then(() => true, ignoreMissing(false)))) continue;
      restored.push(key);
    }
    return restored;
  }

  /** The file path of a key; keys are generated here, but a stored one is checked all the same. */
  pathOf(key: string): string {
    if (!/^[0-9a-f]{64}\.[a-z]{3,4}$/.test(key)) throw new Error(`bad photo key ${key}`);
    return path.join(this.dir, key);
  }
}

/** A rejection handler that turns ENOENT (someone else got there first) into `value`. */
function ignoreMissing<T>(value: T): (err: unknown) => T {
  return (err) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return value;
    throw err;
  };
}
