import type { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import { startWorker } from '../worker-thread.js';
import type { BatchWriter } from './batch-writer.js';

export interface WriterRequest {
  id: number;
  statements: Array<{ sql: string; parameters: readonly unknown[] }>;
}

export interface WriterReply {
  id: number;
  error?: { message: string; code?: string };
}

/**
 * Runs the store's bulk writes on a thread of their own, over a second connection to the same
 * SQLite file. better-sqlite3 works synchronously: on the event loop, each commit's disk flush and
 * each WAL checkpoint would stop every request for a millisecond or more. Here the loop only hands
 * over the statements and is told when they are on disk. WAL mode lets the loop's connection read
 * meanwhile; what a batch wrote is visible to it once the batch's promise resolves.
 */
export class SqliteWriterThread implements BatchWriter {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(path: string) {
    this.worker = startWorker(new URL('./sqlite-writer-thread.js', import.meta.url), { workerData: { path } });
    // Only a write in progress keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (reply: WriterReply) => this.settle(reply));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`The SQLite writer thread stopped (exit code ${code})`)));
  }

  write(statements: readonly CompiledQuery[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closing) return Promise.reject(new Error('The store is closed'));
    const id = this.nextId++;
    const request: WriterRequest = { id, statements: statements.map(({ sql, parameters }) => ({ sql, parameters })) };
    return new Promise((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage(request);
    });
  }

  async ping(): Promise<void> {
    if (this.failure) throw this.failure;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.failure) return resolve();
      this.worker.once('exit', () => resolve());
      this.worker.ref();
      this.worker.postMessage('close');
    });
    return this.closing;
  }

  private settle({ id, error }: WriterReply): void {
    const waiter = this.waiting.get(id);
    if (!waiter) return;
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker.unref();
    if (error) waiter.reject(Object.assign(new Error(error.message), error.code ? { code: error.code } : {}));
    else waiter.resolve();
  }

  private fail(error: Error): void {
    // A close that was asked for ends the thread normally.
    this.failure ??= this.closing ? new Error('The store is closed') : error;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
