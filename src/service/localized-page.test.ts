import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillTemplate } from './localized-page.js';

test('a template is filled in the language asked for, with bold kept and markup escaped', () => {
  assert.equal(fillTemplate('<html lang="{{lang}}"><h1>{{link.title}}</h1>', 'ru'), '<html lang="ru"><h1>Привязка WhatsApp</h1>');
  assert.equal(fillTemplate('<li>{{link.step.open}}</li>', 'en'), '<li>Open <strong>WhatsApp</strong> on your phone</li>');
});

test('the catalogue embedded for scripts cannot end its <script> early', () => {
  const filled = fillTemplate('<script type="application/json">{{texts}}</script>', 'en');
  const json = filled.slice('<script type="application/json">'.length, -'</script>'.length);
  assert.ok(!json.includes('<'));
  assert.equal((JSON.parse(json) as Record<string, string>)['link.title'], 'Link WhatsApp');
});

test('a template naming a text the catalogue lacks fails at once', () => {
  assert.throws(() => fillTemplate('{{link.nope}}', 'en'), /link\.nope/);
});
