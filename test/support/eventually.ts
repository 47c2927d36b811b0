/**
 * How long a test waits for something that happens by itself (an event, a receipt, a reconnect).
 * Generous on purpose: the machine running the suite may be busy, and a wait that gives up early
 * is a flaky test, not a faster one. A condition that holds returns at once, so a passing test
 * never waits this long. `TEST_WAIT_MS` shortens it while debugging a hang.
 */
export const waitLimitMs = Number(process.env.TEST_WAIT_MS) || 60_000;

/**
 * Resolves once `holds()` is true, checking every `everyMs`; fails naming `what` after `limitMs`.
 *
 * @example await eventually(async () => (await status(id)) === 'read', `message ${id} read`);
 */
export async function eventually(holds: () => boolean | Promise<boolean>, what: string, limitMs = waitLimitMs, everyMs = 20): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await holds())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
