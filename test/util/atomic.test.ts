import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { tempOwner, tempPath, writeFileAtomic, writeJsonAtomic } from '../../lib/util/atomic';

test('tempPath: hidden, beside the target, unique per call, owned by this process', () => {
  const a = tempPath('/r/last');
  assert.equal(dirname(a), '/r');
  assert.match(basename(a), new RegExp(`^\\.last\\.tmp-${process.pid}-[0-9a-f]{10}$`));
  assert.notEqual(tempPath('/r/last'), a);
  assert.deepEqual(tempOwner(basename(a)), { target: 'last', pid: process.pid });
});

test('tempOwner: the three temp schemes, nothing else', () => {
  assert.deepEqual(tempOwner('.curve.json.tmp-12-ab01'), { target: 'curve.json', pid: 12 });
  assert.deepEqual(tempOwner('checkpoint.tmp-345'), { target: 'checkpoint', pid: 345 });
  assert.deepEqual(tempOwner('.result.json.678.1700000000000.tmp'), { target: 'result.json', pid: 678 });
  for (const name of ['last', 'last.old', 'config.json', '.hidden', 'x.tmp', '.a.tmp-b-c']) assert.equal(tempOwner(name), undefined, name);
});

test('writeFileAtomic writes the whole file, and removes its temp when the rename fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-atomic-'));
  writeJsonAtomic(join(dir, 'sub', 'a.json'), { x: 1 });
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'sub', 'a.json'), 'utf8')), { x: 1 });
  mkdirSync(join(dir, 'taken'));
  writeFileSync(join(dir, 'taken', 'f'), '');
  assert.throws(() => writeFileAtomic(join(dir, 'taken'), 'data'));
  assert.deepEqual(readdirSync(dir).sort(), ['sub', 'taken']);
});
