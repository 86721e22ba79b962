/**
 * Weekly trend as a hand-written SVG line chart (like ./charts.tsx: no library, values printed,
 * a text alternative). Two lines on a 0–100 % scale with the goal as a dashed line.
 */
import type { JSX } from 'preact';

export interface Series {
  label: string;
  values: (number | null)[];
  tone: 'ok' | 'warn';
}

const W = 360;
const H = 170;
const PAD_L = 36;
const PAD_B = 24;
const PAD_T = 12;

export function TrendChart(props: { title: string; weeks: string[]; series: Series[]; target?: { value: number; label: string } }): JSX.Element {
  const n = Math.max(1, props.weeks.length - 1);
  const x = (i: number): number => PAD_L + ((W - PAD_L - 8) * i) / n;
  const y = (v: number): number => PAD_T + (H - PAD_T - PAD_B) * (1 - Math.max(0, Math.min(1, v)));
  const path = (values: (number | null)[]): string => {
    let d = '';
    let pen = false;
    values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
      pen = true;
    });
    return d.trim();
  };
  const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 100)} %`);
  const summary = props.series
    .map((s) => `${s.label}: ${s.values.map((v, i) => `${props.weeks[i]} ${pct(v)}`).join(', ')}`)
    .join('; ');
  return (
    <figure class="oc-chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`${props.title}. ${summary}`} preserveAspectRatio="xMinYMin meet">
        {[0, 0.5, 1].map((v) => (
          <g key={v} class="oc-chart__grid">
            <line x1={PAD_L} x2={W - 8} y1={y(v)} y2={y(v)} />
            <text x={PAD_L - 4} y={y(v) + 4} text-anchor="end" class="oc-chart__label">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        {props.target ? (
          <g class="oc-chart__target">
            <line x1={PAD_L} x2={W - 8} y1={y(props.target.value)} y2={y(props.target.value)} stroke-dasharray="4 3" />
            <text x={W - 10} y={y(props.target.value) - 3} text-anchor="end">
              {props.target.label}
            </text>
          </g>
        ) : null}
        {props.series.map((s) => (
          <g key={s.label} class={`oc-line oc-line--${s.tone}`}>
            <path d={path(s.values)} fill="none" stroke-width="2" />
            {s.values.map((v, i) => (v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r="3" />))}
          </g>
        ))}
        {props.weeks.map((w, i) =>
          i % Math.ceil(props.weeks.length / 6) === 0 ? (
            <text key={w} x={x(i)} y={H - 6} text-anchor="middle" class="oc-chart__label">
              {w.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <p class="oc-muted oc-legend">
        {props.series.map((s) => (
          <span key={s.label} class={`oc-legend__item oc-line--${s.tone}`}>
            ● {s.label}: {pct(s.values[s.values.length - 1] ?? null)}
          </span>
        ))}
      </p>
    </figure>
  );
}

export interface RateBar {
  label: string;
  /** 0..1, or null when nothing to measure */
  rate: number | null;
}

/**
 * Rates per commune as horizontal bars on a 0–100 % scale with the goal as a dashed line; drawn on a
 * narrow canvas so its text stays readable on a 360 px phone (the console's BarChart is laid out
 * for a desk screen).
 */
export function RateBars(props: { title: string; bars: RateBar[]; goal?: number }): JSX.Element {
  const row = 22;
  const labelW = 118;
  const barW = 170;
  const width = labelW + barW + 56;
  const height = props.bars.length * row + 18;
  const x = (v: number): number => labelW + barW * Math.max(0, Math.min(1, v));
  const pct = (v: number | null): string => (v === null ? '—' : `${Math.round(v * 100)} %`);
  const summary = props.bars.map((b) => `${b.label}: ${pct(b.rate)}`).join('; ');
  return (
    <figure class="oc-chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${props.title}. ${summary}`} preserveAspectRatio="xMinYMin meet">
        {props.bars.map((b, i) => {
          const y = i * row + 14;
          const tone = b.rate === null || props.goal === undefined ? 'neutral' : b.rate >= props.goal ? 'ok' : 'bad';
          return (
            <g key={b.label} class={`oc-bar oc-bar--${tone}`}>
              <text x={labelW - 6} y={y + 15} text-anchor="end" class="oc-chart__label">
                {b.label.length > 14 ? `${b.label.slice(0, 13)}…` : b.label}
              </text>
              <rect x={labelW} y={y + 4} width={b.rate ? Math.max(2, x(b.rate) - labelW) : 0} height={row - 8} rx="2" />
              <text x={(b.rate === null ? labelW : x(b.rate)) + 4} y={y + 15} class="oc-chart__value">
                {pct(b.rate)}
              </text>
            </g>
          );
        })}
        {props.goal === undefined ? null : (
          <g class="oc-chart__target">
            <line x1={x(props.goal)} x2={x(props.goal)} y1={10} y2={height} stroke-dasharray="4 3" />
            <text x={x(props.goal)} y={9} text-anchor="middle">
              {pct(props.goal)}
            </text>
          </g>
        )}
      </svg>
    </figure>
  );
}
