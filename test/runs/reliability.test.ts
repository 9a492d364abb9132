/**
 * The replay of issue 13's table (run directories under kill -9, damaged files and bad values):
 * one test per row, plus the kill moments whose resume must stay bit-identical. Kills and pauses
 * happen in child processes (test/helpers/run-child.ts) through the preload
 * test/helpers/inject.cjs: a real SIGKILL at a chosen file write or rename, or a block there (a
 * slow disk). Everything else runs in this process on copies of one reference run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { RunLockedError, trainRun } from '../../lib/runs/run';
import { buildModel } from '../../lib/runs/build';
import { TINY_CONFIG, TINY_DEPS } from '../helpers/tiny-run';
import { assertSameAsReference, evalRun, finishedCopy, killedRun, logger, readJson, ref, snapshot, startChild, stoppedAfter, tmp } from '../helpers/replay';

const isDataError = (re: RegExp) => (e: Error) => {
  assert.equal(e.name, 'DataError', e.stack);
  assert.match(e.message, re);
  return true;
};

const MOMENTS = [
  { name: 'mid-epoch (after step 9 of 30)', killAtStep: 9 },
  { name: 'mid-checkpoint (epoch 2: weights.bin written, info.json not)', inject: String.raw`kill-after-write:\.checkpoint\.tmp-[^/]+/weights\.bin$@2` },
  { name: 'at the Adam->SGD switch (epoch 3 saved, curve.json not)', inject: 'kill-after-rename:/last$@3' },
  { name: 'mid-swap of last/ in the first SGD epoch (last/ moved to last.old/)', inject: 'kill-before-rename:/last$@4' },
];

for (const m of MOMENTS) {
  test(`kill -9 ${m.name}: the same command takes the stale lock over and ends bit-identical`, async () => {
    const { dir, pid } = await killedRun(m);
    const l = logger();
    await trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS, log: l.log });
    assert.match(l.text(), new RegExp(`took over the lock of process ${pid} on ${hostname()} .*which is no longer running`));
    assert.match(l.text(), /resuming after epoch \d/);
    await assertSameAsReference(dir);
  });
}

test('D1: --out at a folder that is not a run (checkpoint/model.pt) is refused, nothing changed', async () => {
  const dir = tmp();
  mkdirSync(join(dir, 'checkpoint'));
  writeFileSync(join(dir, 'checkpoint', 'model.pt'), 'user weights');
  const before = snapshot(dir);
  await assert.rejects(trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS }), isDataError(
    new RegExp(`^${dir} is not a run folder of lsrm \\(no config.json; it holds checkpoint/model.pt\\): training there would delete them. Nothing was changed. Fix: choose a new or empty folder`)));
  assert.deepEqual(snapshot(dir), before);
  // Someone else's config.json (readable or not) does not make a folder ours; nor may a run's checkpoint/ hold foreign files.
  const other = tmp();
  writeFileSync(join(other, 'config.json'), '{"lr": 0.1}');
  await assert.rejects(trainRun(TINY_CONFIG, other, { deps: TINY_DEPS }), isDataError(/its config.json is not a run config/));
  writeFileSync(join(other, 'config.json'), 'lr = 0.1');
  await assert.rejects(trainRun(TINY_CONFIG, other, { deps: TINY_DEPS }), isDataError(/does not look like a run folder of lsrm: its config.json is not readable JSON and no other file of a run is there/));
  assert.deepEqual(readdirSync(other), ['config.json']);
  const run = await stoppedAfter(1);
  writeFileSync(join(run, 'checkpoint', 'notes.txt'), 'mine');
  await assert.rejects(trainRun(TINY_CONFIG, run, { deps: TINY_DEPS }), isDataError(/holds files lsrm did not write \(checkpoint\/notes.txt\) in folders a run replaces as a whole/));
  assert.equal(readFileSync(join(run, 'checkpoint', 'notes.txt'), 'utf8'), 'mine');
});

/** A RecBole .inter file of 30 users x 12 items; `drop` leaves out one interaction. */
function writeInter(path: string, drop?: { user: number; t: number }): void {
  const lines = ['user_id:token\titem_id:token\ttimestamp:float'];
  for (let u = 0; u < 30; u++) for (let t = 0; t < 12; t++) if (u !== drop?.user || t !== drop.t) lines.push(`u${u}\ti${((u * 7 + t) % 20) + 1}\t${t}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

test('D2: data edited after training: eval and resume refuse, naming the change, unless allowed (then recorded)', async () => {
  const file = join(tmp(), 'x.inter');
  writeInter(file);
  const config = { ...TINY_CONFIG, data: { source: `atomic:${file}`, core: 0 } };
  const finished = join(tmp(), 'run');
  const r = await trainRun(config, finished, { deps: TINY_DEPS });
  const stopped = await stoppedAfter(2, config);
  writeInter(file, { user: 5, t: 10 }); // user 5's validation item: a training and a held-out change
  const before = [snapshot(finished), snapshot(stopped)];
  const change = `the data changed since this run was trained \\(atomic:${file}, core 0: training sequences \\(300 -> 299 interactions\\), validation targets \\(same count, different values\\)\\)`;
  await assert.rejects(evalRun(finished), isDataError(new RegExp(`${change}; its metrics on the current data would not be the run's. Nothing was changed. Fix: restore the data .*or pass --allow-data-change`)));
  await assert.rejects(trainRun(config, stopped, { deps: TINY_DEPS }), isDataError(new RegExp(`${change}; its 2 finished epochs were trained on the old data`)));
  assert.deepEqual([snapshot(finished), snapshot(stopped)], before);
  // Allowed: eval reports the change; a resumed run records it in data.json and result.json.
  const allowed = await evalRun(finished, { allowDataChange: true });
  const changes = ['training sequences (300 -> 299 interactions)', 'validation targets (same count, different values)'];
  assert.match(allowed.logs, /the data changed since training \(training sequences .*\); evaluating on the current data as allowed/);
  assert.deepEqual(allowed.run.dataChange?.changes, changes);
  assert.notDeepEqual(allowed.metrics, r.metrics.test);
  const resumed = await trainRun(config, stopped, { deps: TINY_DEPS, allowDataChange: true });
  assert.equal(resumed.dataChanges?.length, 1);
  assert.deepEqual([resumed.dataChanges![0].epoch, resumed.dataChanges![0].changes], [2, changes]);
  assert.deepEqual(readJson(join(stopped, 'data.json')).changes, resumed.dataChanges);
  assert.equal(readJson(join(stopped, 'data.json')).fingerprint.numTrainInteractions, 299);
  // Unchanged data (the file restored) evaluates without a word.
  writeInter(file);
  assert.deepEqual((await evalRun(finished)).metrics, r.metrics.test);
});

