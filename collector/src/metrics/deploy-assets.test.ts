/**
 * The monitoring assets in deploy/ (Prometheus rules and scrape config, Grafana dashboard) parse and
 * read only metrics `CollectorMetrics` really exports, so they cannot drift from the code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CollectorMetrics } from './index.js';
import { promqlNames } from './testing/promql-names.js';

const deployDir = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const read = (path: string): string => readFileSync(deployDir + path, 'utf8');

/** Every series name the registry can emit: metric names plus histogram sample suffixes. */
let exported: Set<string>;

beforeAll(async () => {
  const metrics = new CollectorMetrics({ ingestStats: () => ({ backlogSpans: 0, processedSpans: 0, failedAttempts: 0, walBytes: 0 }) });
  exported = new Set();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    exported.add(metric.name);
    // prom-client types `type` as a numeric enum but reports the string at run time.
    if (String(metric.type) === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) exported.add(metric.name + suffix);
  }
});

/** Asserts `expr` is lexically sane and reads at least one metric, all of them exported. */
function expectExportedOnly(expr: unknown, where: string): string[] {
  expect(typeof expr, `${where}: expr is a string`).toBe('string');
  const names = promqlNames(String(expr));
  expect(names.syntaxError, `${where}: ${String(expr)}`).toBeUndefined();
  expect(names.unknownFunctions, `${where}: unknown functions`).toEqual([]);
  expect(names.metrics.length, `${where}: reads a metric`).toBeGreaterThan(0);
  for (const name of names.metrics) expect(exported.has(name), `${where}: ${name} is exported by CollectorMetrics`).toBe(true);
  return names.metrics;
}

interface RuleYaml {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

describe('promqlNames', () => {
  it('finds metric names and skips functions, keywords, labels, durations and variables', () => {
    const names = promqlNames(
      'histogram_quantile(0.95, sum by (le, source) (rate(a_bucket{job="x", group=~"$group"}[$__rate_interval]))) > 1e3 ' +
        'and on (cluster) sum without (instance) (b offset 5m) unless c',
    );
    expect(names).toEqual({ metrics: ['a_bucket', 'b', 'c'], unknownFunctions: [] });
    expect(promqlNames('rate(x[5m]').syntaxError).toBeDefined();
    expect(promqlNames('made_up(x)').unknownFunctions).toEqual(['made_up']);
    expect(promqlNames('x{a="}"}').metrics).toEqual(['x']);
  });
});

describe('deploy/prometheus', () => {
  it('ships alerting rules on exported metrics, with severity and annotations', () => {
    const doc = parse(read('prometheus/causeway-alerts.yaml')) as { groups?: Array<{ name?: unknown; rules?: RuleYaml[] }> };
    expect(Array.isArray(doc.groups)).toBe(true);
    const rules = (doc.groups ?? []).flatMap((g) => {
      expect(typeof g.name).toBe('string');
      return g.rules ?? [];
    });
    const byName = new Map<string, RuleYaml>();
    for (const rule of rules) {
      const where = String(rule.alert);
      expect(rule.alert).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(byName.has(where), `${where} is unique`).toBe(false);
      byName.set(where, rule);
      expectExportedOnly(rule.expr, where);
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info']).toContain(rule.labels?.severity);
      expect(String(rule.annotations?.summary)).toMatch(/\{\{ \$(labels\.\w+|value)/);
      expect(typeof rule.annotations?.description).toBe('string');
    }

    const find = (metric: string): RuleYaml[] => rules.filter((r) => String(r.expr).includes(metric));
    const stopped = find('causeway_consumer_status');
    expect(stopped.some((r) => /causeway_consumer_status\s*>=\s*3/.test(String(r.expr)) && r.for === '2m')).toBe(true);
    expect(find('causeway_consumer_lag_seconds').some((r) => /> 300/.test(String(r.expr)) && r.for === '5m')).toBe(true);
    expect(rules.some((r) => /deriv\(causeway_consumer_lag_messages\[10m\]\) > 0/.test(String(r.expr)) && /> 1000/.test(String(r.expr)) && r.for === '10m')).toBe(true);
    expect(find('causeway_lag_source_up').some((r) => /== 0/.test(String(r.expr)) && r.for === '1m')).toBe(true);
    expect(find('causeway_ingest_backlog_spans')).not.toHaveLength(0);
  });

  it('ships a scrape config for the collector that loads the rules', () => {
    const config = parse(read('prometheus/prometheus.yml')) as {
      rule_files?: string[];
      scrape_configs?: Array<{ job_name?: string; metrics_path?: string; static_configs?: Array<{ targets?: string[] }> }>;
    };
    for (const file of config.rule_files ?? []) expect(existsSync(deployDir + 'prometheus/' + file), file).toBe(true);
    expect(config.rule_files).toContain('causeway-alerts.yaml');
    const job = config.scrape_configs?.find((c) => c.metrics_path === '/metrics');
    expect(job?.job_name).toBeTruthy();
    expect(job?.static_configs?.flatMap((s) => s.targets ?? []).some((t) => t.endsWith(':4318'))).toBe(true);
  });
});

interface PanelJson {
  id?: number;
  type?: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ expr?: unknown; refId?: string }>;
  panels?: PanelJson[];
}

describe('deploy/grafana', () => {
  const dashboard = JSON.parse(read('grafana/causeway-lag-dashboard.json')) as {
    schemaVersion?: number;
    uid?: string;
    title?: string;
    panels?: PanelJson[];
    templating?: { list?: Array<{ name?: string; type?: string; query?: unknown; datasource?: { uid?: string } }> };
  };
  const panels = (dashboard.panels ?? []).flatMap((p) => [p, ...(p.panels ?? [])]);

  it('declares a Prometheus datasource variable and label_values group/destination variables', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.uid).toBeTruthy();
    const variables = dashboard.templating?.list ?? [];
    const datasource = variables.find((v) => v.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['group', 'destination']) {
      const variable = variables.find((v) => v.name === name);
      expect(variable?.type, name).toBe('query');
      expect(variable?.datasource?.uid).toBe('${datasource}');
      const query = typeof variable?.query === 'string' ? variable.query : (variable?.query as { query?: string } | undefined)?.query;
      const match = /^label_values\((.+),\s*(\w+)\)$/.exec(query ?? '');
      expect(match, `${name}: ${query}`).not.toBeNull();
      expect(match?.[2]).toBe(name);
      expectExportedOnly(match?.[1], `variable ${name}`);
    }
  });

  it('has panels whose every query reads exported metrics through the datasource variable', () => {
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const read = new Set<string>();
    for (const panel of panels.filter((p) => p.type !== 'row')) {
      const where = `panel "${panel.title}"`;
      expect(panel.datasource?.uid, where).toBe('${datasource}');
      expect(panel.targets?.length, where).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) for (const name of expectExportedOnly(target.expr, where)) read.add(name);
    }
    for (const name of [
      'causeway_consumer_lag_messages',
      'causeway_consumer_lag_seconds',
      'causeway_consumer_status',
      'causeway_consumer_members',
      'causeway_lag_poll_duration_seconds_bucket',
      'causeway_lag_source_up',
      'causeway_ingest_backlog_spans',
    ]) {
      expect(read.has(name), `the dashboard shows ${name}`).toBe(true);
    }
    const status = panels.find((p) => p.type === 'state-timeline' || p.type === 'table');
    expect(status).toBeDefined();
  });
});
