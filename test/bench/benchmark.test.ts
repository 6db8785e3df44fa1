/** The benchmark's arithmetic and table (the figures themselves are printed by npm run bench, never asserted). */
import { renderTable, summarize } from '../../src/bench/benchmark';

test('min / median / max over runs, median of an even count is the mean of the middle two', () => {
  expect(summarize([3, 1, 2])).toEqual({ min: 1, median: 2, max: 3 });
  expect(summarize([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
  expect(summarize([7])).toEqual({ min: 7, median: 7, max: 7 });
});

test('one row per stage, one column per size, with peak memory and notes', () => {
  const table = renderTable([
    { stage: 'synth', users: 10, seconds: { min: 0.5, median: 0.6, max: 0.7 }, peakMiB: 110 },
    { stage: 'synth', users: 1000, seconds: { min: 1.2, median: 1.3, max: 1.5 }, peakMiB: 140, note: '9.0x ours' },
  ]);
  expect(table.split('\n')).toEqual([
    '| stage | 10 users: min / median / max (s), peak MiB | 1000 users: min / median / max (s), peak MiB |',
    '| --- | --- | --- |',
    '| synth | 0.50 / 0.60 / 0.70, 110 | 1.20 / 1.30 / 1.50, 140 (9.0x ours) |',
  ]);
});
