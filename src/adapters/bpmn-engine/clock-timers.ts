import type { Clock, TimerHandle } from '../../domain/clock.js';

/** A timer as bpmn-engine keeps it (it clears every `executing` timer when it stops). */
export interface EngineTimer {
  owner: unknown;
  timerId: string;
  delay: number;
  expireAt: Date;
  timerRef: TimerHandle | undefined;
}

type TimerCallback = (...args: unknown[]) => void;

/** The timers interface bpmn-engine's `timers` option takes. */
export interface EngineTimers {
  readonly executing: EngineTimer[];
  setTimeout(callback: TimerCallback, delay: number, ...args: unknown[]): EngineTimer;
  clearTimeout(timer: EngineTimer | undefined): undefined;
  register(owner?: unknown): { owner: unknown; setTimeout: EngineTimers['setTimeout']; clearTimeout: EngineTimers['clearTimeout'] };
}

// Node's own ceiling for a timeout; bpmn-engine leaves longer timers unscheduled as well.
const maxDelay = 2_147_483_647;

/**
 * bpmn-engine's timers (timer boundary events, intermediate timers) on our clock, so a test moves
 * a `PT30S` boundary forward with `clock.advance` instead of waiting. bpmn-engine computes each
 * delay itself: durations follow the clock (plus the few milliseconds between its two wall-clock
 * reads on a busy machine), absolute dates are measured from the wall clock.
 *
 * @example new Engine({ source, timers: clockTimers(clock) })
 */
export function clockTimers(clock: Clock): EngineTimers {
  const executing = new Set<EngineTimer>();
  let count = 0;

  const start = (owner: unknown, callback: TimerCallback, delay: number, args: unknown[]): EngineTimer => {
    const timer: EngineTimer = { owner, timerId: `timer_${count++}`, delay, expireAt: new Date(clock.now() + delay), timerRef: undefined };
    executing.add(timer);
    if (delay < maxDelay) {
      timer.timerRef = clock.setTimeout(() => {
        executing.delete(timer);
        callback(...args);
      }, delay);
    }
    return timer;
  };
  const clear = (timer: EngineTimer | undefined): undefined => {
    if (timer && executing.delete(timer) && timer.timerRef !== undefined) clock.clearTimeout(timer.timerRef);
    return undefined;
  };

  return {
    get executing() {
      return [...executing];
    },
    setTimeout: (callback, delay, ...args) => start(null, callback, delay, args),
    clearTimeout: clear,
    register: (owner) => ({ owner, setTimeout: (callback, delay, ...args) => start(owner, callback, delay, args), clearTimeout: clear }),
  };
}
