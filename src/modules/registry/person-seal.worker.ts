/**
 * Worker thread of SealPool: rebuilds the importer's FieldCipher from its keys and seals the
 * chunks it is sent, so encryption and hashing of a large file run beside parsing and the
 * database instead of on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FieldCipher, type FieldCipherKeys } from '../../lib/privacy.js';
import type { ValidPerson } from './person.types.js';
import { sealPerson } from './person-seal.js';

const cipher = new FieldCipher(workerData as FieldCipherKeys);
parentPort?.on('message', (msg: { id: number; rows: ValidPerson[] }) => {
  parentPort?.postMessage({ id: msg.id, rows: msg.rows.map((r) => sealPerson(r, cipher)) });
});
parentPort?.postMessage({ ready: true });
