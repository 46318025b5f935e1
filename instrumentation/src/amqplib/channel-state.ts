/**
 * What the adapter remembers about one channel, kept in a WeakMap so it never adds properties to
 * the user's objects and goes away with the channel.
 */
import type { Attributes } from '@opentelemetry/api';
import { guard } from '../core/guard.js';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '../semconv.js';
import { endUnsettled } from './delivery.js';
import { OpenDeliveries } from './open-deliveries.js';
import type { AmqpChannel, Delivery } from './shapes.js';

export class ChannelState {
  /**
   * True while an instrumented call on this channel runs. amqplib calls its own public methods
   * internally (ConfirmChannel#publish → Channel#publish, sendToQueue → publish), and an explicitly
   * wrapped channel may also have patched prototypes under it: only the outermost call records.
   */
  busy = false;
  readonly open = new OpenDeliveries();
  private server: Attributes | undefined;
  private watchingClose = false;

  constructor(private readonly channel: AmqpChannel) {}

  /** `server.address` / `server.port` of the broker socket, read once it is connected. */
  serverAttributes(): Attributes {
    if (this.server) return this.server;
    const socket = this.channel.connection?.stream;
    if (!socket) return {};
    const attributes: Attributes = {};
    // TLS keeps the host name the user connected to; plain TCP only has the peer IP.
    const host = typeof socket.servername === 'string' && socket.servername.length > 0 ? socket.servername : socket.remoteAddress;
    if (typeof host === 'string' && host.length > 0) attributes[ATTR_SERVER_ADDRESS] = host;
    if (typeof socket.remotePort === 'number') attributes[ATTR_SERVER_PORT] = socket.remotePort;
    if (attributes[ATTR_SERVER_ADDRESS] !== undefined) this.server = attributes;
    return attributes;
  }

  /** Tracks a delivery until settled; ends whatever had to go to keep the channel bounded. */
  track(delivery: Delivery & { deliveryTag: number }): void {
    this.watchClose();
    const evicted = this.open.add(delivery);
    if (evicted) endUnsettled(evicted, 'too_many_open');
  }

  /**
   * Unsettled messages go back to the queue when the channel closes (by the user, the broker or
   * a lost connection); their spans end then instead of leaking.
   */
  private watchClose(): void {
    if (this.watchingClose || typeof this.channel.once !== 'function') return;
    this.watchingClose = true;
    this.channel.once('close', () => {
      guard('amqplib channel close', () => {
        for (const delivery of this.open.drain()) endUnsettled(delivery, 'channel_closed');
      });
    });
  }
}

const states = new WeakMap<object, ChannelState>();

export function channelState(channel: AmqpChannel): ChannelState {
  let state = states.get(channel);
  if (!state) {
    state = new ChannelState(channel);
    states.set(channel, state);
  }
  return state;
}
