/**
 * A line chart over time drawn by uPlot: one instance per set of lines (created in an effect,
 * destroyed on unmount), new numbers pushed with `setData`, width following the container through
 * a ResizeObserver. The chart is an image to assistive technology; `description` says what it
 * shows and where the numbers are in text. Where canvas is missing (happy-dom, very old browsers)
 * only the caption and the description render.
 */
import 'uplot/dist/uPlot.min.css';
import uPlot from 'uplot';
import { useEffect, useId, useMemo, useRef } from 'react';

export interface ChartLineStyle {
  label: string;
  values: (number | null)[];
  color: string;
  /** Dash pattern in px, e.g. [6, 4] for an aggregate line. */
  dash?: number[];
  width?: number;
  /**
   * Drawn against its own axis on the right: a total over many partitions would otherwise flatten
   * the partitions' lines at the bottom of the chart.
   */
  ownAxis?: string;
}

interface TimeSeriesChartProps {
  testId: string;
  title: string;
  /** What the chart shows, for people who cannot see it; say where the same numbers are in text. */
  description: string;
  /** Epoch ms, ascending, shared by every line. */
  times: readonly number[];
  lines: readonly ChartLineStyle[];
  /** A value in the legend and tooltip. */
  formatValue: (value: number) => string;
  /** A value on the y axis (shorter); defaults to `formatValue`. */
  formatAxis?: (value: number) => string;
  /** Epoch ms bounds of the x axis (the page's time range); the data's own extent when absent. */
  xRange?: readonly [number, number];
  height?: number;
}

const canDraw = (() => {
  let supported: boolean | undefined;
  return () => {
    if (supported === undefined) {
      try {
        supported = typeof document !== 'undefined' && document.createElement('canvas').getContext('2d') !== null;
      } catch {
        supported = false;
      }
    }
    return supported;
  };
})();

const DEFAULT_WIDTH = 600;
/** Room for the longest axis labels ("59 m 59 s"). */
const AXIS_SIZE = 78;

const fromZero: uPlot.Range.Function = (_self, _min, max) => [0, Number.isFinite(max) && max > 0 ? max * 1.08 : 1];

export function TimeSeriesChart({ testId, title, description, times, lines, formatValue, formatAxis, xRange, height = 220 }: TimeSeriesChartProps) {
  const id = useId();
  const containerRef = useRef<HTMLDivElement>(null);
  const chartRef = useRef<uPlot | null>(null);
  const drawable = canDraw();
  const empty = times.length === 0;
  const data = useMemo((): uPlot.AlignedData => [times.map((t) => t / 1000), ...lines.map((line) => line.values)], [times, lines]);
  // A new instance only when the set of lines changes; new values alone go through setData.
  const shape = JSON.stringify(lines.map((line) => [line.label, line.color, line.dash, line.width, line.ownAxis]));

  // The instance and its callbacks read the latest props through refs, so new formatters or a
  // moving time range do not need a new instance. Declared first: effects run in order.
  const latest = useRef({ lines, data, xRange, formatValue, formatAxis: formatAxis ?? formatValue });
  useEffect(() => {
    latest.current = { lines, data, xRange, formatValue, formatAxis: formatAxis ?? formatValue };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!drawable || empty || !container) return;
    const options: uPlot.Options = {
      width: container.clientWidth || DEFAULT_WIDTH,
      height,
      scales: {
        x: {
          time: true,
          range: (_self, dataMin, dataMax) => {
            const bounds = latest.current.xRange;
            return bounds ? [bounds[0] / 1000, bounds[1] / 1000] : [dataMin, dataMax];
          },
        },
        // Lag is never negative: start at 0 so a flat line does not look like a swing.
        y: { range: fromZero },
        secondary: { range: fromZero },
      },
      series: [
        {},
        ...latest.current.lines.map((line): uPlot.Series => ({
          label: line.label,
          stroke: line.color,
          width: line.width ?? 1.5,
          ...(line.dash ? { dash: line.dash } : {}),
          spanGaps: false,
          ...(line.ownAxis ? { scale: 'secondary' } : {}),
          value: (_self, raw) => (raw === null || raw === undefined ? '–' : latest.current.formatValue(raw)),
        })),
      ],
      axes: [
        {},
        { size: AXIS_SIZE, values: (_self, splits) => splits.map((value) => latest.current.formatAxis(value)) },
        ...latest.current.lines
          .filter((line) => line.ownAxis)
          .slice(0, 1)
          .map((line): uPlot.Axis => ({
            scale: 'secondary',
            side: 1,
            label: line.ownAxis,
            size: AXIS_SIZE,
            grid: { show: false },
            values: (_self, splits) => splits.map((value) => latest.current.formatAxis(value)),
          })),
      ],
    };
    const chart = new uPlot(options, latest.current.data, container);
    chartRef.current = chart;
    const resize =
      typeof ResizeObserver === 'undefined'
        ? null
        : new ResizeObserver(() => {
            const width = container.clientWidth;
            if (width > 0 && width !== chart.width) chart.setSize({ width, height });
          });
    resize?.observe(container);
    return () => {
      resize?.disconnect();
      chart.destroy();
      chartRef.current = null;
    };
  }, [drawable, empty, shape, height]);

  useEffect(() => {
    chartRef.current?.setData(data);
  }, [data, xRange?.[0], xRange?.[1]]);

  return (
    <figure className="chart" data-testid={testId} aria-labelledby={`${id}-title`} aria-describedby={`${id}-description`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <p id={`${id}-description`} className="visually-hidden">
        {description}
      </p>
      {empty ? (
        <p className="muted small">No samples in this time range.</p>
      ) : drawable ? (
        <div ref={containerRef} className="chart-canvas" role="img" aria-label={`${title}. ${description}`} />
      ) : (
        <p className="muted small">This browser cannot draw charts; {description}</p>
      )}
    </figure>
  );
}
