import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConnectorError } from '../domain/errors.js';
import { renderTemplate } from './cache.js';
import { compileTemplateUncached, isTemplate, parseTemplate } from './template.js';

const reminder =
  'Добрый день, ${allValues.clientName}! Напоминаем о вашей записи на завтра, ${allValues.appointmentDate}, ' +
  'в ${allValues.appointmentTime}. Специалист: ${allValues.specialistName}. Будем ждать вас!';

const allValues = {
  clientName: 'Анна Смирнова',
  appointmentDate: '15.03.2025',
  appointmentTime: '10:30',
  specialistName: 'Иванова Мария Петровна',
  attachments: [{ title: 'Invoice', url: 'https://example.com/invoice.pdf' }],
};

const failsAt = (source: string, position: number, words: RegExp, scope: Record<string, unknown> = { allValues }) =>
  assert.throws(() => renderTemplate(source, scope), (error: unknown) => {
    assert.ok(error instanceof ConnectorError);
    assert.equal(error.code, 'EXPRESSION_ERROR');
    assert.equal(error.details?.position, position, error.message);
    assert.equal(error.details?.expression, source);
    assert.match(error.message, words);
    return true;
  });

describe('templates', () => {
  it('renders the appointment reminder from the seed with the client\'s data', () => {
    assert.equal(
      renderTemplate(reminder, { allValues }),
      'Добрый день, Анна Смирнова! Напоминаем о вашей записи на завтра, 15.03.2025, в 10:30. ' +
        'Специалист: Иванова Мария Петровна. Будем ждать вас!',
    );
  });

  it('leaves a gap where data is missing, never the word "undefined"', () => {
    assert.equal(renderTemplate('Здравствуйте, ${allValues.nickname}!', { allValues }), 'Здравствуйте, !');
    assert.equal(renderTemplate('Здравствуйте, ${default(allValues.nickname, "клиент")}!', { allValues }), 'Здравствуйте, клиент!');
  });

  it('turns values into text: numbers, booleans, Dates as ISO, objects and arrays as JSON', () => {
    const scope = { n: 1.5, yes: true, at: new Date(Date.UTC(2025, 2, 14, 6, 30)), list: [1, 'a'], object: { a: null } };
    assert.equal(renderTemplate('${n} ${yes} ${at} ${list} ${object} ${null}.', scope), '1.5 true 2025-03-14T06:30:00.000Z [1,"a"] {"a":null} .');
  });

  it('returns the raw value when the field is exactly one placeholder, for attachments', () => {
    const attachments = renderTemplate('${allValues.attachments}', { allValues });
    assert.equal(attachments, allValues.attachments);
    assert.deepEqual(renderTemplate('${[{ title: "Invoice", url: allValues.attachments[0].url }]}', { allValues }), allValues.attachments);
    assert.equal(renderTemplate('${allValues.missing}', { allValues }), undefined);
    assert.equal(renderTemplate(' ${allValues.attachments.length}', { allValues }), ' 1');
  });

  it('returns text without placeholders as it is', () => {
    const compiled = compileTemplateUncached('Просто текст, C:\\temp\\n и $ { } без подстановок');
    assert.equal(compiled.evaluate({}), 'Просто текст, C:\\temp\\n и $ { } без подстановок');
    assert.equal(renderTemplate('', {}), '');
  });

  it('keeps "\\${" as a literal "${"', () => {
    assert.equal(renderTemplate('Цена: \\${price}, итого ${total}', { total: 5 }), 'Цена: ${price}, итого 5');
    assert.equal(isTemplate('Цена: \\${price}'), false);
    assert.equal(isTemplate('Цена: \\${price} ${total}'), true);
    assert.equal(isTemplate('Hello, ${allValues.clientName}!'), true);
    assert.equal(isTemplate('allValues.clientPhone'), false);
  });

  it('allows braces, strings and backticks inside a placeholder', () => {
    assert.equal(renderTemplate('${ {a: "}"}.a } and ${`x${1 + 1}`}!', {}), '} and x2!');
    assert.equal(renderTemplate('${allValues.clientName.length > 3 ? "long" : "short"} name', { allValues }), 'long name');
  });

  it('splits text and placeholders with offsets into the whole template', () => {
    const { quasis, expressions } = parseTemplate('Hi ${a}, ${b.c}!');
    assert.deepEqual(quasis, ['Hi ', ', ', '!']);
    assert.deepEqual(expressions.map((e) => [e.start, e.end]), [[5, 6], [11, 14]]);
  });

  it('points a parse error at its offset in the whole template', () => {
    failsAt('Привет, ${allValues.name = 1}!', 25, /^Unexpected "=" at position 25 in "Привет, \$\{allValues\.name = 1\}!": assignment is not allowed$/);
    failsAt('Привет, ${allValues.name', 8, /Unterminated "\$\{" at position 8/);
    failsAt('Привет, ${ }!', 8, /Empty "\$\{\}" at position 8/);
    failsAt('a ${1} b ${2 +} c', 14, /Unexpected "\}"|Unexpected end of expression at position 14/);
  });

  it('points a runtime error at its offset in the whole template', () => {
    failsAt('Запись: ${allValues.appointmentDate}, врач: ${allValues.doctor.name}', 63, /Cannot read "name" of undefined at position 63/);
    failsAt('Дата: ${formatDate(allValues.clientName)}', 8, /formatDate: "Анна Смирнова" is not a valid date at position 8/);
    failsAt('${1} ${allValues.loop}', 7, /cannot be shown as text: it refers to itself at position 7/, { allValues: { loop: selfReferring() } });
  });

  it('shows a window of a long template in the message', () => {
    const long = `${'текст '.repeat(40)}\${allValues.a.b}${' хвост'.repeat(40)}`;
    assert.throws(() => renderTemplate(long, { allValues: {} }), /Cannot read "b" of undefined at position 254 in …"[^"]*\$\{allValues\.a\.b\}[^"]*"…/);
  });

  it('refuses to render without a data object', () => {
    assert.throws(() => renderTemplate('${a}', null as unknown as Record<string, unknown>), /No data to evaluate against/);
  });
});

function selfReferring(): Record<string, unknown> {
  const loop: Record<string, unknown> = {};
  loop.self = loop;
  return loop;
}
