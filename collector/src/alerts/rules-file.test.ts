import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RuleError } from './errors.js';
import { loadRulesFile, rulesFromYaml } from './rules-file.js';

const exampleFile = fileURLToPath(new URL('../../../deploy/alerts.example.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'causeway-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fileWith(text: string): string {
  const path = join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(path, text);
  return path;
}

function loadError(text: string): string {
  const path = fileWith(text);
  try {
    loadRulesFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(RuleError);
    return (error as Error).message.replace(path, 'FILE');
  }
  throw new Error('expected a RuleError');
}

describe('loadRulesFile', () => {
  it('loads the example in deploy/', () => {
    const rules = loadRulesFile(exampleFile);
    expect(rules.map((rule) => [rule.id, rule.metric, rule.threshold])).toEqual([
      ['file:consumer stopped or stalled', 'status', 'STALL'],
      ['file:messages wait too long', 'lag_seconds', 300],
      ['file:orders backlog', 'lag_messages', 10_000],
    ]);
    const [status, seconds, messages] = rules;
    expect(status).toMatchObject({ source: 'file', forMs: 60_000, notify: [{ format: 'json' }, { url: 'https://hooks.slack.com/services/...', format: 'slack' }] });
    expect(seconds).toMatchObject({
      resolveThreshold: 120,
      forMs: 120_000,
      resolveForMs: 60_000,
      overrides: [{ group: 'batch-importer', threshold: 21_600, forMs: 900_000 }, { group: 'replay-*', disabled: true }],
      silences: [{ group: 'billing-*', until: Date.parse('2030-01-31T18:00:00Z'), reason: 'billing database migration' }],
    });
    expect(messages).toMatchObject({ scope: { destination: 'orders*' }, forMs: 300_000, notify: [{ format: 'slack' }] });
  });

  it('accepts an empty file, an empty list, and other top-level keys', () => {
    expect(loadRulesFile(fileWith(''))).toEqual([]);
    expect(loadRulesFile(fileWith('rules: []\n'))).toEqual([]);
    expect(loadRulesFile(fileWith('rules:\n'))).toEqual([]);
    expect(loadRulesFile(fileWith('kafka: {brokers: [a]}\nrules:\n  - {name: a, metric: status, threshold: STOP}\n'))).toHaveLength(1);
  });

  it('names the file, line, rule and field of an invalid rule', () => {
    const text = ['rules:', '  - name: fine', '    metric: status', '    threshold: STOP', '  - name: broken', '    metric: lag_seconds', '    threshold: 60', '    for: 5 minutes', ''].join('\n');
    expect(loadError(text)).toBe('FILE:8:10: rule 2 ("broken"): for: durations look like 500ms, 30s, 5m, 1h or 1d');
  });

  it('points at nested fields and semantic errors', () => {
    const text = ['rules:', '  - name: s', '    metric: status', '    threshold: STOP', '    silences:', '      - group: a', '        until: soon', ''].join('\n');
    expect(loadError(text)).toMatch(/^FILE:7:16: rule 1 \("s"\): silences\[0\]\.until must be an ISO-8601 time/);
    expect(loadError('rules:\n  - name: n\n    metric: lag_messages\n    threshold: STOP\n')).toMatch(/^FILE:4:16: rule 1 \("n"\): threshold of a lag_messages rule must be a number/);
    expect(loadError('rules:\n  - metric: status\n    threshold: STOP\n')).toMatch(/^FILE:2:5: rule 1: "name" is required/);
  });

  it('reports YAML syntax errors with their position and context', () => {
    const message = loadError('rules:\n  - name: a\n    metric: [status\n');
    expect(message).toMatch(/^FILE:\d+:\d+: invalid YAML: /);
    expect(loadError('rules:\n  - name: a\n    name: b\n')).toMatch(/FILE:3:5: invalid YAML: Map keys must be unique/);
  });

  it('refuses a file without a rules list, and duplicate rule ids', () => {
    expect(loadError('- name: a\n')).toMatch(/^FILE:1:1: expected a mapping with a "rules:" list/);
    expect(loadError('rules: {name: a}\n')).toMatch(/^FILE:1:8: "rules" must be a list/);
    expect(loadError('rules:\n  - {name: a, metric: status, threshold: STOP}\n  - {name: a, metric: status, threshold: WARN}\n')).toMatch(
      /^FILE:3:5: rule 2 \("a"\) has the same id \(file:a\) as rule 1 \("a"\)/,
    );
  });

  it('says which file it cannot read', () => {
    expect(() => loadRulesFile(join(dir, 'missing.yaml'))).toThrow(/cannot read the alert rules file .*missing\.yaml/);
  });

  it('parses text with an origin name', () => {
    expect(() => rulesFromYaml('rules: 3', 'config.yaml')).toThrow(/^config\.yaml:1:8: "rules" must be a list/);
  });
});