test('D3: killed after the last epoch\'s last/ swap, before curve.json: curve.json is rebuilt, saying so', async () => {
  const { dir } = await killedRun({ inject: 'kill-after-rename:/last$@5' });
  assert.equal(readJson(join(dir, 'curve.json')).length, 4, 'one epoch short');
  const l = logger();
  await trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS, log: l.log });
  assert.match(l.text(), /resuming after epoch 5 \(step 30\)/);
  assert.match(l.text(), /curve.json had 4 epochs, last\/state.json 5: rebuilt it from last\/state.json/);
  await assertSameAsReference(dir);
  // The same repair on load, for a finished run whose curve.json lags.
  const finished = await finishedCopy();
  writeFileSync(join(finished, 'curve.json'), JSON.stringify(readJson(join(finished, 'curve.json')).slice(0, 4)));
  assert.match((await evalRun(finished)).logs, /curve.json had 4 epochs, last\/state.json 5: rebuilt it/);
  await assertSameAsReference(finished);
});

test('D4: config.json hand-edited (lrPeak, seed): refused with the fields and the fix, nothing changed', async () => {
  const dir = await stoppedAfter(2);
  const edited = readJson(join(dir, 'config.json'));
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...edited, train: { ...edited.train, lrPeak: 0.1, seed: 7 } }, null, 2));
  const before = snapshot(dir);
  const msg = isDataError(new RegExp(`^${dir}/config.json was changed after training started: last/ was trained with train.lrPeak=0.2, train.seed=5, config.json says train.lrPeak=0.1, train.seed=7\\. ` +
    '.*Nothing was changed. Fix: restore train.lrPeak, train.seed in config.json'));
  const editedCommand = { ...TINY_CONFIG, train: { ...TINY_CONFIG.train, lrPeak: 0.1, seed: 7 } };
  await assert.rejects(trainRun(editedCommand, dir, { deps: TINY_DEPS }), msg);
  await assert.rejects(trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS }), msg);
  await assert.rejects(evalRun(dir), msg);
  assert.deepEqual(snapshot(dir), before);
  // Finished runs too: result.json came from the config in last/config.json.
  const finished = await finishedCopy();
  cpSync(join(dir, 'config.json'), join(finished, 'config.json'));
  await assert.rejects(trainRun(editedCommand, finished, { deps: TINY_DEPS }), /config.json was changed after training started/);
});

