/**
 * Natural batching ("group commit"): callers submit items one at a time and get their own answer;
 * items that arrive while earlier batches are being written are written together in the next
 * batch. Under low load a batch holds one item and nothing waits; under load batches grow by
 * themselves, so a fixed per-batch cost (round trips, the COMMIT's WAL flush) is shared.
 *
 * `write` answers every item of a batch (value or error). If it throws instead — one bad item can
 * fail a whole transaction — each item of that batch is written again on its own, so an item's
 * answer never depends on the other items it happened to be batched with.
 */

/** The answer for one item of a batch. */
export type Outcome<O> = { ok: true; value: O } | { ok: false; error: unknown };

/** Options of a Batcher. */
export interface BatcherOptions {
  /** Largest batch (default 64). */
  maxBatch?: number;
  /** Batches written at the same time (default 2: one commits while the next is written). */
  maxInFlight?: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Writes submitted items in batches; see the module comment. */
export class Batcher<I, O> {
  /** Batches written (retries of single items included), items in them, the largest batch. */
  readonly stats = { batches: 0, items: 0, largest: 0 };
  private readonly queue: Array<Waiting<I, O>> = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly write: (items: readonly I[]) => Promise<ReadonlyArray<Outcome<O>>>,
    opts: BatcherOptions = {},
  ) {
    this.maxBatch = opts.maxBatch ?? 64;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  /** Queues one item; resolves with its value, or rejects with its error. */
  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // One turn of the event loop first: requests that have already arrived get to join this
      // batch. Without it an embedded database (PGlite runs on this thread, its queries resolve as
      // microtasks) would write every request alone before the next one is even read.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async run(batch: Array<Waiting<I, O>>): Promise<void> {
    let outcomes: ReadonlyArray<Outcome<O>>;
    this.stats.batches += 1;
    this.stats.items += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    try {
      outcomes = await this.write(batch.map((w) => w.item));
      if (outcomes.length !== batch.length)
        throw new Error('batch writer answered a different number of items');
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Someone's item failed the whole batch: each item again, alone, in arrival order (so of
      // two items with the same idempotency key the first is written and the second replays it).
      for (const w of batch) await this.run([w]);
      return;
    }
    outcomes.forEach((o, i) => {
      const w = batch[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
  }
}
