/**
 * What a topology edge's label shows, and the size it is drawn at. The layout needs the size
 * before anything is drawn (it leaves room for each label between the layers), so it is computed
 * from the lines rather than measured; the label is then drawn at exactly that size (styles.css,
 * `.edge-label.metrics`), with room to spare for wide glyphs.
 */
import type { EdgeLag } from './lag-topology';
import type { TopologyGraphEdge } from './topology-graph';

export interface EdgeLabelContent {
  /** Throughput, error rate, p99. */
  metrics: [string, string, string];
  failing: boolean;
  /** The current lag, on a consumer edge whose group the collector polls. */
  lag?: { status?: EdgeLag['status']; lines: string[] };
}

/** Pixels, matching `.edge-label.metrics` in styles.css (11 px text, line height 1.35). */
const LINE = 15;
/** The widest average glyph of the system fonts at 11 px, regular and bold (the lag lines). */
const CHAR = 6.6;
const BOLD_CHAR = 7.4;
/** The warning sign before a failing edge's error rate, wider than a letter. */
const WARNING_EXTRA = 10;
const PADDING_X = 14;
const PADDING_Y = 6;
/** The rule above the lag lines. */
const LAG_RULE = 3;
/** A status pill (`.status`): a line and its vertical padding. */
const BADGE_LINE = 17;
const MIN_WIDTH = 72;

export function edgeLabelContent(edge: TopologyGraphEdge, lag: EdgeLag | undefined): EdgeLabelContent {
  const failing = edge.errorRate > 0;
  return {
    metrics: [edge.label.throughput, `${failing ? '⚠ ' : ''}${edge.label.errorRate} err`, `p99 ${edge.label.p99}`],
    failing,
    ...(lag
      ? { lag: { ...(lag.status !== 'OK' ? { status: lag.status } : {}), lines: lag.ageLabel === null ? [lag.messagesLabel] : [lag.messagesLabel, lag.ageLabel] } }
      : {}),
  };
}

export function edgeLabelSize(content: EdgeLabelContent): { width: number; height: number } {
  const [throughput, errors, p99] = content.metrics;
  const textWidths = [
    throughput.length * CHAR,
    errors.length * CHAR + (content.failing ? WARNING_EXTRA : 0),
    p99.length * CHAR,
    ...(content.lag?.lines ?? []).map((line) => line.length * BOLD_CHAR),
    // The pill: an icon, a gap and the status word, in bold, and its own padding.
    content.lag?.status ? (content.lag.status.length + 3) * BOLD_CHAR + 14 : 0,
  ];
  const width = Math.max(MIN_WIDTH, Math.ceil(Math.max(...textWidths)) + PADDING_X);
  let height = PADDING_Y + content.metrics.length * LINE;
  if (content.lag) height += LAG_RULE + content.lag.lines.length * LINE + (content.lag.status ? BADGE_LINE : 0);
  return { width, height };
}
