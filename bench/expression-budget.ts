/**
 * How fast runaway expressions are refused, and how much memory refusing them takes: the join of
 * issue 13 (6.6 KB of literals that would build 386 MB), an evaluation that spends its whole step
 * budget, and data nested 100,000 levels deep. Each case is compiled once, then evaluated 20
 * times; prints the median and worst milliseconds and the growth of RSS. Asserts nothing.
 */
import { clearExpressionCache, compileExpression, compileTemplate } from '../src/expressions/index.js';
import { median } from './stats.js';

const zeros = `[${'0,'.repeat(1600)}]`;
const deep: unknown[] = [];
for (let level = 0, inner = deep; level < 100_000; level++) inner.push((inner = []));

const cases = [
  { name: 'issue 13 join (386 MB unguarded)', compiled: compileTemplate(`\${upper(join(${zeros}, join(${zeros}, "${'x'.repeat(150)}")))}`), allValues: {} },
  { name: '17 × upper of 60,000 chars', compiled: compileExpression(Array(17).fill('length(upper(allValues.text))').join(' + ')), allValues: { text: 'a'.repeat(60_000) } },
  { name: 'text of data 100,000 deep', compiled: compileTemplate('Data: ${allValues.deep}'), allValues: { deep } },
];

console.log(`Refusing runaway expressions — node ${process.version}, 20 evaluations each`);
console.log('');
console.log(`${'case'.padEnd(36)}${'median ms'.padStart(11)}${'max ms'.padStart(9)}${'RSS +MB'.padStart(9)}  error`);
for (const { name, compiled, allValues } of cases) {
  const rssBefore = process.memoryUsage.rss();
  let peak = rssBefore;
  const times: number[] = [];
  let message = '';
  for (let run = 0; run < 20; run++) {
    const start = performance.now();
    try {
      compiled.evaluate({ allValues });
      message = 'not refused';
    } catch (error) {
      message = (error as Error).message.replace(/ at position.*/, '');
    }
    times.push(performance.now() - start);
    peak = Math.max(peak, process.memoryUsage.rss());
  }
  const worst = Math.max(...times);
  console.log(`${name.padEnd(36)}${median(times).toFixed(2).padStart(11)}${worst.toFixed(2).padStart(9)}${((peak - rssBefore) / 2 ** 20).toFixed(1).padStart(9)}  ${message}`);
}
clearExpressionCache();
