import { Type } from '@sinclair/typebox';
import type { TypedApp } from '../../kernel/http.js';
import { UPLOAD_KEY_PATTERN } from '../../kernel/upload-key.js';
import { PHOTO_MIME_TYPES } from './image-metadata.js';
import { PHOTO_PURPOSES, type PhotoPurpose } from './photo.repository.js';
import { PHOTO_MAX_BYTES, type PhotoService } from './photo.service.js';

const literalUnion = <T extends readonly string[]>(xs: T, opts: { default?: T[number] } = {}) =>
  Type.Union(
    xs.map((x) => Type.Literal(x)),
    opts,
  );

const UploadReply = Type.Object({
  id: Type.Integer(),
  sha256: Type.String(),
  bytes: Type.Integer(),
  mime: Type.String(),
  uploadKey: Type.Optional(
    Type.String({
      description: 'Anonymous uploads: send it as photoKey with the report that attaches the photo',
    }),
  ),
});

/** HTTP for photos: a raw image body in, an id out; the bytes back to those who may see them. */
export function photoRoutes(app: TypedApp, photos: PhotoService): void {
  // Raw image bodies arrive as one Buffer; anything else (and image/gif, …) stays a 415.
  app.addContentTypeParser(
    [...PHOTO_MIME_TYPES],
    { parseAs: 'buffer', bodyLimit: PHOTO_MAX_BYTES },
    (_req, body, done) => done(null, body),
  );

  app.post(
    '/api/photos',
    {
      bodyLimit: PHOTO_MAX_BYTES,
      config: { access: 'public' },
      schema: {
        tags: ['photos'],
        summary:
          'Upload one photo as the raw body (image/jpeg, image/png or image/webp, at most 8 MB); metadata is removed',
        querystring: Type.Object(
          { purpose: literalUnion(PHOTO_PURPOSES, { default: 'report' }) },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          'x-upload-key': Type.Optional(
            Type.String({
              pattern: UPLOAD_KEY_PATTERN,
              description: 'Anonymous uploads: a random key the client keeps for the report (one per report)',
            }),
          ),
        }),
        response: { 201: UploadReply },
      },
    },
    async (req, reply) => {
      const body = req.body;
      const uploaded = await photos.upload(req.actor, {
        body: Buffer.isBuffer(body) ? body : Buffer.alloc(0),
        declaredType: req.headers['content-type'] ?? '',
        purpose: req.query.purpose as PhotoPurpose,
        clientIp: req.ip,
        ...(req.headers['x-upload-key'] ? { uploadKey: req.headers['x-upload-key'] } : {}),
      });
      return reply.status(201).send(uploaded);
    },
  );

  app.get(
    '/api/photos/:id',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['photos'],
        summary: 'The photo bytes (to whoever may read its case; unattached: its uploader)',
        params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }),
      },
    },
    async (req, reply) => {
      const { photo, bytes } = await photos.get(req.actor, req.params.id);
      return reply
        .type(photo.mime)
        .header('cache-control', 'private, max-age=86400, immutable')
        .header('etag', `"${photo.sha256}"`)
        .header(
          'content-disposition',
          `inline; filename="photo-${photo.id}.${photo.storageKey.split('.').pop()}"`,
        )
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(bytes);
    },
  );
}
