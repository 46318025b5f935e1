/** The `--broker` URL of the demo: which real broker the shop runs over. */

export type DemoBroker = { kind: 'kafka'; brokers: string[] } | { kind: 'rabbitmq'; url: string };

/**
 * `kafka://host:port[,host:port…]` or `amqp(s)://[user:pass@]host[:port][/vhost]`. Returns an error
 * sentence instead of throwing, so the caller words it as a configuration error.
 */
export function parseBrokerUrl(raw: string): DemoBroker | { error: string } {
  const kafka = /^kafka:\/\/(.+)$/i.exec(raw);
  if (kafka) {
    const brokers = kafka[1]!.replace(/\/+$/, '').split(',');
    const bad = brokers.find((b) => !/^[A-Za-z0-9.\-_]+:\d{1,5}$/.test(b) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b));
    if (bad !== undefined) return { error: `--broker kafka:// needs host:port[,host:port…], got "${bad}"` };
    return { kind: 'kafka', brokers };
  }
  if (/^amqps?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { error: `--broker "${raw}" is not a valid amqp:// URL` };
    }
    if (url.hostname === '') return { error: `--broker "${raw}" has no host` };
    // RabbitMQ's default account, as amqplib itself assumes when the URL names none.
    if (url.username === '') {
      url.username = 'guest';
      url.password = 'guest';
    }
    return { kind: 'rabbitmq', url: url.toString() };
  }
  return { error: `--broker must be kafka://host:port or amqp://host:port, got "${raw}"` };
}

/** The URL without its password, for logs. */
export function describeBroker(broker: DemoBroker | undefined): string {
  if (!broker) return 'the in-process broker';
  if (broker.kind === 'kafka') return `Kafka at ${broker.brokers.join(',')}`;
  return `RabbitMQ at ${broker.url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`;
}
