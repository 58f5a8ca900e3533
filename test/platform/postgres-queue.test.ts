// patches/postgres+3.4.9.patch, the pool queue: postgres.js moves a connection between queues with
// `c.queue.remove(c); queue.push(c)`. A query pipelined on a busy connection takes it with
// busy.shift() and moves it back to busy, and shift() left its consumed slot at the front of the
// array, so while busy never emptied the array grew by one per query and every remove() scanned
// it all: under steady load the node slowed by the minute. The checks count the elements
// remove() scans (through Array.prototype.indexOf) and compare every answer with a plain model.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';

interface Queue<T> {
  readonly length: number;
  push(x: T): T;
  shift(): T | undefined;
  remove(x: T): T | null;
}
type QueueFactory = <T>(initial?: T[]) => Queue<T>;

// The package exports only its entry points: the queue is loaded from its file, both builds.
const root = path.resolve(import.meta.dirname, '../../node_modules/postgres');
const builds: [string, () => Promise<QueueFactory>][] = [
  ['ESM (src/)', async () => (await import(pathToFileURL(path.join(root, 'src/queue.js')).href)).default],
  ['CommonJS (cjs/)', async () => createRequire(import.meta.url)(path.join(root, 'cjs/src/queue.js'))],
];

/** Runs `work`, counting the array elements indexOf had to look at. */
function scanned(work: () => void): number {
  const indexOf = Array.prototype.indexOf;
  let n = 0;
  Array.prototype.indexOf = function (this: unknown[], x: unknown, from?: number) {
    n += this.length - (from ?? 0);
    return indexOf.call(this, x, from);
  };
  try {
    work();
  } finally {
    Array.prototype.indexOf = indexOf;
  }
  return n;
}

for (const [name, load] of builds) {
  test(`postgres.js pool queue (${name}): a connection taken from busy and moved back costs the same on the 100,000th query as on the first`, async () => {
    const Queue = await load();
    const connections = Array.from({ length: 10 }, (_, i) => ({ id: i }));
    const busy = Queue(connections);
    // The pool's `go(busy.shift(), query)` then `move(c, busy)`, query after query.
    const rotate = () => {
      const c = busy.shift()!;
      busy.remove(c);
      busy.push(c);
    };
    const first = scanned(() => {
      for (let i = 0; i < 1000; i++) rotate();
    });
    for (let i = 0; i < 100_000; i++) rotate();
    const later = scanned(() => {
      for (let i = 0; i < 1000; i++) rotate();
    });
    assert.equal(busy.length, 10);
    // Unpatched, the later thousand scanned ~100 million slots; patched, a few dozen per call.
    assert.ok(later <= first * 2 + 64_000, `the later 1,000 moves scanned ${later} slots, the first 1,000 ${first}`);
  });

  test(`postgres.js pool queue (${name}): push, shift and remove answer as a plain FIFO does`, async () => {
    const Queue = await load();
    const q = Queue<number>([1, 2, 3]);
    const model = [1, 2, 3];
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let next = 4;
    for (let i = 0; i < 50_000; i++) {
      const r = random();
      if (r < 0.4) assert.equal(q.push(next), model[model.push(next) - 1]), next++;
      else if (r < 0.75) {
        if (model.length) assert.equal(q.shift(), model.shift());
      } else {
        // Half of the removals name an element that is there, half one that is not.
        const x = r < 0.875 && model.length ? model[Math.floor(random() * model.length)] : next + 1000;
        const at = model.indexOf(x);
        if (at >= 0) model.splice(at, 1);
        assert.equal(q.remove(x), at >= 0 ? x : null);
      }
      assert.equal(q.length, model.length);
    }
    const rest: number[] = [];
    while (q.length) rest.push(q.shift()!);
    assert.deepEqual(rest, model);
  });
}
