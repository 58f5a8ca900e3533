// Many callers' items through one call of `run`: the database does a statement's fixed work
// (executor set-up, locks, the commit and its flush, the round trip) once for many rows.
//
// Nothing waits on a timer. A run starts at the end of the event loop's current turn, so the
// items of every request read in that turn go together; per key, up to `lanes` runs are under way
// at once, and an item that comes while they all are waits for the next run, which takes
// everything that waited (up to `max`). So under light load an item runs at once, alone, and under
// heavy load the runs grow by themselves. (On PGlite, which runs a statement without yielding, the
// turn is the only chance requests get to queue.)

export interface CoalescerOptions {
  /** Runs under way at once per key. */
  lanes: number;
  /** Items in one run at most. */
  max: number;
}

interface Waiting<I, R> {
  item: I;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

interface Queue<I, R> {
  waiting: Waiting<I, R>[];
  running: number;
  /** A start is due once the requests read in this turn of the event loop have queued. */
  starting: boolean;
}

/**
 * `run(key, items)` answers one result per item, in order. When it throws, every item of that
 * run gets the error.
 */
export function coalescer<I, R>(run: (key: string, items: I[]) => Promise<R[]>, { lanes, max }: CoalescerOptions) {
  const byKey = new Map<string, Queue<I, R>>();

  function next(key: string, queue: Queue<I, R>) {
    while (queue.running < lanes && queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, max);
      queue.running++;
      const items = batch.map((w) => w.item);
      // Through a promise even if `run` throws before returning one: the error reaches its items.
      Promise.resolve()
        .then(() => run(key, items))
        .then(
          (results) => batch.forEach((w, i) => w.resolve(results[i])),
          (err) => batch.forEach((w) => w.reject(err)),
        )
        .finally(() => {
          queue.running--;
          if (queue.running === 0 && queue.waiting.length === 0) byKey.delete(key);
          else next(key, queue);
        });
    }
  }

  return (key: string, item: I): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      let queue = byKey.get(key);
      if (!queue) byKey.set(key, (queue = { waiting: [], running: 0, starting: false }));
      queue.waiting.push({ item, resolve, reject });
      if (queue.starting || queue.running >= lanes) return;
      queue.starting = true;
      setImmediate(() => {
        queue.starting = false;
        next(key, queue);
      });
    });
}
