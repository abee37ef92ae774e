/** Events the registry module publishes (see src/kernel/domain-events.ts). */

/** A department file was merged into the base data (published inside the import's transaction). */
export interface RegistryImported {
  batchId: number;
  /** person, household, address, building or organisation. */
  kind: string;
  source: string;
  at: Date;
}

declare module '../../kernel/domain-events.js' {
  interface DomainEventMap {
    'registry.imported': RegistryImported;
  }
}
