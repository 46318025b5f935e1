/** The benchmark table: every figure has a stable key (for the JSON line) and a label (for people). */
import os from 'node:os';

export interface Figure {
  /** Stable dotted key, e.g. `ingest.sqlite.spansPerSecond`. */
  key: string;
  label: string;
  value: number;
  unit: string;
  /** Human-readable target from the issue, when it has one. */
  target?: string;
  /** Whether the target is met; absent when there is no target. */
  met?: boolean;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly notes: string[] = [];

  add(figure: Figure): void {
    this.figures.push(figure);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  /** Plain-text table, aligned columns. */
  table(): string {
    const header = ['benchmark', 'value', 'unit', 'target'];
    const rows = this.figures.map((f) => [
      f.label,
      formatValue(f.value),
      f.unit,
      f.target === undefined ? '' : `${f.target} ${f.met ? 'ok' : 'MISSED'}`,
    ]);
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
    const line = (cells: string[]) =>
      cells.map((cell, column) => (column === 1 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
    const out = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
    if (this.notes.length > 0) out.push('', ...this.notes.map((n) => `note: ${n}`));
    return out.join('\n');
  }

  toJson(meta: { quick: boolean; startedAt: string; durationSeconds: number }): object {
    return {
      ...meta,
      machine: machine(),
      figures: Object.fromEntries(this.figures.map((f) => [f.key, f.value])),
      rows: this.figures,
      notes: this.notes,
    };
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage1m: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
