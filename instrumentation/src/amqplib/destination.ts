/**
 * `messaging.destination.name` for RabbitMQ, as the messaging semantic conventions (v1.44,
 * RabbitMQ page) define it: a destination is an exchange plus a routing key, and for consumers
 * also the queue. Empty parts are left out; the default exchange with no routing key is
 * `amq.default`.
 */

export interface DestinationName {
  /** Value of `messaging.destination.name`. */
  name: string;
  /**
   * The `{destination}` part of the span name, or undefined to leave it out. Server-named queues
   * (`amq.gen-…`, direct reply-to) are anonymous destinations: the conventions keep them out of
   * span names so names stay low-cardinality.
   */
  spanName: string | undefined;
  anonymous: boolean;
}

const DEFAULT_EXCHANGE = 'amq.default';

/**
 * Names computed per message otherwise (arrays, filters, joins on every publish and delivery),
 * while an application uses a handful of destinations. Bounded: a flood of distinct routing keys
 * only empties the cache now and then. The results are frozen, so sharing them is safe.
 */
const MAX_CACHED_NAMES = 1024;
const cachedNames = new Map<string, DestinationName>();

function cached(key: string, compute: () => DestinationName): DestinationName {
  let name = cachedNames.get(key);
  if (name === undefined) {
    if (cachedNames.size >= MAX_CACHED_NAMES) cachedNames.clear();
    name = Object.freeze(compute());
    cachedNames.set(key, name);
  }
  return name;
}

/** Producer side: `{exchange}:{routing key}`, or whichever of the two is not empty. */
export function publishDestination(exchange: string, routingKey: string): DestinationName {
  // Length-prefixed, so no two different pairs share a key whatever characters the names hold.
  return cached(`p${exchange.length}:${exchange}${routingKey}`, () => fromParts([exchange, routingKey]));
}

/**
 * Consumer side: `{exchange}:{routing key}:{queue}`. When the routing key equals the queue (the
 * default exchange routes by queue name, so that is every `sendToQueue`) only one is kept.
 */
export function consumeDestination(exchange: string, routingKey: string, queue: string): DestinationName {
  return cached(`c${exchange.length}:${routingKey.length}:${exchange}${routingKey}${queue}`, () => fromParts([exchange, routingKey, routingKey === queue ? '' : queue]));
}

export function isAnonymousName(name: string): boolean {
  return name.startsWith('amq.gen-') || name.startsWith('amq.rabbitmq.reply-to');
}

function fromParts(parts: string[]): DestinationName {
  const present = parts.filter((part) => part.length > 0);
  if (present.length === 0) return { name: DEFAULT_EXCHANGE, spanName: DEFAULT_EXCHANGE, anonymous: false };
  const named = present.filter((part) => !isAnonymousName(part));
  const anonymous = named.length < present.length;
  return {
    name: present.join(':'),
    spanName: named.length > 0 ? named.join(':') : undefined,
    anonymous,
  };
}

/** `{operation} {destination}`, or the operation alone when the destination is anonymous. */
export function spanName(operation: string, destination: DestinationName): string {
  return destination.spanName === undefined ? operation : `${operation} ${destination.spanName}`;
}

/** amqplib passes exchange, routing key and queue names through as given; only strings are names. */
export function nameText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
