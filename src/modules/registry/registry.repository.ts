import { ConflictRepository } from './conflict.repository.js';
import { PersonRepository } from './person.repository.js';
import { PersonMergeRepository } from './person-merge.repository.js';
import { PlacesRepository } from './places.repository.js';
import { QualityRepository } from './quality.repository.js';
import { BatchRepository } from './registry-batch.repository.js';

/**
 * The SQL of the base-data registry (一标三实), one repository per responsibility; the service,
 * the imports and the demo take this one object and use the part they need.
 */
export class RegistryRepository {
  /** Import runs (batches), departments, provenance. */
  readonly batches = new BatchRepository();
  /** Staging and merge of person rows. */
  readonly personMerge = new PersonMergeRepository();
  /** Masked person reads and the sealed values of a reveal. */
  readonly people = new PersonRepository();
  /** Person conflicts and their resolution. */
  readonly conflicts = new ConflictRepository();
  /** Addresses, buildings, households, organisations. */
  readonly places = new PlacesRepository();
  /** Per-grid counts and gaps. */
  readonly quality = new QualityRepository();
}
