// The coalescer under the one-statement task create (src/work/task-insert.ts): what it promises
// its callers — each gets its own result, items that wait share the next run, keys never mix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalescer } from '../../src/platform/coalescer.ts';

/** A run that records what it was given and finishes when told to. */
function recorder() {
  const runs: { key: string; items: number[]; finish: (err?: Error) => void }[] = [];
  const run = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      runs.push({ key, items, finish: (err) => (err ? reject(err) : resolve(items.map((i) => `${key}:${i * 10}`))) });
    });
  return { runs, run };
}
const tick = () => new Promise((resolve) => setImmediate(resolve));

test('an item runs alone at the end of the turn when no run is under way; no timer holds it', async () => {
  const { runs, run } = recorder();
  const add = coalescer(run, { lanes: 1, max: 10 });
  const result = add('a', 1);
  assert.equal(runs.length, 0, "nothing runs before the turn ends");
  await tick();
  assert.deepEqual(runs.map((r) => r.items), [[1]]);
  runs[0].finish();
  assert.equal(await result, 'a:10');
});

test('items of one turn share a run (up to max); items that come while every lane is busy wait and share the next; each gets its own result', async () => {
  const { runs, run } = recorder();
  const add = coalescer(run, { lanes: 2, max: 3 });
  const results = [1, 2, 3, 4].map((i) => add('a', i));
  await tick();
  // One turn: 1–3 go together (max 3), and 4 takes the second lane.
  assert.deepEqual(runs.map((r) => r.items), [[1, 2, 3], [4]]);
  results.push(...[5, 6, 7].map((i) => add('a', i)));
  await tick();
  assert.deepEqual(runs.length, 2, 'both lanes are busy: 5–7 wait');
  runs[1].finish();
  await tick();
  assert.deepEqual(runs.map((r) => r.items), [[1, 2, 3], [4], [5, 6, 7]]);
  runs[0].finish();
  runs[2].finish();
  assert.deepEqual(await Promise.all(results), ['a:10', 'a:20', 'a:30', 'a:40', 'a:50', 'a:60', 'a:70']);
});

test('keys never share a run, and each has its own lanes', async () => {
  const { runs, run } = recorder();
  const add = coalescer(run, { lanes: 1, max: 10 });
  const results = [add('a', 1), add('b', 2)];
  await tick();
  results.push(add('a', 3), add('b', 4));
  await tick();
  assert.deepEqual(runs.map((r) => [r.key, r.items]), [['a', [1]], ['b', [2]]]);
  runs.forEach((r) => r.finish());
  await tick();
  await tick();
  assert.deepEqual(runs.slice(2).map((r) => [r.key, r.items]), [['a', [3]], ['b', [4]]]);
  runs.slice(2).forEach((r) => r.finish());
  assert.deepEqual(await Promise.all(results), ['a:10', 'b:20', 'a:30', 'b:40']);
});

test('a run that fails rejects its own items only; the next run goes on', async () => {
  const { runs, run } = recorder();
  const add = coalescer(run, { lanes: 1, max: 10 });
  const first = add('a', 1);
  await tick();
  const [second, third] = [add('a', 2), add('a', 3)];
  runs[0].finish(new Error('deadlock detected'));
  await assert.rejects(first, /deadlock/);
  await tick();
  assert.deepEqual(runs[1].items, [2, 3]);
  runs[1].finish();
  assert.deepEqual(await Promise.all([second, third]), ['a:20', 'a:30']);
});
