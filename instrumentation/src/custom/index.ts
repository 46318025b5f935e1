/** Adapter for brokers Causeway does not patch: wrap your own publish, consume and settle calls. */
export { createMessagingInstrumentation, ATTR_CAUSEWAY_DELIVERY_ATTEMPT } from './messaging-instrumentation.js';
export type {
  CustomEventTypeOptions,
  CustomMessageInfo,
  CustomMessagingOptions,
  IncomingDelivery,
  MessageHeaders,
  MessagingInstrumentation,
  OutgoingMessage,
  PublishContext,
  SettleOutcome,
} from './types.js';
