// The house rule (ARCHITECTURE.md): each folder of lib/ imports only the folders below it.
// This test reads every import of every file in lib/ and fails on one that runs upward, so the
// rule cannot rot. It also checks the rule against hand-made cases, so a broken checker fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { LAYERS, importViolation, layerOf } from './helpers/layers';

const LIB = resolve(__dirname, '..', 'lib');

function listTs(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? listTs(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative import specifiers of a source text: static, dynamic and require. */
function importsOf(src: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)'(\.{1,2}\/[^']*)'/gm;
  for (let m = re.exec(src); m; m = re.exec(src)) out.push(m[1]);
  return out;
}

test('every folder of lib/ is a known layer', () => {
  const folders = readdirSync(LIB).filter((n) => statSync(join(LIB, n)).isDirectory()).sort();
  const unknown = folders.filter((f) => !LAYERS.includes(f));
  assert.deepEqual(unknown, [], `folders with no place in LAYERS (test/helpers/layers.ts): ${unknown.join(', ')}`);
});

test('no file in lib/ imports a layer above its own', () => {
  const bad: string[] = [];
  for (const file of listTs(LIB)) {
    const from = relative(LIB, file).split('\\').join('/');
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const target = relative(LIB, resolve(dirname(file), spec)).split('\\').join('/');
      if (target.startsWith('..')) continue; // package.json, dist/: outside lib
      const why = importViolation(from, target);
      if (why) bad.push(`lib/${from} imports '${spec}': ${why}`);
    }
  }
  assert.deepEqual(bad, [], `upward imports:\n${bad.join('\n')}`);
});

test('the rule itself: downward and sideways pass, upward and the named exceptions fail', () => {
  assert.equal(layerOf('ops/backend.ts'), 'ops');
  assert.equal(layerOf('index.ts'), '(root)');
  // Downward and within a folder: allowed.
  assert.equal(importViolation('train/train.ts', 'ops/ops'), undefined);
  assert.equal(importViolation('train/train.ts', 'models/types'), undefined);
  assert.equal(importViolation('eval/evaluate.ts', 'models/types'), undefined);
  assert.equal(importViolation('models/lsrm.ts', 'models/blocks'), undefined);
  assert.equal(importViolation('index.ts', 'cli/command'), undefined);
  // Upward: refused.
  assert.match(importViolation('ops/ops.ts', 'train/train') ?? '', /above/);
  assert.match(importViolation('util/paths.ts', 'notebook/kernel') ?? '', /above/);
  // Named rules: models see only ops and util; data only util; train no concrete model;
  // eval never train.
  assert.match(importViolation('models/lsrm.ts', 'data/types') ?? '', /models imports only/);
  assert.match(importViolation('data/batch.ts', 'ops/ops') ?? '', /data imports only/);
  assert.match(importViolation('train/loss.ts', 'models/lsrm') ?? '', /concrete model/);
  assert.match(importViolation('train/loss.ts', 'models') ?? '', /concrete model/);
  assert.match(importViolation('eval/evaluate.ts', 'train/loss') ?? '', /above|eval never/);
});

test('the import reader sees static, dynamic and require imports', () => {
  const src = "import { a } from '../x/a';\nimport '../side';\nconst b = await import('./b');\nconst c = require('../c/d');\nimport * as tf from '@tensorflow/tfjs';";
  assert.deepEqual(importsOf(src), ['../x/a', '../side', './b', '../c/d']);
});
