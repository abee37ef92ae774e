/**
 * Photo uploads and downloads. An upload is checked by its bytes (not its name or declared type),
 * stripped of metadata, stored by checksum outside the database and recorded unattached; intake
 * and report-back then attach it to a case by id — only its uploader: the signed-in user, or for
 * an anonymous upload whoever holds its upload key (upload-key.ts). A photo is shown to whoever may read its case,
 * and before that only to the signed-in user who uploaded it.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/db.js';
import type { Actor } from '../../kernel/actor.js';
import { ThrottleRepository } from '../../kernel/throttle.js';
import { newUploadKey, uploadKeyHash } from '../../kernel/upload-key.js';
import type { Clock } from '../../lib/clock.js';
import { CommonErrors } from '../../lib/errors.js';
import type { CaseSupport } from '../cases/index.js';
import {
  MalformedImageError,
  PHOTO_EXTENSION,
  PHOTO_MIME_TYPES,
  type PhotoMime,
  sniffImage,
  stripMetadata,
} from './image-metadata.js';
import { PhotoErrors } from './photo.errors.js';
import { type PhotoPurpose, type PhotoRecord, PhotoRepository } from './photo.repository.js';
import { PhotoStore } from './photo-store.js';

/** The largest accepted upload (the HTTP body limit of the upload route). */
export const PHOTO_MAX_BYTES = 8 * 1024 * 1024;

/** Uploads per hour: per IP address for anonymous residents, per account when signed in. */
export const PHOTO_HOURLY_LIMIT = { anonymous: 30, user: 300 } as const;

const HOUR_MS = 3_600_000;

/** One upload as the HTTP layer hands it over. */
export interface PhotoUpload {
  body: Buffer;
  /** The request's Content-Type (parameters allowed). */
  declaredType: string;
  purpose: PhotoPurpose;
  /** The client address (after trusted proxies), for the anonymous hourly limit. */
  clientIp: string;
  /** The client's upload key (x-upload-key); anonymous uploads without one get a new key. */
  uploadKey?: string;
}

/** What an upload returns: the id to attach and what was stored. */
export interface UploadedPhoto {
  id: number;
  sha256: string;
  bytes: number;
  mime: PhotoMime;
  /** Anonymous uploads: the key to send as `photoKey` when attaching the photo to a report. */
  uploadKey?: string;
}

/** Dependencies of the photo service. */
export interface PhotoDeps {
  db: Db;
  clock: Clock;
  store: PhotoStore;
  cases: CaseSupport;
  repo?: PhotoRepository;
  throttle?: ThrottleRepository;
}

/** Photo use cases. */
export class PhotoService {
  private readonly repo: PhotoRepository;
  private readonly throttle: ThrottleRepository;

  constructor(private readonly d: PhotoDeps) {
    this.repo = d.repo ?? new PhotoRepository();
    this.throttle = d.throttle ?? new ThrottleRepository();
  }

  /** Checks, strips, stores and records one photo. */
  async upload(actor: Actor, u: PhotoUpload): Promise<UploadedPhoto> {
    if (actor.kind === 'anonymous' && u.purpose !== 'report') throw CommonErrors.Unauthenticated();
    const declared = u.declaredType.split(';')[0]!.trim().toLowerCase();
    if (!(PHOTO_MIME_TYPES as readonly string[]).includes(declared)) {
      throw CommonErrors.UnsupportedMediaType({ params: { type: declared } });
    }
    if (u.body.length === 0) throw PhotoErrors.Empty();
    if (u.body.length > PHOTO_MAX_BYTES) throw PhotoErrors.TooLarge({ params: { limit: PHOTO_MAX_BYTES } });
    // Counted before the bytes are even looked at: junk uploads count against the limit too.
    const now = this.d.clock.now();
    const user = actor.kind === 'user';
    const limit = user ? PHOTO_HOURLY_LIMIT.user : PHOTO_HOURLY_LIMIT.anonymous;
    const key = actor.kind === 'user' ? `photo-user:${actor.userId}` : `photo-ip:${u.clientIp}`;
    const { hits } = await this.throttle.hit(this.d.db, key, now, HOUR_MS);
    if (hits > limit) throw PhotoErrors.TooMany({ params: { limit } });

    const real = sniffImage(u.body);
    if (real === null || real !== declared) throw PhotoErrors.TypeMismatch({ params: { declared } });
    let clean: Buffer;
    try {
      clean = stripMetadata(u.body, real);
    } catch (err) {
      if (err instanceof MalformedImageError) throw PhotoErrors.Corrupt({ params: { detail: err.message } });
      throw err;
    }
    const sha256 = createHash('sha256').update(clean).digest('hex');
    const storageKey = PhotoStore.keyOf(sha256, PHOTO_EXTENSION[real]);
    // The file first: a row never points at a missing file (an orphan file is harmless and shared).
    await this.d.store.put(storageKey, clean);
    // Signed-in uploads belong to the account; anonymous ones to the key the client holds.
    const uploadKey = actor.kind === 'user' ? undefined : (u.uploadKey ?? newUploadKey());
    const row = await this.d.db.transaction((tx) =>
      this.repo.insert(tx, {
        purpose: u.purpose,
        sha256,
        mime: real,
        bytes: clean.length,
        storageKey,
        uploadedBy: actor.kind === 'user' ? actor.userId : null,
        uploadKeyHash: uploadKey === undefined ? null : uploadKeyHash(uploadKey),
        createdAt: now,
      }),
    );
    return { id: row.id, sha256, bytes: clean.length, mime: real, ...(uploadKey ? { uploadKey } : {}) };
  }

  /** A photo and its bytes, for whoever may read its case (or its uploader, while unattached). */
  async get(actor: Actor, id: number): Promise<{ photo: PhotoRecord; bytes: Buffer }> {
    if (actor.kind === 'anonymous') throw CommonErrors.Unauthenticated();
    const { db } = this.d;
    const photo = await this.repo.findById(db, id);
    const visible =
      photo !== undefined &&
      (photo.caseId === null
        ? actor.kind === 'user' && photo.uploadedBy === actor.userId
        : (await this.d.cases.deps.repo.findVisible(db, photo.caseId, this.d.cases.visibility(actor))) !==
          undefined);
    if (!photo || !visible) throw PhotoErrors.NotFound({ params: { id } });
    return { photo, bytes: await this.d.store.read(photo.storageKey) };
  }
}
