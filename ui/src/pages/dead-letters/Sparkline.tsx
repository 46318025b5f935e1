/**
 * A hotspot's dead letters per bucket as a tiny inline SVG line. Not uPlot: a table of up to a
 * hundred rows would need a canvas, a resize observer and a chart instance per row for a line
 * with no axes or tooltip; an SVG polyline is a few hundred bytes of DOM, renders on the server
 * and in tests, and keeps the chart library out of this page's bundle. The numbers themselves
 * are in the row (count, trend, first and last seen) and in the label.
 */
import { sparklinePoints } from '../../model/dead-letter-hotspots';

const WIDTH = 120;
const HEIGHT = 26;

export function Sparkline({ values, label, rising }: { values: readonly number[]; label: string; rising: boolean }) {
  const points = sparklinePoints(values, WIDTH, HEIGHT);
  return (
    <svg className={`sparkline${rising ? ' rising' : ''}`} width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <line className="sparkline-base" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} />
      {points && <polyline className="sparkline-line" points={points} />}
    </svg>
  );
}
