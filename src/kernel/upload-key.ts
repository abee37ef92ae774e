/**
 * Upload keys: an anonymous upload belongs to the key its client holds (a random secret sent as
 * `x-upload-key`, or drawn by the server and returned with the upload). Only its SHA-256 is
 * stored; attaching the photo to a report needs the key itself (`photoKey`), so a photo id alone
 * — sequential, guessable — attaches nothing.
 */
import { createHash, randomBytes } from 'node:crypto';

/** What a key looks like: 22–128 URL-safe characters (≥ 128 bits when drawn at random). */
export const UPLOAD_KEY_PATTERN = '^[A-Za-z0-9_-]{22,128}$';

/** A fresh random key (32 bytes, base64url). */
export function newUploadKey(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a key. Keys are long random secrets, so a plain SHA-256 suffices. */
export function uploadKeyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
