import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

/** PKCS#8 DER header of a raw 32-byte Ed25519 seed (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The fixed, public checkpoint signing key of development and test (like DEV_AUDIT_KEY): the
 * serve/verify round trip works without set-up, and it protects nothing. Production never uses it.
 */
export const DEV_SIGNING_KEY: KeyObject = createPrivateKey({
  key: Buffer.concat([
    ED25519_PKCS8_PREFIX,
    createHash('sha256').update('civicgrid-development-checkpoint-key: public, not a secret').digest(),
  ]),
  format: 'der',
  type: 'pkcs8',
});

/** Why a key text was refused (config turns it into a ConfigError naming the variable). */
export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') throw new KeyFormatError('must be an Ed25519 key');
  return key;
}

function derOf(text: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) throw new KeyFormatError('is neither PEM nor base64');
  return Buffer.from(compact, 'base64');
}

/** An Ed25519 private key from PEM (`openssl genpkey -algorithm ed25519`) or base64 PKCS#8 DER. */
export function parseSigningKey(text: string): KeyObject {
  try {
    const key = text.includes('-----BEGIN')
      ? createPrivateKey({ key: text, format: 'pem' })
      : createPrivateKey({ key: derOf(text), format: 'der', type: 'pkcs8' });
    return requireEd25519(key);
  } catch (err) {
    if (err instanceof KeyFormatError) throw err;
    throw new KeyFormatError('is not an Ed25519 private key (PEM or base64 PKCS#8)');
  }
}

/**
 * Ed25519 public keys: one or more PEM blocks (`openssl pkey -pubout`; several after a key
 * rotation, so older checkpoints still verify) or comma-separated base64 SPKI DER.
 */
export function parseVerifyKeys(text: string): KeyObject[] {
  try {
    const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g);
    const keys = pems
      ? pems.map((pem) => createPublicKey({ key: pem, format: 'pem' }))
      : text
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')
          .map((part) => createPublicKey({ key: derOf(part), format: 'der', type: 'spki' }));
    if (keys.length === 0) throw new KeyFormatError('holds no public key');
    return keys.map(requireEd25519);
  } catch (err) {
    if (err instanceof KeyFormatError) throw err;
    throw new KeyFormatError('is not a list of Ed25519 public keys (PEM or base64 SPKI)');
  }
}

/** The public half of a signing key (verification falls back to it when no verify key is set). */
export function publicKeyOf(signingKey: KeyObject): KeyObject {
  return createPublicKey(signingKey);
}

/** A short, stable name of a public key (first 16 hex of SHA-256 over its SPKI DER). */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256')
    .update(publicKey.export({ format: 'der', type: 'spki' }))
    .digest('hex')
    .slice(0, 16);
}

/**
 * The fixed, public audit key of development and test (config refuses to start without AUDIT_KEY
 * when NODE_ENV=production): records written by the server, the CLI and the tests of one
 * development database verify with each other. It protects nothing and is not meant to.
 */
export const DEV_AUDIT_KEY = 'civicgrid-development-audit-key: public, not a secret';
