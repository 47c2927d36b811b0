import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestWord } from './closest-word.js';

const commands = ['serve', 'describe', 'admin-key', 'help'];

test('a typo of a command suggests that command; a word like none suggests nothing', () => {
  assert.equal(closestWord('serv', commands), 'serve');
  assert.equal(closestWord('srve', commands), 'serve');
  assert.equal(closestWord('Serve', commands), 'serve');
  assert.equal(closestWord('descibe', commands), 'describe');
  assert.equal(closestWord('admin', commands), 'admin-key');
  assert.equal(closestWord('hlep', commands), 'help');
  assert.equal(closestWord('x', commands), undefined);
  assert.equal(closestWord('deploy', commands), undefined);
});

test('an option is matched with its dashes', () => {
  assert.equal(closestWord('--versoin', ['--lang', '--help', '--version']), '--version');
  assert.equal(closestWord('--lan', ['--lang', '--help', '--version']), '--lang');
});
