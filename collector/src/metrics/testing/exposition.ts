/**
 * Reads Prometheus text exposition back for the tests: strict about the line format so a test fails
 * on anything a Prometheus server would reject, and indexes samples by name and labels.
 */

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABELS = `\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE}(?:,[a-zA-Z_][a-zA-Z0-9_]*=${LABEL_VALUE})*,?)?\\}`;
// prom-client writes NaN as `Nan`; Prometheus parses values with Go's ParseFloat, which takes any case.
const VALUE = '(?:[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?|[Nn][Aa][Nn]|[-+]?Inf)';

export const SAMPLE_LINE = new RegExp(`^(${NAME})(${LABELS})? (${VALUE})(?: -?\\d+)?$`);
export const HELP_LINE = new RegExp(`^# HELP (${NAME}) .+$`);
export const TYPE_LINE = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`);

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ParsedExposition {
  samples: Sample[];
  help: Map<string, string>;
  types: Map<string, string>;
  /** Lines matching none of the accepted forms. */
  invalid: string[];
}

function parseLabels(text: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {};
  if (!text) return labels;
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
    const raw = m[2] ?? '';
    labels[m[1] ?? ''] = raw.replace(/\\(["\\n])/g, (_all, ch: string) => (ch === 'n' ? '\n' : ch));
  }
  return labels;
}

function parseValue(text: string): number {
  if (text.toLowerCase() === 'nan') return Number.NaN;
  if (text.endsWith('Inf')) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

export function parseExposition(body: string): ParsedExposition {
  const parsed: ParsedExposition = { samples: [], help: new Map(), types: new Map(), invalid: [] };
  for (const line of body.split('\n')) {
    if (line === '') continue;
    const help = HELP_LINE.exec(line);
    if (help) {
      parsed.help.set(help[1] ?? '', line.slice(`# HELP ${help[1]} `.length));
      continue;
    }
    const type = TYPE_LINE.exec(line);
    if (type) {
      parsed.types.set(type[1] ?? '', type[2] ?? '');
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (sample) {
      parsed.samples.push({ name: sample[1] ?? '', labels: parseLabels(sample[2]), value: parseValue(sample[3] ?? '') });
      continue;
    }
    parsed.invalid.push(line);
  }
  return parsed;
}

export function samplesOf(parsed: ParsedExposition, name: string): Sample[] {
  return parsed.samples.filter((s) => s.name === name);
}

/** The value of the one sample of `name` whose labels include `labels`; undefined when absent. */
export function valueOf(parsed: ParsedExposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = samplesOf(parsed, name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
