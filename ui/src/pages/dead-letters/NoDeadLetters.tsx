/** The empty state: no dead letters in the range, and how Causeway finds them. */
import { Empty } from '../../components/States';

export function NoDeadLetters({ filtered = false }: { filtered?: boolean }) {
  return (
    <Empty>
      <div className="dl-empty" data-testid="deadletters-empty">
        <strong>{filtered ? 'No dead letters match these filters in this range.' : 'No dead letters in this range.'}</strong>
        {!filtered && (
          <p className="muted small">
            Causeway records one when a consumer instrumented with its SDK rejects or nacks a message without requeue; when RabbitMQ dead-letters one through a
            dead-letter exchange (x-death: rejected, expired, queue length limit, quorum delivery limit); or when a message arrives on a Kafka dead-letter topic
            written by Spring Kafka (kafka_dlt-* headers), Kafka Connect (__connect.errors.* headers) or Causeway’s own retry / dead-letter helper.
          </p>
        )}
      </div>
    </Empty>
  );
}
