/**
 * Summarizes a sampling heap profile (`promoted-sampler.js`, or any `.heapprofile`): the share of
 * sampled bytes by allocating function, and with `--callers <function>` the share allocated under
 * that function by the three frames that called it (which of its callers the bytes belong to).
 *
 *   node --import tsx bench/profiling/promoted-summary.ts <file> [--top 25] [--callers decodeOtlpBatch]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: promoted-summary.ts <file.heapprofile> [--top N] [--callers <function name>]');
const head = (JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }).head;

const frameName = ({ callFrame: f }: ProfileNode) => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
const bySite = new Map<string, number>();
const byCaller = new Map<string, number>();
let total = 0;

// Iterative walk: allocation stacks can be deeper than a comfortable recursion.
const stack: Array<{ node: ProfileNode; frames: string[] }> = [{ node: head, frames: [] }];
for (let item = stack.pop(); item; item = stack.pop()) {
  const frames = [...item.frames, frameName(item.node)];
  const size = item.node.selfSize;
  if (size > 0) {
    total += size;
    const site = frames[frames.length - 1] as string;
    bySite.set(site, (bySite.get(site) ?? 0) + size);
    const at = values.callers ? frames.findIndex((frame) => frame.startsWith(`${values.callers} `)) : -1;
    if (at >= 0) {
      const callers = frames.slice(Math.max(0, at - 3), at).join(' > ') || '(top)';
      byCaller.set(callers, (byCaller.get(callers) ?? 0) + size);
    }
  }
  for (const child of item.node.children) stack.push({ node: child, frames });
}

const percent = (bytes: number) => `${((100 * bytes) / total).toFixed(1).padStart(5)} %`;
console.log(`${(total / 1e6).toFixed(1)} MB sampled`);
for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${percent(bytes)}  ${site}`);
if (values.callers) {
  const under = [...byCaller.values()].reduce((sum, bytes) => sum + bytes, 0);
  console.log(`\nunder ${values.callers}: ${percent(under)}, by caller`);
  for (const [callers, bytes] of [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`${percent(bytes)}  ${callers}`);
}
