import type { Queryable } from '../../db/db.js';

/** Uploads are of one of these kinds (the case_photos CHECK constraint). */
export const PHOTO_PURPOSES = ['report', 'report_back', 'verify'] as const;
/** One of PHOTO_PURPOSES. */
export type PhotoPurpose = (typeof PHOTO_PURPOSES)[number];

/** A photo row as stored. */
export interface PhotoRecord {
  id: number;
  caseId: number | null;
  purpose: PhotoPurpose;
  sha256: string;
  mime: string;
  bytes: number;
  storageKey: string;
  uploadedBy: number | null;
  /** SHA-256 of the upload key of an anonymous upload (see upload-key.ts). */
  uploadKeyHash: string | null;
  createdAt: Date;
}

/** The only SQL for uploaded photos (attaching them to cases is the case repository's). */
export class PhotoRepository {
  /** Records an uploaded, not yet attached photo. */
  async insert(q: Queryable, p: Omit<PhotoRecord, 'id' | 'caseId'>): Promise<PhotoRecord> {
    const { rows } = await q.query<{ id: number }>(
      `INSERT INTO case_photos (case_id, purpose, sha256, mime, bytes, storage_key, uploaded_by, upload_key_hash, created_at)
       VALUES (NULL, $1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [p.purpose, p.sha256, p.mime, p.bytes, p.storageKey, p.uploadedBy, p.uploadKeyHash, p.createdAt],
    );
    return { ...p, id: rows[0]!.id, caseId: null };
  }

  /** One photo by id. */
  async findById(q: Queryable, id: number): Promise<PhotoRecord | undefined> {
    const { rows } = await q.query<Record<string, unknown>>('SELECT * FROM case_photos WHERE id = $1', [id]);
    const r = rows[0];
    if (!r) return undefined;
    return {
      id: r.id as number,
      caseId: r.case_id as number | null,
      purpose: r.purpose as PhotoPurpose,
      sha256: r.sha256 as string,
      mime: r.mime as string,
      bytes: r.bytes as number,
      storageKey: r.storage_key as string,
      uploadedBy: r.uploaded_by as number | null,
      uploadKeyHash: (r.upload_key_hash as string | null) ?? null,
      createdAt: r.created_at as Date,
    };
  }
}
