/** RabbitMQ (amqplib) adapter: zero-code instrumentation and explicit wrappers. */
export { CausewayAmqplibInstrumentation } from './instrumentation.js';
export { instrumentAmqplib, instrumentAmqpChannel } from './explicit.js';
