import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clipText, showValue, ValidationError } from '../../lib/util/errors';
import { checkBoolean, checkInteger, checkNumber, checkOneOf, describeIntegerRange, describeNumberRange } from '../../lib/util/validate';

/** Assert `fn` throws a ValidationError with exactly `message`, naming option, value and range. */
function throwsValidation(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ValidationError, String(e));
    assert.equal(e.name, 'ValidationError');
    assert.equal(e.message, message);
    return true;
  });
}

test('checkInteger: parses numbers and numeric strings, names the option, value and range', () => {
  assert.equal(checkInteger('--epochs', '3', { min: 1 }), 3);
  assert.equal(checkInteger('--epochs', 7), 7);
  assert.equal(checkInteger('--core', '0', { min: 0 }), 0);
  assert.equal(checkInteger('--rows', ' 1e3 ', { min: 1000 }), 1000);
  throwsValidation(() => checkInteger('--batch-size', '0', { min: 1 }), '--batch-size must be a positive integer, got 0');
  throwsValidation(() => checkInteger('--layers', 'two', { min: 1 }), "--layers must be a positive integer, got 'two'");
  throwsValidation(() => checkInteger('--layers', '2.5', { min: 1 }), '--layers must be a positive integer, got 2.5');
  throwsValidation(() => checkInteger('--layers', '', { min: 1 }), "--layers must be a positive integer, got ''");
  throwsValidation(() => checkInteger('--core', -1, { min: 0 }), '--core must be an integer >= 0, got -1');
  throwsValidation(() => checkInteger('--seed', 2 ** 32, { min: 0, max: 2 ** 32 - 1 }), '--seed must be an integer in [0, 4294967295], got 4294967296');
  throwsValidation(() => checkInteger('x', 1e300), 'x must be an integer, got 1e+300');
  throwsValidation(() => checkInteger('x', undefined, { max: 3 }), 'x must be an integer <= 3, got nothing');
});

test('checkNumber: finite numbers in a closed, open or half-open range', () => {
  assert.equal(checkNumber('--lr', '3e-4', { min: 0, exclusiveMin: true }), 3e-4);
  assert.equal(checkNumber('--warmup-epochs', 0, { min: 0 }), 0);
  throwsValidation(() => checkNumber('--lr', '0', { min: 0, exclusiveMin: true }), '--lr must be a positive number, got 0');
  throwsValidation(() => checkNumber('--lr', 'Infinity', { min: 0, exclusiveMin: true }), "--lr must be a positive number, got 'Infinity'");
  throwsValidation(() => checkNumber('rate', 1, { min: 0, max: 1, exclusiveMax: true }), 'rate must be a number in [0, 1), got 1');
  throwsValidation(() => checkNumber('w', -0.5, { min: 0 }), 'w must be a number >= 0, got -0.5');
  throwsValidation(() => checkNumber('t', NaN), 't must be a finite number, got NaN');
});

test('checkOneOf and checkBoolean list what is allowed', () => {
  assert.equal(checkOneOf('--split', 'valid', ['test', 'valid']), 'valid');
  throwsValidation(() => checkOneOf('--split', 'train', ['test', 'valid']), "--split must be one of test, valid, got 'train'");
  throwsValidation(() => checkOneOf('--split', 3, ['test', 'valid']), '--split must be one of test, valid, got 3');
  assert.equal(checkBoolean('f', false), false);
  throwsValidation(() => checkBoolean('TrainConfig.switchOptimizer', 'yes'), "TrainConfig.switchOptimizer must be true or false, got 'yes'");
});

test('range descriptions read after "must be"', () => {
  assert.equal(describeIntegerRange({ min: 1 }), 'a positive integer');
  assert.equal(describeIntegerRange({ min: 2 }), 'an integer >= 2');
  assert.equal(describeIntegerRange({ min: 1, max: 8 }), 'an integer in [1, 8]');
  assert.equal(describeIntegerRange(), 'an integer');
  assert.equal(describeNumberRange({ min: 0, max: 1 }), 'a number in [0, 1]');
  assert.equal(describeNumberRange({ min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }), 'a number in (0, 1)');
  assert.equal(describeNumberRange({ min: 1, exclusiveMin: true }), 'a number > 1');
  assert.equal(describeNumberRange({ max: 1, exclusiveMax: true }), 'a number < 1');
});

test('a ValidationError keeps its parts and an optional fix', () => {
  const e = new ValidationError('--out', '/tmp/f', 'a folder', 'Fix: remove that file');
  assert.deepEqual([e.option, e.value, e.allowed], ['--out', '/tmp/f', 'a folder']);
  assert.equal(e.message, "--out must be a folder, got '/tmp/f'. Fix: remove that file");
});

test('values and echoed text are clipped and control characters made visible', () => {
  assert.equal(clipText('abc'), 'abc');
  assert.equal(clipText('x'.repeat(500), 10), 'xxxxxxxxxx... (500 chars)');
  assert.equal(clipText('a\u0000b\u001b'), 'a\\u0000b\\u001b');
  assert.equal(showValue('x'.repeat(100)), `'${'x'.repeat(60)}... (100 chars)'`);
  assert.equal(showValue([1, 'a']), "[1, 'a']");
});
