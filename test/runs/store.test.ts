import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunRecord, runKey, runOrLoad } from '../../lib/runs/store';
import { configHash } from '../../lib/util/hash';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-store-'));

test('runKey: readable slug of top-level scalars + hash; order-free; config change = new key', () => {
  const k = runKey({ layers: 2, dim: 16, data: { n: 5 } });
  // scalars in key order: dim-16, layers-2 (the nested object is only in the hash)
  assert.equal(k, `dim-16_layers-2-${configHash({ layers: 2, dim: 16, data: { n: 5 } })}`);
  assert.equal(runKey({ dim: 16, data: { n: 5 }, layers: 2 }), k);
  assert.notEqual(runKey({ layers: 2, dim: 16, data: { n: 6 } }), k);
  // keys in code-unit order ('N' < 'l'), then lowercased; other characters become '-'
  assert.equal(runKey({ lr: 0.001, Name: 'ML 20M/x' }).slice(0, -11), 'name-ml-20m-x_lr-0.001');
  // arrays and objects without scalars give the bare hash
  assert.equal(runKey([1, 2]), configHash([1, 2]));
  // the slug stops before 60 characters; the hash is always there
  const long = runKey({ a: 'x'.repeat(40), b: 'y'.repeat(40) });
  assert.equal(long, `a-${'x'.repeat(40)}-${configHash({ a: 'x'.repeat(40), b: 'y'.repeat(40) })}`);
});

test('runOrLoad computes once, then loads; a changed config computes again', async () => {
  const dir = tmp();
  let calls = 0;
  const compute = (c: { dim: number }) => {
    calls++;
    return { metrics: { loss: 1 / c.dim }, curve: [{ step: 0, loss: 2 }, { step: 1, loss: 1.5 }] };
  };
  const first = await runOrLoad('fig-test', { dim: 4 }, compute, { dir });
  assert.equal(calls, 1);
  assert.equal(first.isCached, false);
  assert.equal(first.path, join(dir, 'fig-test', `${runKey({ dim: 4 })}.json`));
  const second = await runOrLoad('fig-test', { dim: 4 }, compute, { dir });
  assert.equal(calls, 1, 'second call must load, not recompute');
  assert.equal(second.isCached, true);
  assert.deepEqual(second.metrics, { loss: 0.25 });
  assert.deepEqual(second.curve, first.curve);
  assert.deepEqual(second.meta, first.meta);
  const third = await runOrLoad('fig-test', { dim: 8 }, compute, { dir });
  assert.equal(calls, 2);
  assert.notEqual(third.path, first.path);
  // two results, no temp files left behind
  assert.deepEqual(readdirSync(join(dir, 'fig-test')).sort(), [`${runKey({ dim: 4 })}.json`, `${runKey({ dim: 8 })}.json`].sort());
});

test('stored file holds config, metrics, curve and meta', async () => {
  const dir = tmp();
  const before = Date.now();
  const r = await runOrLoad('exp', { seed: 1 }, async () => ({ metrics: { hr: 0.5 } }), { dir });
  const rec = JSON.parse(readFileSync(r.path, 'utf8'));
  assert.deepEqual(Object.keys(rec).sort(), ['config', 'curve', 'meta', 'metrics']);
  assert.deepEqual(rec.config, { seed: 1 });
  assert.deepEqual(rec.curve, [], 'a missing curve is stored as []');
  assert.deepEqual(Object.keys(rec.meta).sort(), ['backend', 'commit', 'startedAt', 'tfjsVersion', 'wallMs']);
  assert.ok(Date.parse(rec.meta.startedAt) >= before - 1000);
  assert.ok(rec.meta.wallMs >= 0);
  assert.match(rec.meta.commit, /^([0-9a-f]{40}|unknown)$/);
  assert.equal(rec.meta.backend, 'none', 'this computation loaded no TF.js');
  const tfjsVersion = JSON.parse(readFileSync(require.resolve('@tensorflow/tfjs/package.json'), 'utf8')).version;
  assert.equal(rec.meta.tfjsVersion, tfjsVersion);
});

