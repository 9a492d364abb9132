import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyTensors, CorruptFileError, loadJson, loadTensors, resolveDir, saveJson, saveTensors, TENSORS_FORMAT, verifyTensors, writeDirAtomic } from '../../lib/train/checkpoint';
import { sha256Hex } from '../../lib/util/hash';

const tmp = () => mkdtempSync(join(tmpdir(), 'lsrm-ckpt-'));

test('saveTensors / loadTensors: exact round trip of float32 and int32 by name', () => {
  const dir = tmp();
  const a = tf.tensor2d([[1.5, -2.25, 3e-30], [Math.PI, -0, 1e30]]);
  const b = tf.tensor1d([7, -8, 2 ** 30], 'int32');
  const c = tf.scalar(0.1);
  saveTensors(dir, 'weights', new Map<string, tf.Tensor>([['layer.0/w', a], ['ids', b], ['s', c]]));
  const manifest = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8'));
  // Offsets in bytes: 6 floats = 24, then 3 int32 = 12, then 1 float.
  assert.deepEqual(manifest, {
    format: TENSORS_FORMAT,
    byteLength: 40,
    sha256: sha256Hex(readFileSync(join(dir, 'weights.bin'))),
    tensors: [
      { name: 'layer.0/w', dtype: 'float32', shape: [2, 3], offset: 0, length: 24 },
      { name: 'ids', dtype: 'int32', shape: [3], offset: 24, length: 12 },
      { name: 's', dtype: 'float32', shape: [], offset: 36, length: 4 },
    ],
  });
  assert.equal(readFileSync(join(dir, 'weights.bin')).byteLength, 40);
  const back = loadTensors(dir, 'weights');
  assert.deepEqual([...back.keys()], ['layer.0/w', 'ids', 's']);
  assert.deepEqual(back.get('layer.0/w')!.dataSync(), a.dataSync());
  assert.deepEqual(back.get('layer.0/w')!.shape, [2, 3]);
  assert.equal(back.get('ids')!.dtype, 'int32');
  assert.deepEqual(Array.from(back.get('ids')!.dataSync()), [7, -8, 2 ** 30]);
  assert.deepEqual(back.get('s')!.shape, []);
  tf.dispose([a, b, c, ...back.values()]);
});

test('loadTensors: errors are DataErrors naming the file and the problem', () => {
  const dir = tmp();
  const fails = (re: RegExp) => assert.throws(() => loadTensors(dir, 'weights'), (e: Error) => {
    assert.ok(e instanceof CorruptFileError);
    assert.equal(e.name, 'DataError');
    assert.match(e.message, re);
    return true;
  });
  fails(new RegExp(`^${join(dir, 'weights.json')}: is missing$`));
  const x = tf.tensor1d([1, 2, 3, 4]);
  saveTensors(dir, 'weights', new Map([['x', x]]));
  const good = readFileSync(join(dir, 'weights.bin'));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(8));
  fails(/weights.bin: truncated \(tensor 'x' ends at byte 16, file has 8\)/);
  writeFileSync(join(dir, 'weights.bin'), Buffer.concat([good, new Uint8Array(4)]));
  fails(/weights.bin: is damaged: it has 20 bytes, its manifest weights.json describes 16/);
  // Same size, other bytes: only the checksum can tell.
  writeFileSync(join(dir, 'weights.bin'), Buffer.from(good).reverse());
  fails(/weights.bin: is damaged: its SHA-256 does not match the one in weights.json \(same size, different bytes\)/);
  rmSync(join(dir, 'weights.bin'));
  fails(/weights.bin: is missing/);
  writeFileSync(join(dir, 'weights.bin'), good);
  const manifest = readFileSync(join(dir, 'weights.json'));
  truncateSync(join(dir, 'weights.json'), 30);
  fails(/weights.json: is not valid JSON \(/);
  writeFileSync(join(dir, 'weights.json'), JSON.stringify({ format: 'other', tensors: [] }));
  fails(/format 'other', expected 'lsrm-tensors\/1'/);
  writeFileSync(join(dir, 'weights.json'), JSON.stringify({ format: TENSORS_FORMAT, tensors: [{ name: 'x', dtype: 'float32', shape: [5], offset: 0, length: 16 }] }));
  fails(/weights.json: is damaged: its tensor list is malformed/);
  // A manifest from before checksums (no byteLength, no sha256) is checked for size only.
  const legacy = JSON.parse(manifest.toString());
  delete legacy.sha256;
  delete legacy.byteLength;
  writeFileSync(join(dir, 'weights.json'), JSON.stringify(legacy));
  assert.deepEqual(Array.from(loadTensors(dir, 'weights').get('x')!.dataSync()), [1, 2, 3, 4]);
  assert.throws(() => saveTensors(dir, 'b', new Map([['flag', tf.tensor1d([1], 'bool')]])), /'flag' has dtype bool/);
  x.dispose();
});

