/**
 * The SQLite writer thread's body (see `sqlite-writer.ts`): its own connection to the database
 * file, running each batch it is sent as one transaction and answering with its id.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
import { openSqliteFile } from './sqlite-file.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-thread runs as a worker thread');
const database = openSqliteFile((workerData as { path: string }).path);
const runAll = database.transaction((statements: WriterRequest['statements']) => {
  for (const { sql, parameters } of statements) database.prepare(sql).run(parameters);
});

port.on('message', (request: WriterRequest | 'close') => {
  if (request === 'close') {
    database.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  try {
    runAll(request.statements);
    reply = { id: request.id };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: string };
    reply = { id: request.id, error: { message: message ?? String(error), ...(code ? { code } : {}) } };
  }
  port.postMessage(reply);
});
