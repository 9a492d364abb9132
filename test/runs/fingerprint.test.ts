import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEvalData, checkTrainData, fingerprintChanges, readDataRecord, splitFingerprint } from '../../lib/runs/fingerprint';
import type { LeaveOneOutSplit } from '../../lib/data/types';
import { seqsOf } from '../train/tiny';

// 3 users, 4 items: train prefixes, then valid and test targets (0 = none).
const split = (train: number[][], valid: number[], test: number[], ids?: string[]): LeaveOneOutSplit => {
  const s = seqsOf(train, 4);
  const vocab = ids ? { ...s.vocab, userIds: ids } : s.vocab;
  return { train: { ...s, vocab }, valid: Int32Array.from(valid), test: Int32Array.from(test), numUsers: train.length, numItems: 4, vocab };
};
const base = () => split([[1, 2], [2, 3, 4], [4]], [3, 1, 0], [4, 2, 0]);
const spec = { source: 'atomic:x.inter', core: 0 };

test('splitFingerprint: counts, equal splits hash equal', () => {
  const f = splitFingerprint(base());
  assert.deepEqual([f.numUsers, f.numItems, f.numTrainInteractions, f.numValidTargets, f.numTestTargets], [3, 4, 6, 2, 2]);
  assert.match(f.sha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(splitFingerprint(base()), f);
  assert.deepEqual(fingerprintChanges(f, splitFingerprint(base())), []);
});

test('fingerprintChanges names each part that changed', () => {
  const f = splitFingerprint(base());
  const changes = (s: LeaveOneOutSplit) => fingerprintChanges(f, splitFingerprint(s));
  assert.deepEqual(changes(split([[1, 2], [2, 3], [4]], [3, 1, 0], [4, 2, 0])), ['training sequences (6 -> 5 interactions)']);
  assert.deepEqual(changes(split([[1, 2], [2, 3, 1], [4]], [3, 1, 0], [4, 2, 0])), ['training sequences (same count, different values)']);
  assert.deepEqual(changes(split([[1, 2], [2, 3, 4], [4]], [3, 1, 2], [4, 2, 0])), ['validation targets (2 -> 3 users)']);
  assert.deepEqual(changes(split([[1, 2], [2, 3, 4], [4]], [3, 1, 0], [4, 3, 0])), ['test targets (same count, different values)']);
  assert.deepEqual(changes(split([[1, 2], [2, 3, 4], [4]], [3, 1, 0], [4, 2, 0], ['a', 'b', 'c'])), ['raw user or item ids']);
  assert.deepEqual(changes(split([[1, 2], [2, 3, 4]], [3, 1], [4, 2])), [
    'users 3 -> 2', 'training sequences (6 -> 5 interactions)', 'validation targets (same count, different values)', 'test targets (same count, different values)', 'raw user or item ids',
  ]);
});

test('event times: a change of times alone is reported; records without the times part compare on the other four', () => {
  const f = splitFingerprint(base());
  const shifted = base();
  const times = Float64Array.from(shifted.train.times, (t) => t + 60);
  const moved: LeaveOneOutSplit = { ...shifted, train: { ...shifted.train, times } };
  const g = splitFingerprint(moved);
  assert.equal(g.sha256, f.sha256, 'the interactions are the same: sha256 (and old records) unchanged');
  assert.notEqual(g.parts.times, f.parts.times);
  assert.deepEqual(fingerprintChanges(f, g), ['event times (same interactions; the time bias of HSTU and FuXi-alpha reads them)']);
  // Held-out target times count too.
  const withHeld = (t: number): LeaveOneOutSplit => ({ ...base(), validTime: Float64Array.from([t, 1, NaN]), testTime: Float64Array.from([2, 3, NaN]) });
  assert.deepEqual(fingerprintChanges(splitFingerprint(withHeld(5)), splitFingerprint(withHeld(6))), ['event times (same interactions; the time bias of HSTU and FuXi-alpha reads them)']);
  // A record written before the times part existed: no times to compare, no change reported.
  const { times: _, ...oldParts } = f.parts;
  assert.deepEqual(fingerprintChanges({ ...f, parts: oldParts }, g), []);
});

test('checkTrainData / checkEvalData: record, compare, refuse or accept a change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-fp-'));
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  const f = splitFingerprint(base());
  const g = splitFingerprint(split([[1, 2], [2, 3], [4]], [3, 1, 0], [4, 2, 0]));
  assert.equal(checkEvalData(dir, spec, f, false, log), undefined);
  assert.match(logs.pop()!, /no data fingerprint recorded \(the run predates data.json\): a change of its data cannot be detected/);
  assert.equal(checkTrainData(dir, spec, f, 0, false, log), undefined);
  assert.deepEqual(readDataRecord(dir)!.fingerprint, f);
  assert.equal(checkTrainData(dir, spec, g, 0, false, log), undefined, 'no epoch finished: nothing to conflict');
  assert.deepEqual(readDataRecord(dir)!.fingerprint, g);
  checkTrainData(dir, spec, f, 0, false, log);
  const before = readFileSync(join(dir, 'data.json'));
  assert.throws(() => checkTrainData(dir, spec, g, 3, false, log), /the data changed since this run was trained \(atomic:x.inter, core 0: training sequences \(6 -> 5 interactions\)\); its 3 finished epochs were trained on the old data. Nothing was changed. Fix: .*--allow-data-change/);
  assert.throws(() => checkEvalData(dir, spec, g, false, log), /its metrics on the current data would not be the run's/);
  assert.deepEqual(readFileSync(join(dir, 'data.json')), before);
  assert.deepEqual(checkEvalData(dir, spec, g, true, log)!.changes, ['training sequences (6 -> 5 interactions)']);
  const all = checkTrainData(dir, spec, g, 3, true, log)!;
  assert.deepEqual(all.map((c) => [c.epoch, c.from, c.to]), [[3, f.sha256, g.sha256]]);
  assert.deepEqual(readDataRecord(dir)!.changes, all);
  assert.deepEqual(checkTrainData(dir, spec, g, 4, false, log), all, 'accepted changes stay recorded');
  writeFileSync(join(dir, 'data.json'), '{"format": "lsrm-data/1"}');
  assert.throws(() => checkTrainData(dir, spec, g, 4, false, log), /data.json: is not a data record.*the fingerprint of the data this run was trained on is lost/);
});
