/**
 * Finds the metric names a PromQL expression reads, so the shipped Prometheus rules and Grafana
 * dashboard can be checked against what `CollectorMetrics` really exports. A lexical scan, not a
 * parser: enough for the expressions in `deploy/`, and strict about anything it does not know
 * (an unknown function or an unbalanced bracket is reported rather than guessed at).
 */

const AGGREGATIONS = [
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile',
  'limitk', 'limit_ratio',
];

const FUNCTIONS = [
  'abs', 'absent', 'absent_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'day_of_month',
  'day_of_week', 'day_of_year', 'days_in_month', 'delta', 'deriv', 'exp', 'floor', 'histogram_avg', 'histogram_count',
  'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters',
  'double_exponential_smoothing', 'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'ln', 'log2',
  'log10', 'minute', 'month', 'predict_linear', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc',
  'sort_by_label', 'sort_by_label_desc', 'sqrt', 'time', 'timestamp', 'vector', 'year', 'avg_over_time',
  'min_over_time', 'max_over_time', 'sum_over_time', 'count_over_time', 'quantile_over_time', 'stddev_over_time',
  'stdvar_over_time', 'last_over_time', 'present_over_time', 'mad_over_time', 'acos', 'acosh', 'asin', 'asinh',
  'atan', 'atanh', 'cos', 'cosh', 'sin', 'sinh', 'tan', 'tanh', 'deg', 'rad', 'pi',
];

const KEYWORDS = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan'];

const CALLABLE = new Set([...AGGREGATIONS, ...FUNCTIONS]);
const KEYWORD = new Set(KEYWORDS);

export interface PromqlNames {
  /** Metric names read by the expression, each once. */
  metrics: string[];
  /** Identifiers called like functions that PromQL does not know. */
  unknownFunctions: string[];
  /** Set when brackets do not balance or a string is not closed. */
  syntaxError?: string;
}

function checkBalance(expr: string): string | undefined {
  const closing: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  for (const ch of expr) {
    if (ch === '(' || ch === '[' || ch === '{') stack.push(ch);
    else if (ch in closing) {
      if (stack.pop() !== closing[ch]) return `unbalanced '${ch}'`;
    }
  }
  return stack.length > 0 ? `unclosed '${stack[stack.length - 1]}'` : undefined;
}

export function promqlNames(expr: string): PromqlNames {
  // Strings first (they may hold brackets), then label matchers, ranges and label lists, none of
  // which name metrics.
  const strings = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
  const withoutStrings = expr.replace(strings, '""');
  if (/["'`]/.test(withoutStrings.replace(/""/g, ''))) {
    return { metrics: [], unknownFunctions: [], syntaxError: 'unclosed string' };
  }
  const syntaxError = checkBalance(withoutStrings);
  if (syntaxError) return { metrics: [], unknownFunctions: [], syntaxError };

  const stripped = withoutStrings
    .replace(/\{[^{}]*\}/g, ' ')
    .replace(/\[[^[\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)/g, '$1 ');

  const metrics = new Set<string>();
  const unknownFunctions = new Set<string>();
  // Identifiers not glued to a number (`5m`, `1e3`) or a Grafana variable (`$__interval`).
  const identifier = /(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g;
  for (const match of stripped.matchAll(identifier)) {
    const name = match[1] ?? '';
    const called = match[2] !== undefined;
    // Aggregations may be written `sum by (x) (...)`, so a known name counts even when not called.
    if (KEYWORD.has(name) || CALLABLE.has(name)) continue;
    if (called) unknownFunctions.add(name);
    else metrics.add(name);
  }
  return { metrics: [...metrics], unknownFunctions: [...unknownFunctions] };
}
