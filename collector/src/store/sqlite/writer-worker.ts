/**
 * The SQLite store's writer thread: owns the write connection and runs `SqliteWrites` calls posted
 * by `WorkerWriter` (writer.ts), in the order they arrive, answering each with its result or error.
 * The database exists and its schema is current when this starts (the store opened it first).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openWriterConnection } from './connection.js';
import { prepareWrites, type WriteName } from './writes.js';
import type { WriterReply, WriterRequest, WriterWorkerData } from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-worker.ts runs as a worker thread');
const { path } = workerData as WriterWorkerData;

const connection = openWriterConnection(path);
const writes = prepareWrites(connection);
let running = 0;
let closing = false;

function closeWhenIdle(): void {
  if (!closing || running > 0) return;
  connection.close();
  port?.close();
}

port.on('message', (message: WriterRequest) => {
  if (message.type === 'close') {
    closing = true;
    closeWhenIdle();
    return;
  }
  running++;
  void (async () => {
    let reply: WriterReply;
    try {
      const write = writes[message.name as WriteName] as (...args: unknown[]) => unknown;
      reply = { id: message.id, ok: true, value: await write(...message.args) };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      reply = { id: message.id, ok: false, message: error.message, code: (error as { code?: unknown }).code as string | undefined };
    }
    running--;
    port.postMessage(reply);
    closeWhenIdle();
  })();
});
port.postMessage({ type: 'ready' } satisfies WriterReply);
