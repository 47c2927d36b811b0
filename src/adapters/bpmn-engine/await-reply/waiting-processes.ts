import { randomUUID } from 'node:crypto';
import type { BpmnEngineExecutionState, Engine } from 'bpmn-engine';
import { createEngine, runToEnd, type CreateEngineOptions, type ProcessRun } from '../run-process.js';
import type { ReplyWaits } from './reply-waits.js';

/**
 * Where a host keeps the state of processes that wait for a reply: one JSON text per process
 * instance, written when it begins to wait, removed when it ends. A host's own database.
 */
export interface ProcessStateStore {
  save(processInstanceId: string, state: string): Promise<void>;
  remove(processInstanceId: string): Promise<void>;
  list(): Promise<{ processInstanceId: string; state: string }[]>;
}

export interface WaitingProcessesOptions extends Omit<CreateEngineOptions, 'variables' | 'processInstanceId' | 'onWaiting' | 'replies'> {
  /** The process definition every instance runs (BPMN XML, read once by the host). */
  source: string;
  store: ProcessStateStore;
  replies: ReplyWaits;
  /** A state that could not be saved or removed; the process runs on (a restart then loses it). */
  onError?: (error: unknown, processInstanceId: string) => void;
}

interface Running {
  engine: Engine;
  /** The process's writes to the store, one after another: the last one written wins. */
  writes: Promise<void>;
  ended: boolean;
}

/**
 * Runs process instances of one definition whose `<wa:awaitReply>` tasks may wait for hours,
 * and keeps each waiting instance's state in the host's store, so a restart loses none: `recover`
 * at start resumes every saved instance where it waited (its timers keep their deadlines).
 *
 * @example
 * const host = new WaitingProcesses({ source, store, replies, gateway, clock });
 * await host.recover();                           // at start: the processes that were waiting
 * host.start({ connection, allValues: record });  // each new one
 */
export class WaitingProcesses {
  private readonly running = new Map<string, Running>();
  /** Writes not yet in the store, an ended process's removal too. */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly options: WaitingProcessesOptions) {}

  /** Starts a process instance; resolves when it ends. */
  start(variables: Record<string, unknown>, processInstanceId: string = randomUUID()): Promise<ProcessRun> {
    const engine = this.engine(processInstanceId, variables);
    return this.drive(processInstanceId, engine, () => engine.execute());
  }

  /** Resumes every instance the store holds (a host calls it once at start); resolves to their runs. */
  async recover(): Promise<Promise<ProcessRun>[]> {
    const saved = await this.options.store.list();
    return saved
      .filter(({ processInstanceId }) => !this.running.has(processInstanceId))
      .map(({ processInstanceId, state }) => {
        const engine = this.engine(processInstanceId);
        engine.recover(JSON.parse(state) as BpmnEngineExecutionState);
        return this.drive(processInstanceId, engine, () => engine.resume());
      });
  }

  /** How many instances run here now. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every state written so far is in the store. */
  async idle(): Promise<void> {
    await Promise.all(this.writing);
  }

  /** Stops every instance here, keeping its saved state for the next `recover` (a host's shutdown). */
  async stop(): Promise<void> {
    const runs = [...this.running.values()];
    this.running.clear();
    await Promise.all(runs.map(async (run) => {
      await run.writes;
      run.ended = true;
      await run.engine.stop();
    }));
  }

  private engine(processInstanceId: string, variables?: Record<string, unknown>): Engine {
    const { source, store: _store, onError: _onError, ...options } = this.options;
    return createEngine(source, { ...options, processInstanceId, ...(variables ? { variables } : {}), onWaiting: () => this.save(processInstanceId) });
  }

  private async drive(processInstanceId: string, engine: Engine, begin: Parameters<typeof runToEnd>[1]): Promise<ProcessRun> {
    const run: Running = { engine, writes: Promise.resolve(), ended: false };
    this.running.set(processInstanceId, run);
    try {
      return await runToEnd(engine, begin);
    } finally {
      if (this.running.get(processInstanceId) === run) {
        this.running.delete(processInstanceId);
        run.ended = true;
        this.write(run, processInstanceId, () => this.options.store.remove(processInstanceId));
      }
    }
  }

  /** A task began to wait: its state is taken once the engine has settled into the wait. */
  private save(processInstanceId: string): void {
    const run = this.running.get(processInstanceId);
    if (!run) return;
    this.write(run, processInstanceId, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      if (run.ended) return;
      const state = JSON.stringify(await run.engine.getState());
      if (!run.ended) await this.options.store.save(processInstanceId, state);
    });
  }

  private write(run: Running, processInstanceId: string, step: () => Promise<void>): void {
    const written = run.writes.then(step).catch((error: unknown) => this.options.onError?.(error, processInstanceId));
    run.writes = written;
    this.writing.add(written);
    void written.then(() => this.writing.delete(written));
  }
}
