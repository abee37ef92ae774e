import { describe, expect, it } from 'vitest';
import { Batcher, type Outcome } from '../../src/lib/batcher.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('Batcher (group commit)', () => {
  it('writes a lone item on its own, and items that arrive together or meanwhile in batches', async () => {
    const seen: number[][] = [];
    const b = new Batcher<number, number>(
      async (items) => {
        seen.push([...items]);
        await tick();
        return items.map((v): Outcome<number> => ({ ok: true, value: v * 10 }));
      },
      { maxInFlight: 1, maxBatch: 8 },
    );
    expect(await b.submit(-1)).toBe(-10);
    expect(seen).toEqual([[-1]]);
    // 20 at once, then 5 more while the first batch is being written.
    const first = Array.from({ length: 20 }, (_, i) => b.submit(i));
    await new Promise((r) => setTimeout(r, 1));
    const later = Array.from({ length: 5 }, (_, i) => b.submit(20 + i));
    const answers = await Promise.all([...first, ...later]);
    expect(answers).toEqual(Array.from({ length: 25 }, (_, i) => i * 10));
    // In arrival order, at most 8 per batch; the 5 latecomers joined the queue behind the first 8.
    expect(seen.slice(1).map((x) => x.length)).toEqual([8, 8, 8, 1]);
    expect(seen.slice(1).flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(b.stats).toEqual({ batches: 5, items: 26, largest: 8 });
  });

  it("gives each item its own answer: an item's error does not touch the others", async () => {
    const b = new Batcher<number, number>(async (items) =>
      items.map(
        (v): Outcome<number> =>
          v % 3 === 0 ? { ok: false, error: new Error(`bad ${v}`) } : { ok: true, value: v },
      ),
    );
    const settled = await Promise.allSettled(Array.from({ length: 9 }, (_, i) => b.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(
      Array.from({ length: 9 }, (_, i) => (i % 3 === 0 ? 'rejected' : 'fulfilled')),
    );
  });

  it('when a batch fails as a whole, writes each of its items again alone, in arrival order', async () => {
    const alone: number[] = [];
    const b = new Batcher<number, string>(
      async (items) => {
        await tick();
        // A transaction that one poisoned item aborts: the whole batch fails.
        if (items.includes(4) && items.length > 1) throw new Error('batch aborted');
        if (items.length === 1) alone.push(items[0]!);
        if (items[0] === 4) throw new Error('item 4 is bad');
        return items.map((v): Outcome<string> => ({ ok: true, value: `ok ${v}` }));
      },
      { maxInFlight: 1 },
    );
    const settled = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => b.submit(i)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'ok 0',
      'ok 1',
      'ok 2',
      'ok 3',
      'item 4 is bad',
      'ok 5',
      'ok 6',
      'ok 7',
    ]);
    // The batch of 8 failed as a whole; each item was written again alone, in order.
    expect(alone).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('never runs more batches at once than allowed', async () => {
    let running = 0;
    let peak = 0;
    const b = new Batcher<number, number>(
      async (items) => {
        running += 1;
        peak = Math.max(peak, running);
        await tick();
        running -= 1;
        return items.map((v): Outcome<number> => ({ ok: true, value: v }));
      },
      { maxInFlight: 3, maxBatch: 2 },
    );
    await Promise.all(Array.from({ length: 30 }, (_, i) => b.submit(i)));
    expect(peak).toBe(3);
  });
});