test('copyTensors copies a verified group byte for byte, and refuses a damaged one', () => {
  const from = tmp();
  const to = tmp();
  const x = tf.tensor2d([[1, 2], [3, 4]]);
  saveTensors(from, 'best', new Map([['x', x]]));
  const m = copyTensors(from, 'best', to, 'weights');
  assert.deepEqual(readFileSync(join(to, 'weights.bin')), readFileSync(join(from, 'best.bin')));
  assert.equal(verifyTensors(to, 'weights').manifest.sha256, m.sha256);
  writeFileSync(join(from, 'best.bin'), new Uint8Array(16));
  assert.throws(() => copyTensors(from, 'best', to, 'other'), /best.bin: is damaged: its SHA-256/);
  assert.equal(existsSync(join(to, 'other.bin')), false);
  x.dispose();
});

test('loadJson: a missing or damaged file is a DataError naming it', () => {
  const dir = tmp();
  assert.throws(() => loadJson(dir, 'state.json'), new RegExp(`${join(dir, 'state.json')}: is missing`));
  writeFileSync(join(dir, 'state.json'), '{"epoch": 3, "cur');
  assert.throws(() => loadJson(dir, 'state.json'), /state.json: is not valid JSON/);
  writeFileSync(join(dir, 'state.json'), '');
  assert.throws(() => loadJson(dir, 'state.json'), /state.json: is not valid JSON \(.*; the file is empty\)/);
});

test('writeDirAtomic: replaces a directory as a whole and leaves no temp dirs', () => {
  const root = tmp();
  const dir = join(root, 'last');
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 1 }));
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 2 }));
  assert.deepEqual(loadJson(dir, 'state.json'), { epoch: 2 });
  assert.deepEqual(readdirSync(root), ['last']);
});

test('writeDirAtomic: a crash while filling leaves the previous version intact', () => {
  const root = tmp();
  const dir = join(root, 'last');
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 1 }));
  assert.throws(() => writeDirAtomic(dir, (t) => {
    saveJson(t, 'state.json', { epoch: 2 });
    throw new Error('killed');
  }), /killed/);
  assert.deepEqual(loadJson(resolveDir(dir)!, 'state.json'), { epoch: 1 });
  assert.deepEqual(readdirSync(root), ['last'], 'the failed writer removed its own temp dir');
  // Another process's temp dir (maybe still being filled) is never touched.
  mkdirSync(join(root, '.last.tmp-123456-abcdef'));
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 3 }));
  assert.deepEqual(readdirSync(root).sort(), ['.last.tmp-123456-abcdef', 'last']);
});

test('resolveDir: a crash between the two renames falls back to dir.old', () => {
  const root = tmp();
  const dir = join(root, 'last');
  assert.equal(resolveDir(dir), undefined);
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 1 }));
  renameSync(dir, `${dir}.old`); // state after rename(dir -> dir.old), before rename(tmp -> dir)
  assert.equal(resolveDir(dir), `${dir}.old`);
  assert.deepEqual(loadJson(resolveDir(dir)!, 'state.json'), { epoch: 1 });
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 2 }));
  assert.equal(resolveDir(dir), dir);
  assert.equal(existsSync(`${dir}.old`), false);
});
