// Two hand-drawn SVG charts (no chart library): the funnel as horizontal bars and the daily trend
// as lines. Both scale with their container, carry a text alternative, and use CSS classes for
// colour so the strict CSP (no inline styles) holds.
import { useId } from 'react';

export interface FunnelStage {
  label: string;
  value: number;
  tone: string;
}

export function FunnelChart({ stages, title }: { stages: FunnelStage[]; title: string }) {
  const id = useId();
  const max = Math.max(1, ...stages.map((s) => s.value));
  const top = stages[0]?.value ?? 0;
  const rowH = 40;
  const labelW = 124;
  const barW = 230;
  const width = labelW + barW + 110;
  const height = stages.length * rowH;
  const desc = stages.map((s) => `${s.label}: ${s.value}`).join(', ');
  return (
    <svg className="chart funnel" viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
      <title id={`${id}-t`}>{title}</title>
      <desc id={`${id}-d`}>{desc}</desc>
      {stages.map((s, i) => {
        const w = Math.max(s.value > 0 ? 3 : 0, (s.value / max) * barW);
        const y = i * rowH;
        const pct = top > 0 && i > 0 ? ` · ${((s.value / top) * 100).toFixed(1)}%` : '';
        return (
          <g key={s.label}>
            <text x={0} y={y + 26} className="chart-label">
              {s.label}
            </text>
            <rect x={labelW} y={y + 8} width={barW} height={26} rx={4} className="chart-track" />
            <rect x={labelW} y={y + 8} width={w} height={26} rx={4} className={`fill-${s.tone}`} />
            <text x={labelW + barW + 10} y={y + 26} className="chart-value">
              {s.value.toLocaleString()}
              {pct}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

export interface Series<T> {
  key: keyof T & string;
  label: string;
  tone: string;
}

/** Lines over days; the x axis shows the first, middle and last date, the y axis 0, half, max. */
export function TrendChart<T extends { date: string }>({ rows, series, title }: { rows: T[]; series: Series<T>[]; title: string }) {
  const id = useId();
  const W = 480;
  const H = 200;
  const pad = { l: 34, r: 10, t: 10, b: 26 };
  const iw = W - pad.l - pad.r;
  const ih = H - pad.t - pad.b;
  const values = rows.flatMap((r) => series.map((s) => Number(r[s.key]) || 0));
  const max = niceMax(Math.max(1, ...values));
  const x = (i: number) => pad.l + (rows.length <= 1 ? iw / 2 : (i / (rows.length - 1)) * iw);
  const y = (v: number) => pad.t + ih - (v / max) * ih;
  const ticks = [0, max / 2, max];
  const labelIdx = rows.length > 2 ? [0, Math.floor((rows.length - 1) / 2), rows.length - 1] : rows.map((_, i) => i);
  const totals = series.map((s) => `${s.label} ${rows.reduce((n, r) => n + (Number(r[s.key]) || 0), 0)}`).join(', ');
  return (
    <figure className="trend">
      <svg className="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          {rows.length} days from {rows[0]?.date} to {rows[rows.length - 1]?.date}. Totals: {totals}.
        </desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={pad.l} x2={W - pad.r} y1={y(t)} y2={y(t)} className="chart-grid" />
            <text x={pad.l - 6} y={y(t) + 4} className="chart-axis" textAnchor="end">
              {Number.isInteger(t) ? t : t.toFixed(1)}
            </text>
          </g>
        ))}
        {labelIdx.map((i) => (
          <text key={i} x={x(i)} y={H - 8} className="chart-axis" textAnchor={i === 0 ? 'start' : i === rows.length - 1 ? 'end' : 'middle'}>
            {shortDate(rows[i].date)}
          </text>
        ))}
        {series.map((s) => (
          <polyline key={s.key} className={`line stroke-${s.tone}`} points={rows.map((r, i) => `${x(i).toFixed(1)},${y(Number(r[s.key]) || 0).toFixed(1)}`).join(' ')} />
        ))}
        {rows.map((r, i) => (
          <rect key={r.date} x={x(i) - iw / Math.max(rows.length, 1) / 2} y={pad.t} width={iw / Math.max(rows.length, 1)} height={ih} className="hover-col">
            <title>{`${r.date}: ${series.map((s) => `${s.label} ${Number(r[s.key]) || 0}`).join(', ')}`}</title>
          </rect>
        ))}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.key}>
            <span className={`swatch bg-${s.tone}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function niceMax(v: number): number {
  const mag = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * mag) return m * mag;
  return 10 * mag;
}

function shortDate(iso: string): string {
  const d = new Date(`${iso}T00:00:00`);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
