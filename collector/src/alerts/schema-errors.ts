/**
 * Turns TypeBox's schema issues for a rule body into sentences a person can act on, naming the
 * field (`silences[0].until`). TypeBox reports every branch of a union; those are folded into one
 * "must be one of …" per field.
 */

export interface SchemaIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  errorMessage?: string;
}

export interface DescribedIssue {
  field: (string | number)[];
  message: string;
}

const MAX_MESSAGES = 3;

/** One sentence per offending field (at most three), in the order TypeBox found them. */
export function describeIssues(schema: unknown, body: unknown, issues: Iterable<SchemaIssue>): DescribedIssue[] {
  const byPath = new Map<string, SchemaIssue[]>();
  const out: DescribedIssue[] = [];
  for (const issue of issues) {
    // `additionalProperties: false` also yields a "schema is false" issue per unknown key.
    if (issue.keyword === 'boolean') continue;
    if (issue.keyword === 'additionalProperties' || issue.keyword === 'required') {
      out.push(describeShapeIssue(schema as SchemaNode, issue));
      continue;
    }
    const list = byPath.get(issue.instancePath) ?? [];
    list.push(issue);
    byPath.set(issue.instancePath, list);
  }
  for (const [path, list] of byPath) out.push(describeValueIssue(schema as SchemaNode, body, path, list));
  return out.slice(0, MAX_MESSAGES);
}

/** `['silences', 0, 'until']` → `silences[0].until`; the empty path is the rule itself. */
export function fieldName(field: readonly (string | number)[]): string {
  let text = '';
  for (const part of field) text += typeof part === 'number' ? `[${part}]` : text === '' ? part : `.${part}`;
  return text === '' ? 'the rule' : text;
}

function parsePath(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

function schemaAt(schema: SchemaNode | undefined, field: readonly (string | number)[]): SchemaNode | undefined {
  let node = schema;
  for (const part of field) node = typeof part === 'number' ? node?.items : node?.properties?.[part];
  return node;
}

function valueAt(body: unknown, field: readonly (string | number)[]): unknown {
  let value = body;
  for (const part of field) value = value !== null && typeof value === 'object' ? (value as Record<string | number, unknown>)[part] : undefined;
  return value;
}

function describeShapeIssue(schema: SchemaNode, issue: SchemaIssue): DescribedIssue {
  const field = parsePath(issue.instancePath);
  const where = field.length === 0 ? 'the rule' : fieldName(field);
  if (issue.keyword === 'required') {
    const names = Array.isArray(issue.params.requiredProperties) ? issue.params.requiredProperties.map(String) : [];
    return { field, message: `${names.map((name) => `"${name}"`).join(', ') || 'a field'} is required in ${where}` };
  }
  const names = Array.isArray(issue.params.additionalProperties) ? issue.params.additionalProperties.map(String) : [];
  const known = Object.keys(schemaAt(schema, field)?.properties ?? {}).join(', ');
  const first = names[0];
  return {
    field: first === undefined ? field : [...field, first],
    message: `unknown field ${names.map((name) => `"${name}"`).join(', ')} in ${where}${known ? `; known fields: ${known}` : ''}`,
  };
}

function describeValueIssue(schema: SchemaNode, body: unknown, path: string, issues: SchemaIssue[]): DescribedIssue {
  const field = parsePath(path);
  const name = fieldName(field);
  const own = schemaAt(schema, field)?.errorMessage;
  if (own) return { field, message: `${name}: ${own}` };
  const value = valueAt(body, field);
  const bound = issues.find((issue) => issue.keyword === 'minimum' || issue.keyword === 'maximum' || issue.keyword === 'exclusiveMinimum');
  if (typeof value === 'number' && bound) return { field, message: `${name} must be ${String(bound.params.comparison)} ${String(bound.params.limit)}, got ${value}` };
  const allowed = issues.filter((issue) => issue.keyword === 'const').map((issue) => JSON.stringify(issue.params.allowedValue));
  if (allowed.length > 0) {
    const otherTypes = [...new Set(issues.filter((issue) => issue.keyword === 'type' && issue.params.type !== 'string').map((issue) => String(issue.params.type)))];
    const alternatives = otherTypes.length > 0 ? ` or a ${otherTypes.join(' or ')}` : '';
    return { field, message: `${name} must be one of ${allowed.join(', ')}${alternatives}, got ${shown(value)}` };
  }
  const format = issues.find((issue) => issue.keyword === 'format');
  if (format?.params.format === 'date-time') return { field, message: `${name} must be an ISO-8601 time such as 2030-01-31T18:00:00Z, got ${shown(value)}` };
  const type = issues.find((issue) => issue.keyword === 'type');
  if (type) return { field, message: `${name} must be a ${String(type.params.type)}, got ${shown(value)}` };
  const first = issues.find((issue) => issue.keyword !== 'anyOf') ?? issues[0];
  return { field, message: `${name} ${first?.message ?? 'is invalid'}` };
}

/** A value quoted in a message, cut short so a huge body cannot make a huge error. */
export function shown(value: unknown): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
