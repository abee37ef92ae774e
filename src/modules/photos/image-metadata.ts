/**
 * Image type by magic bytes and metadata stripping, without decoding pixels or adding a
 * dependency. A resident's phone photo carries GPS coordinates, the device and the time in its
 * EXIF block; none of that may leave the server, so it is removed before the file is stored:
 * JPEG APP1 (EXIF, XMP), APP13 (IPTC) and comment segments; PNG text, eXIf and tIME chunks;
 * WebP EXIF and XMP chunks. Colour information (JFIF, ICC profiles, Adobe) is kept.
 */

/** The image types accepted for upload. */
export const PHOTO_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** One of PHOTO_MIME_TYPES. */
export type PhotoMime = (typeof PHOTO_MIME_TYPES)[number];

/** File extension per type, for the stored file name. */
export const PHOTO_EXTENSION: Readonly<Record<PhotoMime, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** Thrown when the bytes claim a format but do not follow its structure. */
export class MalformedImageError extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'MalformedImageError';
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The real type of the bytes, or null when they are none of the accepted formats. */
export function sniffImage(b: Uint8Array): PhotoMime | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 8 && Buffer.from(b.subarray(0, 8)).equals(PNG_SIGNATURE)) return 'image/png';
  if (
    b.length >= 12 &&
    Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' &&
    Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/** The bytes without metadata, checked for structure on the way (MalformedImageError otherwise). */
export function stripMetadata(b: Buffer, mime: PhotoMime): Buffer {
  switch (mime) {
    case 'image/jpeg':
      return stripJpeg(b);
    case 'image/png':
      return stripPng(b);
    case 'image/webp':
      return stripWebp(b);
  }
}

/** JPEG segments dropped: APP1 (EXIF, XMP), APP13 (Photoshop/IPTC), COM. */
const JPEG_DROP = new Set([0xe1, 0xed, 0xfe]);

/**
 * Walks the JPEG marker segments up to the first start-of-scan, dropping metadata segments; the
 * entropy-coded data from SOS to the end is copied as it is (markers there are part of the image).
 */
export function stripJpeg(b: Buffer): Buffer {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) throw new MalformedImageError('missing SOI');
  const parts: Buffer[] = [b.subarray(0, 2)];
  let i = 2;
  for (;;) {
    if (i >= b.length) throw new MalformedImageError('no image data');
    if (b[i] !== 0xff) throw new MalformedImageError(`expected a marker at ${i}`);
    let j = i + 1;
    while (j < b.length && b[j] === 0xff) j++; // fill bytes
    if (j >= b.length) throw new MalformedImageError('truncated marker');
    const marker = b[j]!;
    if (marker === 0xd9) throw new MalformedImageError('no image data before EOI');
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(Buffer.from([0xff, marker]));
      i = j + 1;
      continue;
    }
    if (j + 2 >= b.length) throw new MalformedImageError('truncated segment length');
    const len = b.readUInt16BE(j + 1);
    const end = j + 1 + len;
    if (len < 2 || end > b.length) throw new MalformedImageError(`bad segment length at ${j}`);
    if (marker === 0xda) {
      parts.push(Buffer.from([0xff]), b.subarray(j));
      return Buffer.concat(parts);
    }
    if (!JPEG_DROP.has(marker)) parts.push(Buffer.from([0xff]), b.subarray(j, end));
    i = end;
  }
}

/** PNG chunks dropped: textual data, EXIF and the modification time. */
const PNG_DROP = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

/** Walks the PNG chunks from IHDR to IEND, dropping metadata chunks and anything after IEND. */
export function stripPng(b: Buffer): Buffer {
  if (b.length < 8 || !b.subarray(0, 8).equals(PNG_SIGNATURE)) throw new MalformedImageError('bad signature');
  const parts: Buffer[] = [PNG_SIGNATURE];
  let i = 8;
  let first = true;
  for (;;) {
    if (i + 12 > b.length) throw new MalformedImageError('missing IEND');
    const len = b.readUInt32BE(i);
    const type = b.toString('latin1', i + 4, i + 8);
    const end = i + 12 + len;
    if (!/^[A-Za-z]{4}$/.test(type) || end > b.length) throw new MalformedImageError(`bad chunk at ${i}`);
    if (first && type !== 'IHDR') throw new MalformedImageError('IHDR must come first');
    first = false;
    if (!PNG_DROP.has(type)) parts.push(b.subarray(i, end));
    if (type === 'IEND') return Buffer.concat(parts);
    i = end;
  }
}

/** Walks the RIFF chunks of a WebP file, dropping EXIF and XMP and clearing their VP8X flags. */
export function stripWebp(b: Buffer): Buffer {
  if (sniffImage(b) !== 'image/webp') throw new MalformedImageError('bad RIFF header');
  const riffEnd = Math.min(b.length, 8 + b.readUInt32LE(4));
  const chunks: Buffer[] = [];
  let hasImage = false;
  let i = 12;
  while (i + 8 <= riffEnd) {
    const fourcc = b.toString('latin1', i, i + 4);
    const size = b.readUInt32LE(i + 4);
    const end = i + 8 + size + (size % 2);
    if (i + 8 + size > riffEnd) throw new MalformedImageError(`bad chunk ${fourcc}`);
    if (fourcc === 'VP8 ' || fourcc === 'VP8L' || fourcc === 'ANIM') hasImage = true;
    if (fourcc !== 'EXIF' && fourcc !== 'XMP ') {
      const chunk = Buffer.from(b.subarray(i, Math.min(end, riffEnd)));
      if (fourcc === 'VP8X' && size >= 1) chunk[8] = chunk[8]! & ~0x0c;
      chunks.push(chunk);
    }
    i = end;
  }
  if (!hasImage) throw new MalformedImageError('no image chunk');
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + body.length, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