test('runOrLoad refuses a file under the same key holding another config', async () => {
  const dir = tmp();
  const key = runKey({ dim: 4 });
  mkdirSync(join(dir, 'exp'), { recursive: true });
  const path = join(dir, 'exp', `${key}.json`);
  writeFileSync(path, JSON.stringify({ config: { dim: 5 }, metrics: {}, curve: [], meta: {} }));
  let calls = 0;
  await assert.rejects(
    runOrLoad('exp', { dim: 4 }, () => ({ metrics: { calls: ++calls } }), { dir }),
    (err: Error) => err.name === 'DataError' && err.message.startsWith(`${path}: holds a different config`) && /refusing to overwrite/.test(err.message),
  );
  assert.equal(calls, 0);
  assert.equal(JSON.parse(readFileSync(path, 'utf8')).config.dim, 5, 'file untouched');
});

test('readRunRecord names the file when it is not JSON or lacks a field', () => {
  const dir = tmp();
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{ half');
  assert.throws(() => readRunRecord(bad), (e: Error) => e.name === 'DataError' && e.message.startsWith(`${bad}: not a readable JSON result`));
  const partial = join(dir, 'partial.json');
  writeFileSync(partial, JSON.stringify({ config: {}, metrics: {}, curve: [] }));
  assert.throws(() => readRunRecord(partial), new RegExp(`${partial.replace(/[.]/g, '\\.')}: result has no 'meta' field`));
});

test('runOrLoad checks the experiment name and the config before computing', async () => {
  const dir = tmp();
  await assert.rejects(runOrLoad('Fig 2', {}, () => ({ metrics: {} }), { dir }), /experiment name 'Fig 2' must be lowercase/);
  await assert.rejects(runOrLoad('exp', { lr: NaN }, () => ({ metrics: {} }), { dir }), /config\.lr is NaN/);
});

test('a failing computation writes nothing', async () => {
  const dir = tmp();
  await assert.rejects(runOrLoad('exp', { a: 1 }, () => { throw new Error('boom'); }, { dir }), /boom/);
  assert.deepEqual(readdirSync(dir), []);
});

test('a result that appeared while computing (another process finished first) is loaded, not overwritten', async () => {
  const dir = tmp();
  const path = join(dir, 'exp', `${runKey({ dim: 4 })}.json`);
  const theirs = { config: { dim: 4 }, metrics: { loss: 0.25 }, curve: [], meta: { commit: 'theirs', startedAt: '2026-01-01T00:00:00.000Z', wallMs: 1, backend: 'cpu', tfjsVersion: 'x' } };
  const logs: string[] = [];
  const r = await runOrLoad('exp', { dim: 4 }, () => {
    mkdirSync(join(dir, 'exp'), { recursive: true });
    writeFileSync(path, JSON.stringify(theirs)); // the other process's record lands while we compute
    return { metrics: { loss: 0.25 } };
  }, { dir, log: (m) => logs.push(m) });
  assert.equal(r.isCached, false, 'this call did compute');
  assert.deepEqual(r.meta, theirs.meta, 'the record written first is the one kept and returned');
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), theirs, 'file untouched');
  assert.ok(logs.some((l) => /appeared while computing \(another process finished first\): loaded it/.test(l)), logs.join('\n'));
  // One with another config under the same key is still refused.
  const other = join(dir, 'exp', `${runKey({ dim: 8 })}.json`);
  await assert.rejects(runOrLoad('exp', { dim: 8 }, () => {
    writeFileSync(other, JSON.stringify({ ...theirs, config: { dim: 9 } }));
    return { metrics: {} };
  }, { dir }), /holds a different config than requested under the same key; refusing to overwrite/);
});
