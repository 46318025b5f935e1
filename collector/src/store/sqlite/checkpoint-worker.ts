/**
 * The SQLite store's checkpoint thread (see checkpointer.ts): a PASSIVE checkpoint on its own
 * connection each time it is asked, answered when done.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openConnection } from './connection.js';
import type { CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './checkpointer.js';

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs as a worker thread');
const { path } = workerData as CheckpointWorkerData;
const connection = openConnection(path);

port.on('message', (message: CheckpointRequest) => {
  if (message === 'close') {
    connection.close();
    port.close();
    return;
  }
  try {
    // PASSIVE copies what it can without waiting for, or blocking, the writer.
    connection.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next request tries again, and the writer's own checkpoint bounds the WAL.
  }
  port.postMessage('done' satisfies CheckpointReply);
});
port.postMessage('ready' satisfies CheckpointReply);
