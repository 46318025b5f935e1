import { describe, expect, it } from 'vitest';
import { redriveAudit, redriveResponse } from './dead-letter-fixtures';
import { formatPayload, redriveErrorMessage, sortedHeaders, summarizeRedrive } from './dead-letter-format';

describe('formatPayload', () => {
  it('says when the payload was not captured', () => {
    expect(formatPayload(null)).toEqual({ kind: 'not-captured' });
  });
  it('re-indents JSON objects and arrays', () => {
    expect(formatPayload('{"a":1,"b":[true,null]}')).toEqual({ kind: 'json', text: '{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}' });
    expect(formatPayload(' [1] ')).toEqual({ kind: 'json', text: '[\n  1\n]' });
  });
  it('keeps text and cut-off JSON as they are', () => {
    expect(formatPayload('hello')).toEqual({ kind: 'text', text: 'hello' });
    expect(formatPayload('{"a": "cut off')).toEqual({ kind: 'text', text: '{"a": "cut off' });
    expect(formatPayload('')).toEqual({ kind: 'text', text: '' });
  });
});

describe('sortedHeaders', () => {
  it('sorts by name and copes with no headers', () => {
    expect(sortedHeaders({ b: '2', a: '1' })).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    expect(sortedHeaders(null)).toEqual([]);
  });
});

describe('summarizeRedrive', () => {
  const orders = { system: 'kafka', destination: 'orders' };
  it('says what a dry run would republish where, and what it would skip and why', () => {
    const summary = summarizeRedrive(
      redriveResponse(true, [
        redriveAudit({ dryRun: true, result: 'would-republish', target: orders }),
        redriveAudit({ dryRun: true, result: 'would-republish', target: orders }),
        redriveAudit({ dryRun: true, result: 'would-republish', target: { system: 'rabbitmq', destination: 'payments' } }),
        redriveAudit({ dryRun: true, result: 'skipped', detail: 'already redriven once; pass force', target: null }),
      ]),
    );
    expect(summary.headline).toBe('Would republish 3 messages, 1 would be skipped.');
    expect(summary.republishCount).toBe(3);
    expect(summary.targets).toEqual([
      { system: 'kafka', destination: 'orders', count: 2 },
      { system: 'rabbitmq', destination: 'payments', count: 1 },
    ]);
    expect(summary.skipped).toEqual([{ reason: 'already redriven once; pass force', count: 1 }]);
  });

  it('reports a real run, with failures', () => {
    const summary = summarizeRedrive(
      redriveResponse(false, [redriveAudit({ result: 'republished', target: orders }), redriveAudit({ result: 'failed', detail: 'message no longer in the DLQ', target: null })]),
    );
    expect(summary.headline).toBe('Republished 1 message, 1 failed.');
    expect(summary.failed).toEqual([{ reason: 'message no longer in the DLQ', count: 1 }]);
  });

  it('says when nothing matched, and falls back to the totals without per-message results', () => {
    expect(summarizeRedrive(redriveResponse(true, [])).headline).toBe('No dead letters matched: nothing to redrive.');
    const totalsOnly = summarizeRedrive({ dryRun: false, results: [], republished: 4, skipped: 1, failed: 0 });
    expect(totalsOnly.headline).toBe('Republished 4 messages, 1 skipped.');
  });
});

describe('redriveErrorMessage', () => {
  it('explains the refusals and keeps the collector’s sentence', () => {
    expect(redriveErrorMessage(401, 'bad token (HTTP 401)')).toMatch(/did not accept the admin token.*bad token \(HTTP 401\)/);
    expect(redriveErrorMessage(403, 'redrive is disabled (HTTP 403)')).toMatch(/disabled on this collector.*admin token.*HTTP 403/);
    expect(redriveErrorMessage(409, 'already redriven (HTTP 409)')).toBe('The collector refused to redrive: already redriven (HTTP 409)');
    expect(redriveErrorMessage(400, 'limit must be … (HTTP 400)')).toBe('limit must be … (HTTP 400)');
  });
});
