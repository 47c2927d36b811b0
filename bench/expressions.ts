/**
 * Renders per second of the appointment reminder (4 placeholders): through the cache, through
 * the compiled object, re-parsed on every call, and a hand-written template literal as the
 * reference. All four run side by side in one process; each is warmed up, then measured three
 * times for about a second, and the best run counts. Prints a table; asserts nothing.
 */
import { compileTemplate, compileTemplateUncached, renderTemplate } from '../src/expressions/index.js';

const template =
  'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, ' +
  'в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!';

const scope = {
  allValues: {
    clientName: 'Анна Смирнова',
    appointmentDate: '15.03.2025',
    appointmentTime: '10:30',
    specialistName: 'Иванова Мария Петровна',
  },
};

type Values = typeof scope.allValues;
const native = ({ allValues: v }: { allValues: Values }): string =>
  `Добрый день, ${v.clientName}! Напоминаем о вашей записи на завтра, ${v.appointmentDate}, в ${v.appointmentTime}. Специалист: ${v.specialistName}. Будем ждать вас!`;

const compiled = compileTemplate(template);

const candidates: { name: string; render: () => unknown }[] = [
  { name: 'renderTemplate (cached)', render: () => renderTemplate(template, scope) },
  { name: 'compiled.evaluate', render: () => compiled.evaluate(scope) },
  { name: 're-parse every call', render: () => compileTemplateUncached(template).evaluate(scope) },
  { name: 'native template literal', render: () => native(scope) },
];

const expected = native(scope);
for (const { name, render } of candidates) {
  if (render() !== expected) throw new Error(`${name} renders something else than the native function`);
}

let sink = 0;

/** Renders per second over about `ms` milliseconds, checking the clock once per batch. */
function measure(render: () => unknown, ms: number): number {
  let batch = 1_000;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < batch; i++) sink += (render() as string).length;
    count += batch;
    elapsed = performance.now() - start;
    if (elapsed < ms / 20) batch *= 2;
  }
  return (count / elapsed) * 1000;
}

for (const { render } of candidates) measure(render, 300);

const best = new Map<string, number>();
for (let round = 0; round < 3; round++) {
  for (const { name, render } of candidates) {
    best.set(name, Math.max(best.get(name) ?? 0, measure(render, 1_000)));
  }
}

const cachedRate = best.get('renderTemplate (cached)') ?? 0;
const evaluateRate = best.get('compiled.evaluate') ?? 0;
const reparseRate = best.get('re-parse every call') ?? 0;
const nativeRate = best.get('native template literal') ?? 0;

const format = (rate: number) => Math.round(rate).toLocaleString('en-US').padStart(13);
console.log(`Reminder template, 4 placeholders — node ${process.version}, best of 3 × ~1 s`);
console.log('');
console.log(`${'variant'.padEnd(26)}${'renders/s'.padStart(13)}${'ns/render'.padStart(11)}${'vs cached'.padStart(11)}`);
for (const { name } of candidates) {
  const rate = best.get(name) ?? 0;
  console.log(`${name.padEnd(26)}${format(rate)}${(1e9 / rate).toFixed(1).padStart(11)}${`${(rate / cachedRate).toFixed(2)}×`.padStart(11)}`);
}
console.log('');
console.log(`cached vs re-parse:  ${(cachedRate / reparseRate).toFixed(1)}× faster`);
console.log(`evaluate vs re-parse: ${(evaluateRate / reparseRate).toFixed(1)}× faster`);
console.log(`cached vs native:    ${(cachedRate / nativeRate).toFixed(2)}× (native is ${(nativeRate / cachedRate).toFixed(1)}× faster)`);
const goal = 1_000_000;
console.log(`goal ≥ ${goal.toLocaleString('en-US')} cached renders/s: ${cachedRate >= goal ? 'met' : 'NOT met'} (${format(cachedRate).trim()})`);
if (sink === 0) console.log('');
