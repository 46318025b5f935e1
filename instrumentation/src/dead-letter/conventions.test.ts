/**
 * Reading dead-letter facts from headers (Spring, Kafka Connect, RabbitMQ, Causeway's own) and
 * writing Causeway's provenance headers, without a broker: encodings, caps, precedence, and that
 * malformed headers never throw.
 */
import { describe, expect, it } from 'vitest';
import { errorFingerprint } from '../core/fingerprint.js';
import { headerInteger, headerTime } from './header-values.js';
import { incomingDeadLetterAttributes } from './incoming.js';
import { deadLetterHeaders, earlierAttemptsFor } from './provenance.js';

const int32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};
const int64 = (value: bigint): Buffer => {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
};

describe('header integers', () => {
  it('reads big-endian binary and decimal text alike', () => {
    expect(headerInteger(int32(7))).toBe(7);
    expect(headerInteger(int64(1234567890123n))).toBe(1234567890123);
    expect(headerInteger(Buffer.from('42'))).toBe(42);
    expect(headerInteger('42')).toBe(42);
    expect(headerInteger(Buffer.from('1234'))).toBe(1234); // 4 ASCII digits: text, not int32 0x31323334
    expect(headerInteger(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect(headerInteger(int32(-1))).toBeUndefined();
    expect(headerTime(int64(1_700_000_000_000n))).toBe(1_700_000_000_000);
    expect(headerTime('2023-11-14T22:13:20.000Z')).toBe(1_700_000_000_000);
  });
});

describe('Spring Kafka kafka_dlt-* headers', () => {
  it('become the dead-letter record, with the cause as the error type and a fingerprint', () => {
    const attributes = incomingDeadLetterAttributes(
      {
        'kafka_dlt-original-topic': Buffer.from('orders'),
        'kafka_dlt-original-partition': int32(3),
        'kafka_dlt-original-offset': int64(981n),
        'kafka_dlt-original-timestamp': int64(1_700_000_000_123n),
        'kafka_dlt-original-consumer-group': Buffer.from('billing'),
        'kafka_dlt-exception-fqcn': Buffer.from('org.springframework.kafka.listener.ListenerExecutionFailedException'),
        'kafka_dlt-exception-cause-fqcn': Buffer.from('java.lang.IllegalStateException'),
        'kafka_dlt-exception-message': Buffer.from('order 981 has no customer'),
        'kafka_dlt-exception-stacktrace': Buffer.from('java.lang.IllegalStateException: order 981\n\tat Billing.handle(Billing.java:12)'),
      },
      { publishedAtMs: 1_700_000_005_000 },
    );
    expect(attributes).toEqual({
      'causeway.dead_letter.convention': 'spring-kafka',
      'causeway.dead_letter.origin.destination': 'orders',
      'causeway.dead_letter.origin.partition': '3',
      'causeway.dead_letter.origin.offset': 981,
      'causeway.dead_letter.origin.published_at_ms': 1_700_000_000_123,
      'causeway.dead_letter.origin.group': 'billing',
      'causeway.dead_letter.error.type': 'java.lang.IllegalStateException',
      'causeway.dead_letter.error.message': 'order 981 has no customer',
      'causeway.dead_letter.error.stacktrace': 'java.lang.IllegalStateException: order 981\n\tat Billing.handle(Billing.java:12)',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('java.lang.IllegalStateException', 'order 981 has no customer'),
      'causeway.dead_letter.last_failure_at_ms': 1_700_000_005_000,
    });
  });

  it('caps messages at 1 KiB and stack traces at 8 KiB', () => {
    const attributes = incomingDeadLetterAttributes({
      'kafka_dlt-original-topic': 'orders',
      'kafka_dlt-exception-message': 'é'.repeat(5000),
      'kafka_dlt-exception-stacktrace': Buffer.from('x'.repeat(100_000)),
    });
    expect(Buffer.byteLength(String(attributes['causeway.dead_letter.error.message']))).toBeLessThanOrEqual(1024);
    expect(String(attributes['causeway.dead_letter.error.message'])).not.toContain('\uFFFD');
    expect(String(attributes['causeway.dead_letter.error.stacktrace'])).toHaveLength(8192);
  });
});

describe('Kafka Connect __connect.errors.* headers', () => {
  it('become the dead-letter record with connector, task and stage', () => {
    const text = (value: string): Buffer => Buffer.from(value);
    const attributes = incomingDeadLetterAttributes({
      '__connect.errors.topic': text('payments'),
      '__connect.errors.partition': text('1'),
      '__connect.errors.offset': text('77'),
      '__connect.errors.connector.name': text('jdbc-sink'),
      '__connect.errors.task.id': text('0'),
      '__connect.errors.stage': text('VALUE_CONVERTER'),
      '__connect.errors.class.name': text('org.apache.kafka.connect.json.JsonConverter'),
      '__connect.errors.exception.class.name': text('org.apache.kafka.connect.errors.DataException'),
      '__connect.errors.exception.message': text('Converting byte[] to Kafka Connect data failed due to serialization error'),
      '__connect.errors.exception.stacktrace': text('org.apache.kafka.connect.errors.DataException: ...'),
    });
    expect(attributes).toMatchObject({
      'causeway.dead_letter.convention': 'kafka-connect',
      'causeway.dead_letter.origin.destination': 'payments',
      'causeway.dead_letter.origin.partition': '1',
      'causeway.dead_letter.origin.offset': 77,
      'causeway.dead_letter.connect.connector': 'jdbc-sink',
      'causeway.dead_letter.connect.task_id': '0',
      'causeway.dead_letter.connect.stage': 'VALUE_CONVERTER',
      'causeway.dead_letter.connect.class_name': 'org.apache.kafka.connect.json.JsonConverter',
      'causeway.dead_letter.error.type': 'org.apache.kafka.connect.errors.DataException',
      'causeway.dead_letter.error.fingerprint': expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});

describe('RabbitMQ x-death', () => {
  it('sums the counts, takes origin and reason from the newest entry and times from all', () => {
    const attributes = incomingDeadLetterAttributes({
      'x-death': [
        { count: 2, reason: 'rejected', queue: 'work', exchange: 'orders', 'routing-keys': ['created'], time: { '!': 'timestamp', value: 1_700_000_100 } },
        { count: 2, reason: 'expired', queue: 'work.delay', exchange: 'retry', 'routing-keys': ['created'], time: { '!': 'timestamp', value: 1_700_000_000 } },
      ],
      'x-first-death-queue': 'work',
      'x-first-death-reason': 'rejected',
      'x-first-death-exchange': 'orders',
    });
    expect(attributes).toEqual({
      'causeway.dead_letter.convention': 'rabbitmq',
      'causeway.dead_letter.origin.destination': 'work',
      'causeway.dead_letter.origin.group': 'work',
      'causeway.dead_letter.origin.exchange': 'orders',
      'causeway.dead_letter.origin.routing_keys': ['created'],
      'causeway.dead_letter.attempts': 2,
      'causeway.dead_letter.first_failure_at_ms': 1_700_000_000_000,
      'causeway.dead_letter.last_failure_at_ms': 1_700_000_100_000,
    });
  });
});

describe('Causeway provenance headers', () => {
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('keep the original headers and event id, drop the trace context, and read back as the record', () => {
    const original = { traceparent, tracestate: 'a=b', 'causeway-event-id': 'evt-1', 'causeway-event-type': 'OrderPlaced' };
    const failure = new RangeError('order 17 total -3 is negative');
    const headers = deadLetterHeaders({ headers: original, origin: { destination: 'orders', partition: 0, offset: 41n, group: 'billing' }, error: failure }, 1_000_000);
    expect(original).toHaveProperty('traceparent'); // not mutated
    expect(headers['traceparent']).toBeUndefined();
    expect(headers['tracestate']).toBeUndefined();
    expect(headers).toMatchObject({
      'causeway-event-id': 'evt-1',
      'causeway-event-type': 'OrderPlaced',
      'causeway-dl-origin-destination': 'orders',
      'causeway-dl-origin-partition': '0',
      'causeway-dl-origin-offset': '41',
      'causeway-dl-origin-group': 'billing',
      'causeway-dl-attempts': '1',
      'causeway-dl-error-type': 'RangeError',
      'causeway-dl-error-message': 'order 17 total -3 is negative',
      'causeway-dl-error-fingerprint': errorFingerprint('RangeError', 'order 17 total -3 is negative'),
      'causeway-dl-first-failure-at': '1000000',
      'causeway-dl-last-failure-at': '1000000',
      'causeway-dl-original-event-id': 'evt-1',
    });
    expect(String(headers['causeway-dl-error-stacktrace'])).toContain('RangeError: order 17');

    const asKafkaDelivers = Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, Buffer.from(String(value))]));
    expect(incomingDeadLetterAttributes(asKafkaDelivers)).toMatchObject({
      'causeway.dead_letter.convention': 'causeway',
      'causeway.dead_letter.origin.destination': 'orders',
      'causeway.dead_letter.origin.partition': '0',
      'causeway.dead_letter.origin.offset': 41,
      'causeway.dead_letter.origin.group': 'billing',
      'causeway.dead_letter.attempts': 1,
      'causeway.dead_letter.error.type': 'RangeError',
      'causeway.dead_letter.error.fingerprint': errorFingerprint('RangeError', 'order 17 total -3 is negative'),
      'causeway.dead_letter.first_failure_at_ms': 1_000_000,
      'causeway.dead_letter.last_failure_at_ms': 1_000_000,
      'causeway.dead_letter.original_event_id': 'evt-1',
    });
  });

  it('on a later hop: attempts grow, first failure and origin stay, the error is the new one', () => {
    const first = deadLetterHeaders({ headers: { 'causeway-event-id': 'evt-2' }, origin: { destination: 'orders', group: 'billing' }, error: new Error('a'), attempts: 3 }, 1000);
    const second = deadLetterHeaders({ headers: first, origin: { destination: 'orders.retry', group: 'billing' }, error: new TypeError('b') }, 5000);
    expect(second).toMatchObject({
      'causeway-dl-origin-destination': 'orders',
      'causeway-dl-attempts': '4',
      'causeway-dl-error-type': 'TypeError',
      'causeway-dl-first-failure-at': '1000',
      'causeway-dl-last-failure-at': '5000',
      'causeway-dl-original-event-id': 'evt-2',
    });
    expect(earlierAttemptsFor(second, 'billing')).toBe(4);
    expect(earlierAttemptsFor(second, 'dlq-reader')).toBe(0);
  });

  it('never overwrites foreign headers, and uses a native message id when the message has no causeway id', () => {
    const headers = deadLetterHeaders({ headers: { 'x-tenant': 't1', 'Causeway-DL-Attempts': '2' }, origin: { destination: 'q' }, error: 'plain string', eventId: 'amqp-id-9' }, 1);
    expect(headers['x-tenant']).toBe('t1');
    expect(headers['Causeway-DL-Attempts']).toBeUndefined();
    expect(headers).toMatchObject({ 'causeway-dl-attempts': '3', 'causeway-dl-error-type': '_OTHER', 'causeway-dl-error-message': 'plain string', 'causeway-dl-original-event-id': 'amqp-id-9' });
  });
});

describe('malformed dead-letter headers', () => {
  const junk: unknown[] = [null, undefined, 12, -5, 1e300, NaN, 10n ** 30n, true, {}, [], [[]], { value: 'x' }, Buffer.alloc(0), Buffer.from([0xff, 0xfe, 0x00]), 'x'.repeat(200_000), [Buffer.from([0xc3])], Symbol('s'), () => 1, new Date(NaN)];
  const names = [
    'x-death', 'x-first-death-queue', 'x-delivery-count', 'kafka_dlt-original-topic', 'kafka_dlt-original-partition', 'kafka_dlt-original-offset',
    'kafka_dlt-original-timestamp', 'kafka_dlt-exception-fqcn', 'kafka_dlt-exception-message', '__connect.errors.topic', '__connect.errors.offset',
    'causeway-dl-origin-destination', 'causeway-dl-attempts', 'causeway-dl-first-failure-at', 'causeway-dl-original-event-id', 'causeway-dl-error-type',
  ];

  it('never throw and never produce non-primitive attributes, on reading or on republishing', () => {
    for (const value of junk) {
      const headers = Object.fromEntries(names.map((name) => [name, value]));
      headers['x-death'] = [value, { count: value, queue: value, time: value, 'routing-keys': value }];
      const attributes = incomingDeadLetterAttributes(headers);
      for (const attribute of Object.values(attributes)) {
        expect(['string', 'number', 'boolean'].includes(typeof attribute) || Array.isArray(attribute)).toBe(true);
      }
      expect(() => deadLetterHeaders({ headers, origin: { destination: 'q', offset: value as never, partition: value as never }, error: value })).not.toThrow();
    }
    expect(incomingDeadLetterAttributes('not headers' as never)).toEqual({});
  });
});

describe('failure counting per message position', () => {
  it('stays bounded, forgets successes, and keeps the first failure time', async () => {
    const { RecentFailures } = await import('./delivery-facts.js');
    const failures = new RecentFailures(3);
    failures.failed('t/0/1', 100);
    failures.failed('t/0/1', 200);
    expect(failures.get('t/0/1')).toEqual({ failures: 2, firstFailureAt: 100 });
    for (let offset = 2; offset < 10; offset++) failures.failed(`t/0/${offset}`);
    expect(failures.size).toBe(3);
    failures.succeeded('t/0/9');
    expect(failures.get('t/0/9')).toBeUndefined();
  });
});
