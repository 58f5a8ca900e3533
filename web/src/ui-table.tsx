// Tables. On a phone (narrow screens) every table marked `stack` shows each row as a small card of
// label–value lines (styles.css), so no column is ever cut off behind a sideways scroll; the
// column headers are then hidden, so a sortable table offers its sort as a select as well.
import { useId, useState, type ReactNode } from 'react';

export type SortDir = 'asc' | 'desc';

export interface Column<T> {
  key: string;
  label: string;
  value?: (row: T) => string | number | null;
  render?: (row: T) => ReactNode;
  numeric?: boolean;
}

function cellValue<T>(c: Column<T>, r: T): string | number | null {
  return c.value ? c.value(r) : ((r as Record<string, unknown>)[c.key] as string | number | null);
}

/** Numbers sort largest first on the first click, text A→Z. */
const firstDir = <T,>(c: Column<T>): SortDir => (c.numeric ? 'desc' : 'asc');

/**
 * A table whose column headers sort it (click or Enter/Space on the header button). The first
 * column names the row: on a phone it is the card's title.
 */
export function SortableTable<T>({ rows, columns, rowKey, caption, initial }: { rows: T[]; columns: Column<T>[]; rowKey: (r: T) => string; caption: string; initial?: { key: string; dir: SortDir } }) {
  const [sort, setSort] = useState(initial ?? { key: columns[0].key, dir: 'asc' as SortDir });
  const sortId = useId();
  const col = columns.find((c) => c.key === sort.key) ?? columns[0];
  const val = (r: T) => cellValue(col, r);
  const sorted = [...rows].sort((a, b) => {
    const x = val(a);
    const y = val(b);
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;
    if (y === null || y === undefined) return -1;
    const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sort.dir === 'asc' ? cmp : -cmp;
  });
  const toggle = (c: Column<T>) => {
    const active = c.key === sort.key;
    setSort({ key: c.key, dir: active && sort.dir === firstDir(c) ? (c.numeric ? 'asc' : 'desc') : firstDir(c) });
  };
  return (
    <>
      <div className="phone-sort">
        <label htmlFor={sortId}>Sort by</label>
        <select
          id={sortId}
          value={`${sort.key}:${sort.dir}`}
          onChange={(e) => {
            const [key, dir] = e.target.value.split(':');
            setSort({ key, dir: dir as SortDir });
          }}
        >
          {columns.flatMap((c) =>
            (c.numeric ? (['desc', 'asc'] as const) : (['asc', 'desc'] as const)).map((d) => (
              <option key={`${c.key}:${d}`} value={`${c.key}:${d}`}>
                {c.label} {c.numeric ? (d === 'desc' ? '(highest first)' : '(lowest first)') : d === 'asc' ? '(A–Z)' : '(Z–A)'}
              </option>
            )),
          )}
        </select>
      </div>
      <div className="table-wrap">
        <table className="stack sortable">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const active = c.key === sort.key;
                return (
                  <th key={c.key} scope="col" className={c.numeric ? 'num' : undefined} aria-sort={active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                    <button type="button" className="sort" onClick={() => toggle(c)}>
                      {c.label}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (sort.dir === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {sorted.map((r) => (
              <tr key={rowKey(r)}>
                {columns.map((c, i) => (
                  <td key={c.key} className={c.numeric ? 'num' : 'wrap'} data-label={c.label} data-title={i === 0 ? '' : undefined}>
                    {c.render ? c.render(r) : String(cellValue(c, r) ?? '—')}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
