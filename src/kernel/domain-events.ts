/**
 * Domain events: how one module tells others that something happened without importing them.
 * The publishing module declares its events by augmenting `DomainEventMap` in its public entry;
 * the composition root (src/server) subscribes the interested modules' handlers.
 *
 * Handlers run inside the publisher's transaction, one after another, before it commits: what
 * they write commits or rolls back with the use case (one transaction per use case), and a
 * failing handler fails the use case. Work that must not hold the transaction (sending,
 * streaming) belongs after the commit (`afterCommitOf`).
 */
import type { Queryable } from '../db/db.js';

/** Every event's name and payload. Modules add theirs with `declare module` augmentation. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in each module.
export interface DomainEventMap {}

export type DomainEventName = keyof DomainEventMap;

export type DomainEventHandler<K extends DomainEventName> = (
  tx: Queryable,
  payload: DomainEventMap[K],
) => Promise<void>;

/** The in-process event bus of one node (events do not cross nodes; the database does). */
export class DomainEvents {
  private readonly handlers = new Map<DomainEventName, Array<DomainEventHandler<DomainEventName>>>();

  /** Subscribes a handler; returns a function that unsubscribes it. */
  on<K extends DomainEventName>(name: K, handler: DomainEventHandler<K>): () => void {
    const list = this.handlers.get(name) ?? [];
    list.push(handler as DomainEventHandler<DomainEventName>);
    this.handlers.set(name, list);
    return () => {
      const i = list.indexOf(handler as DomainEventHandler<DomainEventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  /** Runs every handler of the event in the caller's transaction, in subscription order. */
  async publish<K extends DomainEventName>(
    tx: Queryable,
    name: K,
    payload: DomainEventMap[K],
  ): Promise<void> {
    for (const handler of this.handlers.get(name) ?? []) await handler(tx, payload);
  }
}