test('D5: two trainings of one folder: the second is refused (pid, host, fix); the first ends bit-identical', async () => {
  const dir = join(tmp(), 'run');
  const release = join(tmp(), 'go');
  // A blocks (a slow disk) inside its epoch-2 temp folder of last/.
  const a = startChild({ cmd: 'train', dir }, String.raw`wait-after-write:\.last\.tmp-[^/]+/weights\.bin$@2`, { LSRM_INJECT_RELEASE: release });
  await a.waitFor(/inject: wait/);
  const tempOfA = readdirSync(dir).filter((n) => n.startsWith(`.last.tmp-${a.pid}-`));
  assert.equal(tempOfA.length, 1);
  const t0 = Date.now();
  const b = await startChild({ cmd: 'train', dir }).done;
  assert.equal(b.code, 2, b.err);
  assert.match(b.err, new RegExp(`^error: ${dir} is in use by process ${a.pid} on ${hostname()} \\(started .*\\): two processes writing one run would overwrite each other's checkpoints. Fix: wait for that process to finish`, 'm'));
  assert.doesNotMatch(b.err, /\n\s+at /, 'no stack trace');
  await assert.rejects(trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS }), (e: Error) => e instanceof RunLockedError && e.lock.pid === a.pid);
  // Reading the run meanwhile works and writes nothing; nobody touched A's temp folder.
  const before = snapshot(dir);
  await evalRun(dir);
  assert.deepEqual(snapshot(dir), before);
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.last.tmp-')), tempOfA);
  writeFileSync(release, '');
  const ra = await a.done;
  assert.equal(ra.code, 0, ra.err);
  await assertSameAsReference(dir);
  // A lock of another host cannot be checked from here: refused with instructions.
  const other = await finishedCopy();
  rmSync(join(other, 'result.json'));
  writeFileSync(join(other, 'lock.json'), JSON.stringify({ pid: 1, host: 'elsewhere', startedAt: '2024-01-01T00:00:00.000Z' }));
  await assert.rejects(trainRun(TINY_CONFIG, other, { deps: TINY_DEPS }), isDataError(/is locked by process 1 on elsewhere .*another machine.*if it no longer runs \(check on elsewhere\), delete .*lock.json/));
  assert.ok(Date.now() - t0 < 60_000);
});

test('D7: truncated files: DataErrors naming the file and the fix, or repairs from what is intact', async () => {
  // A truncated last/weights.bin: last/ cannot resume, checkpoint/ lacks the optimizer state: from epoch 1, exact.
  const stopped = await stoppedAfter(3);
  truncateSync(join(stopped, 'last', 'weights.bin'), 100);
  const l = logger();
  await trainRun(TINY_CONFIG, stopped, { deps: TINY_DEPS, log: l.log });
  assert.match(l.text(), /cannot resume: .*last\/weights.bin: truncated \(tensor 'emb' ends at byte \d+, file has 100\)\. checkpoint\/ keeps only the best weights, without the optimizer state, so continuing from it would not match an uninterrupted run: training again from epoch 1/);
  await assertSameAsReference(stopped);
  // A truncated checkpoint/weights.json: eval uses last/best.* and rebuilds checkpoint/.
  const { result } = await ref();
  const a = await finishedCopy();
  truncateSync(join(a, 'checkpoint', 'weights.json'), 40);
  const ea = await evalRun(a);
  assert.match(ea.logs, /checkpoint\/weights.json: is not valid JSON \(.*\): using .*last\/best.bin instead \(the best weights, epoch 5\)/);
  assert.match(ea.logs, /checkpoint\/ was damaged \(.*weights.json: is not valid JSON.*\): rebuilt it from last\/best.bin/);
  assert.deepEqual(ea.metrics, result.metrics.test);
  await assertSameAsReference(a);
  // A truncated config.json: restored from last/config.json (train and eval), or refused without a copy.
  const c = await finishedCopy();
  truncateSync(join(c, 'config.json'), 50);
  const lc = logger();
  assert.deepEqual((await trainRun(TINY_CONFIG, c, { deps: TINY_DEPS, log: lc.log })).metrics, result.metrics);
  assert.match(lc.text(), /config.json: is not valid JSON \(.*\): restoring it from last\/config.json, which matches this command/);
  await assertSameAsReference(c);
  truncateSync(join(c, 'config.json'), 50);
  assert.match((await evalRun(c)).logs, /config.json: is not valid JSON .*: using last\/config.json/);
  rmSync(join(c, 'config.json'));
  const lm = logger();
  await trainRun(TINY_CONFIG, c, { deps: TINY_DEPS, log: lm.log });
  assert.match(lm.text(), /config.json: is missing: restoring it from last\/config.json/);
  await assertSameAsReference(c);
  truncateSync(join(c, 'config.json'), 50);
  rmSync(join(c, 'last'), { recursive: true });
  await assert.rejects(trainRun(TINY_CONFIG, c, { deps: TINY_DEPS }), isDataError(/config.json: is not valid JSON .*, and nothing else in .* records which config was trained. Nothing was changed. Fix: restore config.json from a copy/));
  await assert.rejects(evalRun(c), isDataError(/config.json: is not valid JSON .*, and last\/ holds no copy. Fix: restore config.json/));
  // A truncated result.json is computed again (the final evaluation only); a truncated data.json refuses a resume.
  const d = await finishedCopy();
  truncateSync(join(d, 'result.json'), 10);
  const ld = logger();
  assert.deepEqual((await trainRun(TINY_CONFIG, d, { deps: TINY_DEPS, log: ld.log })).metrics, result.metrics);
  assert.match(ld.text(), /result.json: is not valid JSON .*: computing it again/);
  const e = await stoppedAfter(2);
  truncateSync(join(e, 'data.json'), 10);
  await assert.rejects(trainRun(TINY_CONFIG, e, { deps: TINY_DEPS }), isDataError(/data.json: is not valid JSON .*: the fingerprint of the data this run was trained on is lost.*--allow-data-change/));
});

