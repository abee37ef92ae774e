import type { Queryable } from '../db/db.js';
import type { Clock } from '../lib/clock.js';
import type { FieldCipher } from '../lib/privacy.js';
import type { Rng } from '../lib/random.js';
import type { Progress } from './progress.js';

/** What each demo step gets: the transaction, a seeded random stream of its own, time and progress. */
export interface DemoEnv {
  rng: Rng;
  clock: Clock;
  progress: Progress;
  seed: number;
  /** Encrypts the demo's personal data (people, phones) with the configured DATA_KEY. */
  cipher: FieldCipher;
}

/**
 * One module's contribution to the demo city. Steps run in order in one transaction, so a
 * failed demo leaves an empty database, not half a city.
 */
export interface DemoStep {
  name: string;
  /** Inserts the step's data; returns a short summary such as "2,013 grids". */
  run(tx: Queryable, env: DemoEnv): Promise<string>;
}
