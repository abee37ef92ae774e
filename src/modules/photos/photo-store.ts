/**
 * Photo files outside the database, named by their sha256 (identical uploads share one file).
 * A file is written under a temporary name and renamed into place, so a crash never leaves a
 * half-written photo under its real name.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where photos live and how they are written and read. */
export class PhotoStore {
  constructor(private readonly dir: string) {}

  /** The storage key of a photo: its file name inside the photo directory. */
  static keyOf(sha256: string, ext: string): string {
    return `${sha256}.${ext}`;
  }

  /** Writes the bytes under `key` unless an identical file is already there. */
  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isFile() && existing.size === bytes.length) return;
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

  /** The file path of a key; keys are generated here, but a stored one is checked all the same. */
  pathOf(key: string): string {
    if (!/^[0-9a-f]{64}\.[a-z]{3,4}$/.test(key)) throw new Error(`bad photo key ${key}`);
    return path.join(this.dir, key);
  }
}
