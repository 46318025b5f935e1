import { describe, expect, it } from 'vitest';
import { describeBroker, parseBrokerUrl } from './broker-url.js';

describe('parseBrokerUrl', () => {
  it('reads Kafka bootstrap servers, IPv6 included', () => {
    expect(parseBrokerUrl('kafka://127.0.0.1:9092')).toEqual({ kind: 'kafka', brokers: ['127.0.0.1:9092'] });
    expect(parseBrokerUrl('kafka://a:9092,[::1]:9093/')).toEqual({ kind: 'kafka', brokers: ['a:9092', '[::1]:9093'] });
  });

  it('reads AMQP URLs, defaulting to the guest account as amqplib does', () => {
    expect(parseBrokerUrl('amqp://127.0.0.1:5672')).toEqual({ kind: 'rabbitmq', url: 'amqp://guest:guest@127.0.0.1:5672' });
    expect(parseBrokerUrl('amqps://u:p@mq.example:5671/vhost')).toEqual({ kind: 'rabbitmq', url: 'amqps://u:p@mq.example:5671/vhost' });
  });

  it('says what is wrong with anything else', () => {
    expect(parseBrokerUrl('kafka://host')).toEqual({ error: '--broker kafka:// needs host:port[,host:port…], got "host"' });
    expect(parseBrokerUrl('http://127.0.0.1:9092')).toEqual({ error: '--broker must be kafka://host:port or amqp://host:port, got "http://127.0.0.1:9092"' });
  });

  it('hides the password when describing the broker', () => {
    const broker = parseBrokerUrl('amqp://app:s3cret@mq:5672');
    if ('error' in broker) throw new Error(broker.error);
    expect(describeBroker(broker)).toBe('RabbitMQ at amqp://app:***@mq:5672');
    expect(describeBroker(undefined)).toBe('the in-process broker');
  });
});
