import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadJson, loadTensors, resolveDir, saveJson, saveTensors, TENSORS_FORMAT, writeDirAtomic } from '../../lib/train/checkpoint';

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

test('loadTensors: errors name the file', () => {
  const dir = tmp();
  assert.throws(() => loadTensors(dir, 'weights'), /missing weights.json or weights.bin/);
  saveTensors(dir, 'weights', new Map([['x', tf.ones([4])]]));
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(8));
  assert.throws(() => loadTensors(dir, 'weights'), /weights.bin: truncated \(tensor 'x' ends at byte 16, file has 8\)/);
  writeFileSync(join(dir, 'weights.json'), JSON.stringify({ format: 'other', tensors: [] }));
  assert.throws(() => loadTensors(dir, 'weights'), /format 'other', expected 'lsrm-tensors\/1'/);
  assert.throws(() => saveTensors(dir, 'b', new Map([['flag', tf.tensor1d([1], 'bool')]])), /'flag' has dtype bool/);
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
  // The next write cleans stale temp dirs up, also those of other (crashed) processes.
  mkdirSync(`${dir}.tmp-123456`);
  writeDirAtomic(dir, (t) => saveJson(t, 'state.json', { epoch: 3 }));
  assert.deepEqual(readdirSync(root), ['last']);
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
