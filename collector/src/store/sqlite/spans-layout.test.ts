/**
 * A store written with spans in the former clustered layout (WITHOUT ROWID, keyed by trace and span
 * id) opens with its spans moved to the rowid layout, readable and overwritable as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { SpanRecord } from '../../model/span.js';
import { span } from '../contract/records.js';
import { SqliteStore } from './sqlite-store.js';
import { hasClusteredSpans } from './spans-layout.js';
import { SPAN_COLUMNS } from './writes.js';

const dir = mkdtempSync(join(tmpdir(), 'causeway-spans-layout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The spans table as stores before the rowid layout created it. */
const CLUSTERED_SPANS_SQL = `CREATE TABLE spans (
  ${SPAN_COLUMNS.map((column) => `${column} ${/^(start_time|end_time|duration_ms)$/.test(column) ? 'REAL' : 'TEXT'}`).join(',\n  ')},
  PRIMARY KEY (trace_id, span_id)
) WITHOUT ROWID;
CREATE INDEX spans_by_message_id ON spans (message_id) WHERE message_id IS NOT NULL;`;

function sorted(spans: SpanRecord[]): SpanRecord[] {
  const key = (s: SpanRecord) => `${s.traceId}:${s.spanId}`;
  return [...spans].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function spanIndices(db: Database.Database): string[] {
  return db.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'spans' ORDER BY name").pluck().all() as string[];
}

describe('spans layout', () => {
  it('moves a clustered spans table to the rowid layout on open, keeping every span', async () => {
    const path = join(dir, 'former.db');
    const spans = Array.from({ length: 40 }, (_, i) => span({ attributes: { 'messaging.message.id': `m-${i % 7}`, 'app.i': i } }));
    const store = new SqliteStore(path);
    await store.init();
    await store.putSpans(spans);
    await store.close();

    // Turn the file into one of the former layout, its spans kept.
    const raw = new Database(path);
    raw.exec('ALTER TABLE spans RENAME TO spans_now; DROP INDEX spans_by_id; DROP INDEX spans_by_message_id;');
    raw.exec(CLUSTERED_SPANS_SQL);
    raw.exec(`INSERT INTO spans SELECT ${SPAN_COLUMNS.join(', ')} FROM spans_now; DROP TABLE spans_now;`);
    expect(hasClusteredSpans(raw)).toBe(true);
    raw.close();

    const reopened = new SqliteStore(path);
    await reopened.init();
    try {
      expect(sorted(await reopened.getSpans(spans))).toStrictEqual(sorted(spans));
      const related = await reopened.findRelatedSpans({ linkedSpanIds: [], messageIds: ['m-3'] });
      expect(related.map((s) => s.spanId).sort()).toStrictEqual(spans.filter((_, i) => i % 7 === 3).map((s) => s.spanId).sort());
      // Written again, a span overwrites its row: the unique key index holds.
      const changed = { ...spans[0]!, name: 'renamed' };
      await reopened.putSpans([changed, ...spans.slice(1)]);
      expect(await reopened.getSpans([changed])).toStrictEqual([changed]);
    } finally {
      await reopened.close();
    }

    const check = new Database(path, { readonly: true });
    expect(hasClusteredSpans(check)).toBe(false);
    expect(spanIndices(check)).toStrictEqual(['spans_by_id', 'spans_by_message_id']);
    expect(check.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(spans.length);
    check.close();
  });

  it('creates new stores in the rowid layout', async () => {
    const path = join(dir, 'new.db');
    const store = new SqliteStore(path);
    await store.init();
    await store.close();
    const check = new Database(path, { readonly: true });
    expect(hasClusteredSpans(check)).toBe(false);
    expect(spanIndices(check)).toStrictEqual(['spans_by_id', 'spans_by_message_id']);
    check.close();
  });
});
