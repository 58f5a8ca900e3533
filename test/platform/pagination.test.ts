// pageAndTotal: the count runs only when the page cannot tell the total itself.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pageAndTotal } from '../../src/platform/pagination.ts';

/** A list of `size` rows read as the database would, counting the statements each answer took. */
function listOf(size: number) {
  const all = Array.from({ length: size }, (_, i) => i);
  const statements: string[] = [];
  const read = (page: { limit?: number; offset: number }) =>
    pageAndTotal(
      page,
      async () => (statements.push('page'), all.slice(page.offset, page.limit === undefined ? undefined : page.offset + page.limit)),
      async () => (statements.push('count'), [{ n: String(size) }]),
    );
  return { read, statements };
}

describe('pageAndTotal', () => {
  test('a page shorter than its limit answers the total without a count', async () => {
    const l = listOf(7);
    assert.deepEqual(await l.read({ limit: 10, offset: 0 }), [[0, 1, 2, 3, 4, 5, 6], 7]);
    assert.deepEqual(await l.read({ limit: 5, offset: 5 }), [[5, 6], 7]);
    assert.deepEqual(await l.read({ offset: 2 }), [[2, 3, 4, 5, 6], 7]); // no limit: every row from the offset
    assert.deepEqual(l.statements, ['page', 'page', 'page']);
  });

  test('an empty list at the start is 0 without a count', async () => {
    const l = listOf(0);
    assert.deepEqual(await l.read({ limit: 10, offset: 0 }), [[], 0]);
    assert.deepEqual(l.statements, ['page']);
  });

  test('a full page, or an empty one past the start, is counted (the count as a number)', async () => {
    const l = listOf(7);
    assert.deepEqual(await l.read({ limit: 3, offset: 0 }), [[0, 1, 2], 7]);
    assert.deepEqual(await l.read({ limit: 7, offset: 0 }), [[0, 1, 2, 3, 4, 5, 6], 7]);
    assert.deepEqual(await l.read({ limit: 3, offset: 9 }), [[], 7]);
    assert.deepEqual(l.statements, ['page', 'count', 'page', 'count', 'page', 'count']);
  });
});
