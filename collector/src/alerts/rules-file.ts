/**
 * The rules file: YAML with a top-level `rules:` list, each entry shaped like an API rule body.
 * Errors name the file, the line, the rule (position and name) and the field, so a typo is found
 * without guessing. Other top-level keys are ignored, so the rules can live in a larger config file.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { RuleError } from './errors.js';
import { ruleFromBody } from './rules.js';
import type { AlertRule } from './types.js';

/** Reads and validates a rules file. Throws `RuleError` (unreadable file, bad YAML, invalid rule, duplicate id). */
export function loadRulesFile(path: string): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuleError(`cannot read the alert rules file ${path}: ${(error as Error).message}`);
  }
  return rulesFromYaml(text, path);
}

/** Parses rules from YAML text; `origin` (a file name) prefixes every error. */
export function rulesFromYaml(text: string, origin = 'alert rules'): AlertRule[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const at = syntaxError.linePos?.[0];
    throw new RuleError(`${origin}${at ? `:${at.line}:${at.col}` : ''}: invalid YAML: ${syntaxError.message}`);
  }
  const where = (path: readonly (string | number)[]) => locate(document, lineCounter, origin, path);
  if (document.contents === null) return [];
  if (!isMap(document.contents)) throw new RuleError(`${where([])}: expected a mapping with a "rules:" list at the top level`);
  const list = document.get('rules', true);
  if (list === undefined || list === null || (typeof list === 'object' && 'value' in list && list.value === null)) return [];
  if (!isSeq(list)) throw new RuleError(`${where(['rules'])}: "rules" must be a list of rules`);

  const entries: unknown[] = (document.toJS({ maxAliasCount: 100 }) as { rules: unknown[] }).rules;
  const rules: AlertRule[] = [];
  const labelOfId = new Map<string, string>();
  entries.forEach((entry, index) => {
    const label = ruleLabel(entry, index);
    let rule: AlertRule;
    try {
      rule = ruleFromBody(entry, 'file');
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      throw new RuleError(`${where(['rules', index, ...(error.field ?? [])])}: ${label}: ${error.message}`, error.field);
    }
    const first = labelOfId.get(rule.id);
    if (first !== undefined) {
      throw new RuleError(`${where(['rules', index])}: ${label} has the same id (${rule.id}) as ${first}; give one of them another name or an id`);
    }
    labelOfId.set(rule.id, label);
    rules.push(rule);
  });
  return rules;
}

function ruleLabel(entry: unknown, index: number): string {
  const name = entry !== null && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? `rule ${index + 1} ("${name}")` : `rule ${index + 1}`;
}

/** `origin:line:col` of the deepest node of `path` that exists (the field, else its rule, else the file). */
function locate(document: Document, lineCounter: LineCounter, origin: string, path: readonly (string | number)[]): string {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? document.contents : document.getIn(path.slice(0, depth), true);
    const range = node !== null && typeof node === 'object' && 'range' in node ? (node.range as [number, number, number] | undefined) : undefined;
    if (range) {
      const { line, col } = lineCounter.linePos(range[0]);
      return `${origin}:${line}:${col}`;
    }
  }
  return origin;
}
