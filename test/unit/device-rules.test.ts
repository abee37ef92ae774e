import { describe, expect, it } from 'vitest';
import { judgeReading, parseReading } from '../../src/modules/devices/device-rules.js';

const NOW = new Date('2026-01-05T02:00:00Z');

describe('device readings', () => {
  it('accepts ISO 8601 with offset or epoch ms, the type unit and a battery level', () => {
    expect(
      parseReading(
        'manhole_tilt',
        '{"ts":"2026-01-05T09:30:00+08:00","value":17.5,"unit":"deg","battery":81}',
        NOW,
      ),
    ).toEqual({
      ok: true,
      reading: { ts: new Date('2026-01-05T01:30:00Z'), value: 17.5, battery: 81 },
    });
    expect(parseReading('smoke', { ts: NOW.getTime(), value: true }, NOW)).toMatchObject({
      ok: true,
      reading: { value: 1 },
    });
  });

  it('refuses malformed payloads with a reason', () => {
    const bad: Array<[Parameters<typeof parseReading>[0], unknown, RegExp]> = [
      ['noise', '{"ts":', /not JSON/],
      ['noise', '[1]', /object/],
      ['noise', { value: 3 }, /ts/],
      ['noise', { ts: '2026-01-05 09:30', value: 3 }, /ts/], // no offset
      ['noise', { ts: NOW.toISOString(), value: '80' }, /number/],
      ['noise', { ts: NOW.toISOString(), value: 250 }, /outside/],
      ['bin_fill', { ts: NOW.toISOString(), value: 50, unit: 'litres' }, /unit/],
      ['bin_fill', { ts: NOW.toISOString(), value: 50, battery: -1 }, /battery/],
      ['water_level', { ts: new Date(NOW.getTime() + 2 * 86_400_000).toISOString(), value: 1 }, /future/],
      ['water_level', 'x'.repeat(5000), /too large/],
    ];
    for (const [type, payload, reason] of bad) {
      const r = parseReading(type, payload, NOW);
      expect(r.ok, JSON.stringify(payload).slice(0, 60)).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(reason);
    }
  });

  it('alarms once the run over the threshold is long enough; a normal reading resets the run', () => {
    const noise = { threshold: 70, consecutive: 3 };
    let over = 0;
    const alarms = [80, 85, 60, 75, 90, 71, 72].map((v) => {
      const j = judgeReading(noise, over, v);
      over = j.overCount;
      return j.alarm;
    });
    expect(alarms).toEqual([false, false, false, false, false, true, true]);
    expect(judgeReading({ threshold: 15, consecutive: 1 }, 0, 15).alarm).toBe(false); // strictly above
    expect(judgeReading({ threshold: 15, consecutive: 1 }, 0, 15.1).alarm).toBe(true);
  });
});
