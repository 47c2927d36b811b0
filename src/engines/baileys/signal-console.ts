/**
 * libsignal (the Signal protocol library under Baileys) reports session changes with
 * `console.info('Closing session:', session)` and similar calls, printing the session object with
 * its private ratchet keys to the process's standard output. Those lines are held back here: the
 * engine's logger gets the sentence at debug level, without the object.
 */
const signalSentences = [
  'Closing session',
  'Opening session',
  'Removing old closed session',
  'Session already closed',
  'Session already open',
  'Migrating session to',
  'Closing open session in favor of incoming prekey bundle',
  'Decrypted message with closed session',
  'Failed to decrypt message with any known session',
  'Session error',
  'V1 session storage migration error',
];

let installed = false;
let report: (sentence: string) => void = () => {};

/**
 * Installs the filter on the process's console once; later calls only change where the held-back
 * sentences are reported. Everything else passes through unchanged.
 */
export function holdBackSignalLogs(reportTo: (sentence: string) => void): void {
  report = reportTo;
  if (installed) return;
  installed = true;
  for (const method of ['log', 'info', 'warn', 'error'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]) => {
      const [first] = args;
      const sentence = typeof first === 'string' ? signalSentences.find((known) => first.startsWith(known)) : undefined;
      if (sentence === undefined) return original(...args);
      report(sentence);
    };
  }
}
