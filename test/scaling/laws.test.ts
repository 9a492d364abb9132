import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jointLaw, powerLaw, powerTerm } from '../../lib/scaling/laws';

test('powerLaw: E + (x0/x)^alpha, worked by hand', () => {
  // At x = x0 the term is 1: 4.9 + 1.
  assert.equal(powerLaw(6.8e5, { E: 4.9, x0: 6.8e5, alpha: 0.121 }), 5.9);
  // (100 / 10000)^0.5 = 0.1.
  assert.ok(Math.abs(powerLaw(1e4, { E: 2, x0: 100, alpha: 0.5 }) - 2.1) < 1e-15);
  // The term falls with x: a larger model has a lower loss.
  assert.ok(powerLaw(1e8, { E: 4.9, x0: 6.8e5, alpha: 0.121 }) < powerLaw(1e6, { E: 4.9, x0: 6.8e5, alpha: 0.121 }));
});

test('powerLaw: x0 = 0 is the flat law, even with alpha = 0 (0^0 would be 1)', () => {
  assert.equal(powerLaw(123, { E: 5, x0: 0, alpha: 0 }), 5);
  assert.equal(powerTerm(123, 0, 0), 0);
});

test('jointLaw: E + (N0/N)^aN + (D0/D)^aD', () => {
  // Both terms 1 at N = N0, D = D0; (1e6/4e6)^0.5 = 0.5 and (1e7/1e9)^0.5 = 0.1.
  const p = { E: 2, N0: 1e6, aN: 0.5, D0: 1e7, aD: 0.5 };
  assert.equal(jointLaw(1e6, 1e7, p), 4);
  assert.ok(Math.abs(jointLaw(4e6, 1e9, p) - 2.6) < 1e-15);
  // A dropped data term: the law in N alone.
  assert.equal(jointLaw(4e6, 1, { ...p, D0: 0, aD: 0 }), 2.5);
});
