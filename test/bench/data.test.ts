import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchData, benchCsvPath } from '../../lib/bench/data';
import { writeMl20mShapedCsv, ML20M_SHAPE } from '../../lib/bench/ml20m-csv';

const SHAPE = { ...ML20M_SHAPE, numUsers: 300, numItems: 800, numRows: 20_000 };

test('writeMl20mShapedCsv: header, exact row count, >= 20 distinct sorted movies per user', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-bench-'));
  try {
    const path = join(dir, 'r.csv');
    assert.equal(writeMl20mShapedCsv(path, SHAPE), 20_000);
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    assert.equal(lines[0], 'userId,movieId,rating,timestamp');
    assert.equal(lines.length, 20_001);
    const perUser = new Map<number, number[]>();
    const movies = new Set<number>();
    for (const line of lines.slice(1)) {
      const [u, m, r, t] = line.split(',');
      assert.match(r, /^[0-5]\.[05]$/);
      assert.ok(Number(t) >= 789_652_009 && Number(t) <= 1_427_784_002);
      const list = perUser.get(Number(u)) ?? [];
      list.push(Number(m));
      perUser.set(Number(u), list);
      movies.add(Number(m));
    }
    assert.equal(perUser.size, 300);
    for (const list of perUser.values()) {
      assert.ok(list.length >= 20);
      for (let j = 1; j < list.length; j++) assert.ok(list[j] > list[j - 1], 'movies distinct and sorted within a user');
    }
    assert.ok(movies.size <= 800);
    assert.ok([...movies].every((m) => m >= 1 && m <= 131_262));
    // same seed, same bytes
    writeMl20mShapedCsv(join(dir, 's.csv'), SHAPE);
    assert.equal(readFileSync(join(dir, 's.csv'), 'utf8'), lines.join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('benchData times the four stages and reuses the cached CSV', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lsrm-bench-'));
  try {
    const first = await benchData({ cacheDir: dir, shape: SHAPE, core: 5, progress: false });
    assert.equal(first.csvPath, benchCsvPath(dir, SHAPE));
    assert.equal(first.generated, true);
    assert.deepEqual(first.stages.map((s) => s.name), ['parse', '5-core', 'sequences', 'leave-one-out']);
    assert.equal(first.stages[0].output, '20,000 rows');
    for (const s of first.stages) assert.ok(s.wallMs >= 0 && s.cpuMs >= 0 && s.peakRssMB > 0);
    assert.equal(first.threads, 1, 'a small file parses in one thread');
    assert.ok(Math.abs(first.totalMs - first.stages.reduce((a, s) => a + s.wallMs, 0)) < 1e-9);
    // the kernel's high-water mark is at least every sampled RSS (checks the kB -> MB units too)
    assert.ok(first.maxRssMB + 1 >= Math.max(...first.stages.map((s) => s.peakRssMB)));
    assert.ok(first.maxRssMB < 4096);
    assert.ok(first.stats.users <= 300 && first.stats.minSeqLen >= 5);
    assert.match(first.summary, /parse .* s \(cpu .* s\) +peak RSS/);
    assert.match(first.summary, /after 5-core:/);
    const second = await benchData({ cacheDir: dir, shape: SHAPE, core: 5, progress: false });
    assert.equal(second.generated, false);
    assert.equal(second.stats.interactions, first.stats.interactions);
    // forced onto two parse workers: the same pipeline result
    const parallel = await benchData({ cacheDir: dir, shape: SHAPE, core: 5, progress: false, threads: 2 });
    assert.equal(parallel.threads, 2);
    assert.deepEqual(parallel.stats, first.stats);
    assert.match(parallel.summary, /parse on 2 threads/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