test('D8: a start that fails validation writes nothing; the corrected command then trains', async () => {
  const dir = join(tmp(), 'run');
  const missing = { ...TINY_CONFIG, data: { source: `atomic:${join(tmp(), 'nope.inter')}`, core: 0 } };
  await assert.rejects(trainRun(missing, dir, { deps: TINY_DEPS }), (e: Error) => e.name === 'DataError');
  assert.equal(existsSync(dir), false, 'no folder left behind');
  const badModel = { ...TINY_CONFIG, model: { ...TINY_CONFIG.model, numHeads: 3 } };
  await assert.rejects(trainRun(badModel, dir, { deps: { ...TINY_DEPS, buildModel } }), /numHeads must be a divisor of dim \(8\), got 3/);
  assert.equal(existsSync(dir), false);
  mkdirSync(dir);
  await assert.rejects(trainRun(badModel, dir, { deps: { ...TINY_DEPS, buildModel } }), /numHeads must be a divisor/);
  assert.deepEqual(readdirSync(dir), [], 'an existing folder stays empty');
  await trainRun(TINY_CONFIG, dir, { deps: TINY_DEPS });
  await assertSameAsReference(dir);
});

test('D9: a finished run whose checkpoint/ was deleted is rebuilt from last/best.*, saying so', async () => {
  const { dir: refDir, result } = await ref();
  const a = await finishedCopy();
  rmSync(join(a, 'checkpoint'), { recursive: true });
  const l = logger();
  await trainRun(TINY_CONFIG, a, { deps: TINY_DEPS, log: l.log });
  assert.match(l.text(), /checkpoint\/ was missing: rebuilt it from last\/best.bin \(the best weights, epoch 5\)/);
  await assertSameAsReference(a);
  const b = await finishedCopy();
  rmSync(join(b, 'checkpoint'), { recursive: true });
  const eb = await evalRun(b);
  assert.match(eb.logs, /checkpoint is missing: using .*last\/best.bin instead/);
  assert.deepEqual(eb.metrics, result.metrics.test);
  assert.deepEqual(snapshot(join(b, 'checkpoint')), snapshot(join(refDir, 'checkpoint')));
  // With last/ gone too, the weights are lost: train says so, eval refuses with the fix.
  rmSync(join(b, 'checkpoint'), { recursive: true });
  rmSync(join(b, 'last'), { recursive: true });
  const lb = logger();
  await trainRun(TINY_CONFIG, b, { deps: TINY_DEPS, log: lb.log });
  assert.match(lb.text(), /checkpoint\/ is missing and no intact last\/ can rebuild it: the run's trained weights are gone/);
  await assert.rejects(evalRun(b), isDataError(/checkpoint is missing: no intact copy of the run's best weights is left. Fix: delete .* and train the run again/));
});

test('D12: same-size garbage in weights.bin fails its checksum: eval uses the intact copy, or refuses', async () => {
  const { result } = await ref();
  const dir = await finishedCopy();
  const bin = join(dir, 'checkpoint', 'weights.bin');
  writeFileSync(bin, Buffer.from(readFileSync(bin)).reverse());
  const e = await evalRun(dir);
  assert.match(e.logs, /checkpoint\/weights.bin: is damaged: its SHA-256 does not match the one in weights.json \(same size, different bytes\): using .*last\/best.bin instead/);
  assert.deepEqual(e.metrics, result.metrics.test);
  await assertSameAsReference(dir);
  for (const f of ['checkpoint/weights.bin', 'last/best.bin']) writeFileSync(join(dir, f), Buffer.from(readFileSync(join(dir, f))).reverse());
  await assert.rejects(evalRun(dir), isDataError(/checkpoint\/weights.bin: is damaged: its SHA-256 .*; .*last\/best.bin: is damaged: its SHA-256 .*no intact copy of the run's best weights is left/));
});
