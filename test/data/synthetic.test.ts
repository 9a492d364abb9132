import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateSynthetic, generateSyntheticWithInfo, syntheticEntropy, SYNTHETIC_PRESETS, SYNTHETIC_DEFAULTS, checkSyntheticConfig, type SyntheticConfig } from '../../lib/data/synthetic';
import { makeTeacher, type Teacher } from '../../lib/data/synthetic-teacher';

const SMOKE: SyntheticConfig = SYNTHETIC_PRESETS.smoke;
const TINY: SyntheticConfig = { ...SYNTHETIC_DEFAULTS, numUsers: 40, numItems: 30, numDomains: 3, minSeqLen: 1, maxSeqLen: 25, dim: 5, stateDim: 4, seed: 3 };

/**
 * Naive teacher distribution over all items, written from the formula in synthetic.ts with the
 * raw vectors and W (not the sampler's pre-projected arrays):
 * q = W h / T; p(i) = p(d(i)) p(c(i) | d(i)) p(i | c(i)), each a softmax over siblings.
 */
function naiveDistribution(t: Teacher, h: number[], prevDomain: number): number[] {
  const q = Array.from({ length: t.k }, (_, j) => h.reduce((s, hl, l) => s + t.W[j * t.m + l] * hl, 0) / t.temperature);
  const dotq = (v: Float64Array, row: number) => q.reduce((s, qj, j) => s + v[row * t.k + j] * qj, 0);
  const softmax = (z: number[]) => {
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const pd = softmax(Array.from({ length: t.numDomains }, (_, d) => dotq(t.domainVec, d) + t.domainLogPrior[d] + (d === prevDomain ? t.domainStickiness : 0)));
  const p = new Array(t.numItems + 1).fill(0);
  for (let d = 0; d < t.numDomains; d++) {
    const cs = Array.from({ length: t.domainStart[d + 1] - t.domainStart[d] }, (_, j) => t.domainStart[d] + j);
    const pc = softmax(cs.map((c) => dotq(t.clusterVec, c) + t.clusterLogPrior[c]));
    cs.forEach((c, jc) => {
      const items = Array.from(t.clusterItems.subarray(t.clusterStart[c], t.clusterStart[c + 1]));
      const pi = softmax(items.map((i) => dotq(t.itemVec, i) + t.itemLogPrior[i]));
      items.forEach((i, ji) => (p[i] = pd[d] * pc[jc] * pi[ji]));
    });
  }
  return p;
}

function naiveNextState(t: Teacher, h: number[], item: number): number[] {
  return h.map((_, a) => {
    let acc = 0;
    for (let b = 0; b < t.m; b++) acc += t.A[a * t.m + b] * h[b];
    for (let j = 0; j < t.k; j++) acc += t.B[a * t.k + j] * t.itemVec[item * t.k + j];
    return Math.tanh(acc);
  });
}

test('generateSynthetic: shapes, ids, vocab, domains, strictly increasing times per user', () => {
  const x = generateSynthetic(SMOKE);
  assert.equal(x.numUsers, 300);
  assert.equal(x.numItems, 200);
  assert.equal(x.vocab.userIds[0], 'u0');
  assert.equal(x.vocab.userIds[299], 'u299');
  assert.deepEqual(x.vocab.itemIds.slice(0, 3), ['', 'i1', 'i2']);
  assert.equal(x.vocab.itemIds.length, 201);
  assert.deepEqual(x.vocab.domains, ['d0', 'd1', 'd2']);
  const dom = x.vocab.itemDomain!;
  assert.equal(dom[0], -1);
  for (let i = 1; i <= 200; i++) assert.ok(dom[i] >= 0 && dom[i] < 3);
  const lengths = new Int32Array(300);
  for (let r = 0; r < x.user.length; r++) {
    lengths[x.user[r]]++;
    assert.ok(x.item[r] >= 1 && x.item[r] <= 200);
    if (r > 0) assert.ok(x.user[r] >= x.user[r - 1], 'rows grouped by user');
    if (r > 0 && x.user[r] === x.user[r - 1]) assert.ok(x.time[r] > x.time[r - 1], 'no ties');
  }
  for (const len of lengths) assert.ok(len >= 5 && len <= 40);
  assert.ok(Math.min(...x.time) >= SMOKE.startTime);
});

test('generateSynthetic is seeded: same seed same log, other seed other log, users prefix-stable', () => {
  const a = generateSynthetic(TINY);
  const b = generateSynthetic(TINY);
  assert.deepEqual([...a.item], [...b.item]);
  assert.deepEqual([...a.time], [...b.time]);
  assert.notDeepEqual([...generateSynthetic({ ...TINY, seed: 4 }).item], [...a.item]);
  // the first 40 users of a 60-user log are the 40-user log
  const c = generateSynthetic({ ...TINY, numUsers: 60 });
  assert.deepEqual([...c.item.subarray(0, a.item.length)], [...a.item]);
});

test('info.nll is exactly -log p(item) under a naive re-computation of the teacher', () => {
  const { interactions: x, info } = generateSyntheticWithInfo(TINY);
  const t = makeTeacher(TINY);
  let h: number[] = [];
  let prevDomain = -1;
  for (let r = 0; r < x.item.length; r++) {
    if (r === 0 || x.user[r] !== x.user[r - 1]) {
      h = new Array(t.m).fill(0);
      prevDomain = -1;
    }
    const p = naiveDistribution(t, h, prevDomain);
    assert.ok(Math.abs(p.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.ok(Math.abs(info.nll[r] + Math.log(p[x.item[r]])) < 1e-9, `row ${r}`);
    prevDomain = t.itemDomain[x.item[r]];
    h = naiveNextState(t, h, x.item[r]);
  }
  // entropy = mean nll over every row but each user's first
  let sum = 0;
  let count = 0;
  for (let r = 1; r < x.item.length; r++) {
    if (x.user[r] === x.user[r - 1]) {
      sum += info.nll[r];
      count++;
    }
  }
  assert.ok(Math.abs(info.entropy - sum / count) < 1e-12);
  assert.equal(info.uniformEntropy, Math.log(30));
});

test('first items follow the teacher distribution p(. | h = 0) (chi-square)', () => {
  // one item per user: every row is a draw from the same distribution p0
  const cfg = { ...TINY, numUsers: 6000, minSeqLen: 1, maxSeqLen: 1, numItems: 12, numDomains: 2, temperature: 2 };
  const x = generateSynthetic(cfg);
  const p0 = naiveDistribution(makeTeacher(cfg), new Array(cfg.stateDim).fill(0), -1);
  const counts = new Array(13).fill(0);
  x.item.forEach((i) => counts[i]++);
  let chi2 = 0;
  for (let i = 1; i <= 12; i++) chi2 += (counts[i] - 6000 * p0[i]) ** 2 / (6000 * p0[i]);
  // 11 degrees of freedom: 99.9% quantile 31.3
  assert.ok(chi2 < 31.3, `chi2 ${chi2}`);
});

test('mean nll agrees with the mean entropy of the teacher distributions (samples follow p)', () => {
  const { interactions: x, info } = generateSyntheticWithInfo({ ...TINY, numUsers: 120 });
  const t = makeTeacher(TINY);
  let h: number[] = [];
  let prev = -1;
  const diffs: number[] = [];
  for (let r = 0; r < x.item.length; r++) {
    if (r === 0 || x.user[r] !== x.user[r - 1]) {
      h = new Array(t.m).fill(0);
      prev = -1;
    }
    const p = naiveDistribution(t, h, prev);
    const H = -p.reduce((s, v) => (v > 0 ? s + v * Math.log(v) : s), 0);
    diffs.push(info.nll[r] - H); // E[nll - H] = 0 when items are drawn from p
    prev = t.itemDomain[x.item[r]];
    h = naiveNextState(t, h, x.item[r]);
  }
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  const sd = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (diffs.length - 1));
  assert.ok(Math.abs(mean) < 4 * (sd / Math.sqrt(diffs.length)), `mean ${mean}, se ${sd / Math.sqrt(diffs.length)}`);
});

test('the smoke data has structure beyond popularity and a long tail', () => {
  const { interactions: x, info } = generateSyntheticWithInfo(SMOKE);
  // irreducible loss < popularity-only loss < uniform
  assert.ok(info.entropy < info.popularityEntropy - 0.3, `${info.entropy} vs ${info.popularityEntropy}`);
  assert.ok(info.popularityEntropy < info.uniformEntropy);
  assert.ok(info.entropyLast > 0 && Number.isFinite(info.entropyLast));
  assert.equal(syntheticEntropy(SMOKE), info.entropy);
  // long tail: the top 10% of items take far more than 10% of the interactions
  const counts = new Array(x.numItems + 1).fill(0);
  x.item.forEach((i) => counts[i]++);
  const sorted = counts.slice(1).sort((a, b) => b - a);
  const top = sorted.slice(0, 20).reduce((a, b) => a + b, 0);
  assert.ok(top / x.item.length > 0.3, `top-10% share ${top / x.item.length}`);
  // every domain is used
  const used = new Set(Array.from(x.item, (i) => x.vocab.itemDomain![i]));
  assert.equal(used.size, 3);
});

test('presets are valid and ordered by size', () => {
  assert.ok(SYNTHETIC_PRESETS.smoke.numUsers < SYNTHETIC_PRESETS.default.numUsers);
  assert.ok(SYNTHETIC_PRESETS.default.numUsers < SYNTHETIC_PRESETS.cpu.numUsers);
  for (const preset of Object.values(SYNTHETIC_PRESETS)) checkSyntheticConfig(preset);
  assert.equal(makeTeacher(SYNTHETIC_PRESETS.cpu).numItems, 8000);
});

test('generateSynthetic validates its config', () => {
  assert.throws(() => generateSynthetic({ ...TINY, numUsers: -1 }), /numUsers must be an integer >= 0, got -1/);
  assert.throws(() => generateSynthetic({ ...TINY, numItems: 0 }), /numItems must be an integer >= 1, got 0/);
  assert.throws(() => generateSynthetic({ ...TINY, minSeqLen: 5, maxSeqLen: 4 }), /maxSeqLen must be an integer >= minSeqLen \(5\), got 4/);
  assert.throws(() => generateSynthetic({ ...TINY, numDomains: 31 }), /numDomains \(31\) must not exceed numItems \(30\)/);
  assert.throws(() => generateSynthetic({ ...TINY, temperature: 0 }), /temperature must be > 0, got 0/);
  assert.throws(() => generateSynthetic({ ...TINY, memory: 1 }), /memory must be in \[0, 1\), got 1/);
  assert.throws(() => generateSynthetic({ ...TINY, meanGapSeconds: -1 }), /meanGapSeconds must be >= 0, got -1/);
  assert.equal(generateSynthetic({ ...TINY, numUsers: 0 }).item.length, 0);
});
