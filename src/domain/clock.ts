/**
 * Time as a dependency: every rule with a time window and every engine timer reads it from here,
 * so tests move time forward instead of waiting.
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: number } | ReturnType<typeof setTimeout>;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A clock that moves only when told to. Timers fire in time order during `advance`; a timer set
 * while an advance runs (by a timer firing on the way) counts from where that advance ends, as
 * a real clock's would after the jump: a task a tick starts keeps its whole timeout instead of
 * timing out in the same advance, before its I/O could answer.
 *
 * @example const clock = new ManualClock(Date.parse('2026-01-01T09:00:00Z')); clock.advance(15 * 60_000);
 */
export class ManualClock implements Clock {
  private timers = new Map<number, { at: number; callback: () => void }>();
  private nextId = 1;
  /** Where the advance in progress ends; timers set meanwhile start from there. */
  private advancingTo: number | undefined;

  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { at: (this.advancingTo ?? this.current) + Math.max(0, ms), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    if (typeof handle === 'object' && handle !== null && 'id' in handle) this.timers.delete(handle.id);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    const outer = this.advancingTo;
    this.advancingTo = Math.max(target, outer ?? target);
    try {
      for (;;) {
        const due = this.nextDue(target);
        if (!due) break;
        this.timers.delete(due.id);
        this.current = due.at;
        due.callback();
      }
      this.current = target;
    } finally {
      this.advancingTo = outer;
    }
  }

  /** Sets the time, firing due timers if it moves forward. */
  set(time: number): void {
    if (time > this.current) this.advance(time - this.current);
    else this.current = time;
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  private nextDue(limit: number): { id: number; at: number; callback: () => void } | undefined {
    let best: { id: number; at: number; callback: () => void } | undefined;
    for (const [id, timer] of this.timers) {
      if (timer.at <= limit && (!best || timer.at < best.at || (timer.at === best.at && id < best.id))) {
        best = { id, ...timer };
      }
    }
    return best;
  }
}
