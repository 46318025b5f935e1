/**
 * Hotspot rows from `/api/deadletters/hotspots` as table rows: ranked by count, each grouped
 * dimension as a cell, the list filter that drills into it, a trend word ("new", "rising",
 * "steady", "fading") from the two halves of the range, and the points of its sparkline.
 */
import type { DeadLetterFilter, HotspotDimension, HotspotResponse, HotspotRowView } from '../api/schemas';
import { DIMENSION_LABELS, filterForHotspotKey } from './dead-letter-filter';

export type TrendDirection = 'new' | 'rising' | 'steady' | 'fading';

export interface TrendLook {
  direction: TrendDirection;
  /** Marked in the table: new or clearly growing. */
  rising: boolean;
  icon: string;
  /** Short, for the cell. */
  label: string;
  /** The numbers behind it, for a tooltip and screen readers. */
  description: string;
}

export interface HotspotCell {
  dimension: HotspotDimension;
  label: string;
  /** '' when the records have no value for this dimension. */
  value: string;
}

export interface HotspotTableRow {
  rank: number;
  /** Stable across refreshes: the grouped values. */
  rowKey: string;
  cells: HotspotCell[];
  fingerprint: string | null;
  count: number;
  firstAt: string;
  lastAt: string;
  trend: TrendLook;
  /** Counts per bucket, oldest first. */
  series: number[];
  sample: HotspotRowView['sample'];
  /** Shows this hotspot's dead letters in the list. */
  filter: DeadLetterFilter;
}

/**
 * A change is "rising" or "fading" only when the later half differs from the earlier one by at
 * least a quarter and by more than one message: 50 → 51 is noise, 4 → 9 is not.
 */
const MIN_RELATIVE_CHANGE = 1.25;
const MIN_ABSOLUTE_CHANGE = 2;

/** `trend` is the later half's count minus the earlier half's; `count` is their sum. */
export function trendLook(count: number, trend: number): TrendLook {
  const earlier = Math.max(0, Math.round((count - trend) / 2));
  const later = Math.max(0, Math.round((count + trend) / 2));
  const description = `${later} in the later half of the range, ${earlier} in the earlier half`;
  if (earlier === 0 && later > 0) return { direction: 'new', rising: true, icon: '▲', label: 'new', description: `${description}: new in this range` };
  if (later - earlier >= MIN_ABSOLUTE_CHANGE && later >= earlier * MIN_RELATIVE_CHANGE) {
    return { direction: 'rising', rising: true, icon: '▲', label: `rising +${later - earlier}`, description };
  }
  if (earlier - later >= MIN_ABSOLUTE_CHANGE && earlier >= later * MIN_RELATIVE_CHANGE) {
    return { direction: 'fading', rising: false, icon: '▼', label: `fading −${earlier - later}`, description };
  }
  return { direction: 'steady', rising: false, icon: '▬', label: 'steady', description };
}

export function hotspotTableRows(response: HotspotResponse): HotspotTableRow[] {
  const ranked = [...response.rows].sort((a, b) => b.count - a.count || Date.parse(b.lastAt) - Date.parse(a.lastAt));
  return ranked.map((row, index) => {
    const cells = response.groupBy.map((dimension): HotspotCell => ({ dimension, label: DIMENSION_LABELS[dimension], value: row.key[dimension] ?? '' }));
    return {
      rank: index + 1,
      rowKey: JSON.stringify(response.groupBy.map((dimension) => row.key[dimension] ?? '')),
      cells,
      fingerprint: row.key.fingerprint || null,
      count: row.count,
      firstAt: row.firstAt,
      lastAt: row.lastAt,
      trend: trendLook(row.count, row.trend),
      series: row.series.map((point) => point.count),
      sample: row.sample,
      filter: filterForHotspotKey(row.key),
    };
  });
}

/**
 * SVG polyline points for `values` in a `width` × `height` box, 0 at the bottom and the row's
 * own peak at the top (each row shows its shape; the count column compares rows). One value is
 * drawn as a flat line across.
 */
export function sparklinePoints(values: readonly number[], width: number, height: number, pad = 1.5): string {
  if (values.length === 0) return '';
  const peak = Math.max(...values, 0);
  const inner = height - 2 * pad;
  const y = (value: number) => (peak > 0 ? pad + inner - (Math.max(0, value) / peak) * inner : height - pad);
  if (values.length === 1) {
    const only = y(values[0] ?? 0).toFixed(1);
    return `0,${only} ${width},${only}`;
  }
  const step = width / (values.length - 1);
  return values.map((value, index) => `${(index * step).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
}
