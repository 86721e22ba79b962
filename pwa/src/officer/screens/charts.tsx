/**
 * Hand-written SVG bar charts (no chart library). Every chart is an image with a text alternative
 * and prints its values next to the bars, so it reads without colour and without the picture.
 */
import type { JSX } from 'preact';

export interface Bar {
  label: string;
  value: number;
  /** text printed after the bar; defaults to the value */
  text?: string;
  tone?: 'ok' | 'bad' | 'warn' | 'neutral';
}

const ROW = 26;
const LABEL_W = 190;
const BAR_W = 300;
const TEXT_W = 90;

/**
 * Horizontal bars scaled to `max` (default: the largest value). `target` (same unit as values)
 * draws a dashed vertical line with its label, e.g. a 95 % satisfaction target.
 */
export function BarChart(props: { title: string; bars: Bar[]; max?: number; target?: { value: number; label: string } }): JSX.Element {
  const max = Math.max(props.max ?? 0, ...props.bars.map((b) => b.value), props.target?.value ?? 0) || 1;
  const height = props.bars.length * ROW + (props.target ? 18 : 4);
  const width = LABEL_W + BAR_W + TEXT_W;
  const x = (v: number): number => LABEL_W + (BAR_W * Math.max(0, v)) / max;
  const summary = props.bars.map((b) => `${b.label}: ${b.text ?? b.value}`).join('; ');
  return (
    <figure class="oc-chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" role="img" aria-label={`${props.title}. ${summary}`} preserveAspectRatio="xMinYMin meet">
        {props.bars.map((b, i) => {
          const y = i * ROW + (props.target ? 14 : 2);
          return (
            <g key={b.label} class={`oc-bar oc-bar--${b.tone ?? 'neutral'}`}>
              <text x={LABEL_W - 8} y={y + 16} text-anchor="end" class="oc-chart__label">
                {b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label}
              </text>
              <rect x={LABEL_W} y={y + 3} width={Math.max(b.value > 0 ? 2 : 0, x(b.value) - LABEL_W)} height={ROW - 8} rx="2" />
              <text x={x(b.value) + 6} y={y + 16} class="oc-chart__value">
                {b.text ?? String(b.value)}
              </text>
            </g>
          );
        })}
        {props.target ? (
          <g class="oc-chart__target">
            <line x1={x(props.target.value)} x2={x(props.target.value)} y1={10} y2={height} stroke-dasharray="4 3" />
            <text x={x(props.target.value)} y={9} text-anchor="middle">
              {props.target.label}
            </text>
          </g>
        ) : null}
      </svg>
    </figure>
  );
}
