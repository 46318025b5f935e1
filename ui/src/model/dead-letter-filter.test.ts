import { describe, expect, it } from 'vitest';
import { bucketForRange, describeFilter, filterForHotspotKey, isEmptyFilter, parseFilter, parseGroupBy, sameFilter, withFilter, withGroupBy } from './dead-letter-filter';

describe('parseGroupBy', () => {
  it('keeps the known dimensions once each, in the canonical order', () => {
    expect(parseGroupBy('group,fingerprint')).toEqual(['fingerprint', 'group']);
    expect(parseGroupBy('service, eventType,service,bogus')).toEqual(['eventType', 'service']);
    expect(parseGroupBy('producerVersion,destination')).toEqual(['producerVersion', 'destination']);
  });
  it('falls back to fingerprint × group when nothing valid is asked for', () => {
    expect(parseGroupBy(null)).toEqual(['fingerprint', 'group']);
    expect(parseGroupBy('')).toEqual(['fingerprint', 'group']);
    expect(parseGroupBy('nope,,')).toEqual(['fingerprint', 'group']);
  });
});

describe('withGroupBy', () => {
  it('writes a grouping into the URL and drops the parameter for the default', () => {
    const params = new URLSearchParams('range=6h&groupBy=service');
    expect(withGroupBy(params, ['service', 'eventType']).get('groupBy')).toBe('eventType,service');
    const back = withGroupBy(params, ['group', 'fingerprint']);
    expect(back.has('groupBy')).toBe(false);
    expect(back.get('range')).toBe('6h');
  });
});

describe('filter ↔ URL', () => {
  it('reads the filter parameters, trimming and ignoring empty, over-long and unknown values', () => {
    const params = new URLSearchParams({ fingerprint: ' abc ', group: '', reason: 'expired', service: 'x'.repeat(600), range: '1h', other: 'y' });
    expect(parseFilter(params)).toEqual({ fingerprint: 'abc', reason: 'expired' });
    expect(parseFilter(new URLSearchParams('reason=exploded'))).toEqual({});
  });

  it('writes exactly the filter, keeping other parameters, and round-trips', () => {
    const params = new URLSearchParams('range=6h&refresh=off&fingerprint=old&group=audit');
    const next = withFilter(params, { group: 'billing', eventType: 'order.placed', reason: 'delivery_limit' });
    expect(next.get('fingerprint')).toBeNull();
    expect(next.get('group')).toBe('billing');
    expect(next.get('range')).toBe('6h');
    expect(next.get('refresh')).toBe('off');
    expect(parseFilter(next)).toEqual({ group: 'billing', eventType: 'order.placed', reason: 'delivery_limit' });
    expect(withFilter(next, {}).toString()).toBe('range=6h&refresh=off');
  });

  it('compares and describes filters', () => {
    expect(isEmptyFilter({})).toBe(true);
    expect(isEmptyFilter({ group: 'a' })).toBe(false);
    expect(sameFilter({ group: 'a', fingerprint: 'f' }, { fingerprint: 'f', group: 'a' })).toBe(true);
    expect(sameFilter({ group: 'a' }, { group: 'a', reason: 'expired' })).toBe(false);
    expect(describeFilter({ reason: 'expired', group: 'billing' })).toBe('Consumer group billing, Reason expired');
    expect(describeFilter({})).toBeNull();
  });
});

describe('filterForHotspotKey', () => {
  it('filters on each grouped value and leaves a missing one open', () => {
    expect(filterForHotspotKey({ fingerprint: 'f00d', group: 'billing', producerVersion: '' })).toEqual({ fingerprint: 'f00d', group: 'billing' });
    expect(filterForHotspotKey({ unknownDimension: 'x', service: 'svc' })).toEqual({ service: 'svc' });
  });
});

describe('bucketForRange', () => {
  it('picks a round bucket giving at most about 48 points', () => {
    expect(bucketForRange(15 * 60_000)).toBe('30s');
    expect(bucketForRange(60 * 60_000)).toBe('2m');
    expect(bucketForRange(6 * 60 * 60_000)).toBe('10m');
    expect(bucketForRange(24 * 60 * 60_000)).toBe('30m');
  });
  it('stays under the collector’s 200 buckets for long custom ranges', () => {
    const year = 365 * 24 * 60 * 60_000;
    const bucket = bucketForRange(year);
    expect(bucket).toMatch(/^\d+d$/);
    expect(year / (Number.parseInt(bucket, 10) * 86_400_000)).toBeLessThanOrEqual(200);
    expect(bucketForRange(0)).toBe('10s');
  });
});
