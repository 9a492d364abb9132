/**
 * The random "teacher" behind the synthetic generator (see lib/data/synthetic.ts for the model
 * and the reasons): a domain -> cluster -> item tree with node vectors and Zipf priors, a tanh
 * recurrence over the items a user has seen, and an exact level-by-level sampler.
 *
 * Legend: N items (1-based), D domains, C clusters, k item-vector dim, m state dim.
 * Matrices are row-major Float64Arrays.
 */
import { deriveSeed, makeRng, shuffled, type Rng } from '../util/rng';

/** The parts of SyntheticConfig the teacher depends on (not numUsers, lengths or the clock). */
export interface TeacherConfig {
  readonly numItems: number;
  readonly numDomains: number;
  readonly dim: number;
  readonly stateDim: number;
  readonly temperature: number;
  readonly popularityExponent: number;
  readonly domainStickiness: number;
  readonly memory: number;
  readonly inputGain: number;
  readonly seed: number;
}

/** The fixed random teacher: tree, vectors, priors and recurrence weights. */
export interface Teacher {
  readonly k: number;
  readonly m: number;
  readonly numItems: number;
  readonly numDomains: number;
  /** Clusters of domain d are [domainStart[d], domainStart[d + 1]). */
  readonly domainStart: Int32Array;
  /** Items of cluster c are clusterItems[clusterStart[c] .. clusterStart[c + 1]). */
  readonly clusterStart: Int32Array;
  readonly clusterItems: Int32Array;
  /** Domain of each item, -1 for padding (length N + 1). */
  readonly itemDomain: Int32Array;
  readonly domainVec: Float64Array; // [D, k]   g_d
  readonly clusterVec: Float64Array; // [C, k]  g_c' = (g_d + g_c) / sqrt 2
  readonly itemVec: Float64Array; // [N + 1, k] e_i, row 0 unused
  readonly domainLogPrior: Float64Array; // [D]     log P_d
  readonly clusterLogPrior: Float64Array; // [C]    log P_c
  readonly itemLogPrior: Float64Array; // [N + 1]   log P_i (Zipf)
  readonly A: Float64Array; // [m, m]
  readonly B: Float64Array; // [m, k]
  readonly W: Float64Array; // [k, m]
  readonly temperature: number;
  readonly domainStickiness: number;
  /** Derived for speed (same math): node vectors through W / T, so a logit is proj . h. */
  readonly domainProj: Float64Array; // [D, m]     W^T g_d / T
  readonly clusterProj: Float64Array; // [C, m]    W^T g_c' / T
  /** Item rows in clusterItems order (a cluster's rows are contiguous: cache-friendly). */
  readonly posProj: Float64Array; // [N, m]   W^T e_{clusterItems[p]} / T
  readonly posLogPrior: Float64Array; // [N]  log P_{clusterItems[p]}
  readonly itemInput: Float64Array; // [N + 1, m]  B e_i
}

/** out[r] = M v_r for each row v_r of vecs: [R, cols] -> [R, rowsOfM]; M is [rowsOfM, cols] (transposed=false) or [cols, rowsOfM] (true). */
function projectRows(vecs: Float64Array, cols: number, M: Float64Array, rowsOfM: number, transposed: boolean, scale: number): Float64Array {
  const R = vecs.length / cols;
  const out = new Float64Array(R * rowsOfM);
  for (let r = 0; r < R; r++) {
    for (let a = 0; a < rowsOfM; a++) {
      let acc = 0;
      for (let j = 0; j < cols; j++) acc += (transposed ? M[j * rowsOfM + a] : M[a * cols + j]) * vecs[r * cols + j];
      out[r * rowsOfM + a] = acc * scale;
    }
  }
  return out;
}

function gaussian(n: number, scale: number, rng: Rng): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) out[j] = rng.normal() * scale;
  return out;
}

/** Shuffle items, deal them to domains round-robin, cut each domain into ~sqrt(size) clusters. */
function buildTree(N: number, D: number, rng: Rng) {
  const perm = shuffled(Int32Array.from({ length: N }, (_, j) => j + 1), rng);
  const byDomain: number[][] = Array.from({ length: D }, () => []);
  perm.forEach((item, p) => byDomain[p % D].push(item));
  const domainStart = new Int32Array(D + 1);
  const clusterStart: number[] = [0];
  const clusterItems: number[] = [];
  const itemDomain = new Int32Array(N + 1).fill(-1);
  byDomain.forEach((items, d) => {
    const numClusters = Math.max(1, Math.round(Math.sqrt(items.length))); // <= items.length: no empty cluster
    for (let c = 0; c < numClusters; c++) {
      for (let w = c; w < items.length; w += numClusters) {
        clusterItems.push(items[w]);
        itemDomain[items[w]] = d;
      }
      clusterStart.push(clusterItems.length);
    }
    domainStart[d + 1] = domainStart[d] + numClusters;
  });
  return { domainStart, clusterStart: Int32Array.from(clusterStart), clusterItems: Int32Array.from(clusterItems), itemDomain };
}

/** log sum_{children} exp(childLogPrior) for each parent, children [start[p], start[p+1]). */
function parentLogPrior(childLog: ArrayLike<number>, start: Int32Array): Float64Array {
  const out = new Float64Array(start.length - 1);
  for (let p = 0; p < out.length; p++) {
    let sum = 0;
    for (let c = start[p]; c < start[p + 1]; c++) sum += Math.exp(childLog[c]);
    out[p] = Math.log(sum);
  }
  return out;
}

/** The teacher of a config; deterministic in the config (its own seed stream). */
export function makeTeacher(config: TeacherConfig): Teacher {
  const { numItems: N, numDomains: D, dim: k, stateDim: m } = config;
  const rng = makeRng(deriveSeed(config.seed, 1));
  const tree = buildTree(N, D, rng);
  const C = tree.domainStart[D];
  const inv = 1 / Math.sqrt(k);
  const domainVec = gaussian(D * k, inv, rng);
  const ownCluster = gaussian(C * k, inv, rng);
  const clusterVec = new Float64Array(C * k);
  const itemVec = new Float64Array((N + 1) * k);
  for (let d = 0; d < D; d++) {
    for (let c = tree.domainStart[d]; c < tree.domainStart[d + 1]; c++) {
      for (let j = 0; j < k; j++) clusterVec[c * k + j] = (domainVec[d * k + j] + ownCluster[c * k + j]) / Math.SQRT2;
      for (let p = tree.clusterStart[c]; p < tree.clusterStart[c + 1]; p++) {
        const i = tree.clusterItems[p];
        for (let j = 0; j < k; j++) itemVec[i * k + j] = (domainVec[d * k + j] + ownCluster[c * k + j] + rng.normal() * inv) / Math.sqrt(3);
      }
    }
  }
  const itemLogPrior = new Float64Array(N + 1).fill(-Infinity);
  const byRank = shuffled(Int32Array.from({ length: N }, (_, j) => j + 1), rng); // byRank[r] = item of rank r
  byRank.forEach((item, r) => (itemLogPrior[item] = -config.popularityExponent * Math.log(r + 1)));
  const posLogPrior = Float64Array.from(tree.clusterItems, (i) => itemLogPrior[i]);
  const clusterLogPrior = parentLogPrior(posLogPrior, tree.clusterStart);
  const posVec = new Float64Array(N * k);
  tree.clusterItems.forEach((i, p) => posVec.set(itemVec.subarray(i * k, (i + 1) * k), p * k));
  const A = gaussian(m * m, config.memory / Math.sqrt(m), rng); // circular law: spectral radius ~ memory
  const B = gaussian(m * k, config.inputGain, rng); // |e| ~ 1, so (B e)_j ~ N(0, inputGain^2)
  const W = gaussian(k * m, 1 / Math.sqrt(m), rng); // (W h)_j ~ N(0, |h|^2 / m)
  const T = config.temperature;
  return {
    k, m, numItems: N, numDomains: D, ...tree, domainVec, clusterVec, itemVec,
    domainLogPrior: parentLogPrior(clusterLogPrior, tree.domainStart), clusterLogPrior, itemLogPrior,
    A, B, W, temperature: T, domainStickiness: config.domainStickiness,
    domainProj: projectRows(domainVec, k, W, m, true, 1 / T),
    clusterProj: projectRows(clusterVec, k, W, m, true, 1 / T),
    posProj: projectRows(posVec, k, W, m, true, 1 / T),
    posLogPrior,
    itemInput: projectRows(itemVec, k, B, m, false, 1),
  };
}

/** Reusable buffers of one sampling loop (no allocation per step). */
export interface TeacherScratch {
  readonly z: Float64Array;
  readonly hNext: Float64Array;
  /** log p of the last sampled item, written by sampleNextItem. */
  logProb: number;
}

export function makeScratch(t: Teacher): TeacherScratch {
  let widest = t.numDomains;
  for (let d = 0; d < t.numDomains; d++) widest = Math.max(widest, t.domainStart[d + 1] - t.domainStart[d]);
  for (let c = 0; c + 1 < t.clusterStart.length; c++) widest = Math.max(widest, t.clusterStart[c + 1] - t.clusterStart[c]);
  return { z: new Float64Array(widest), hNext: new Float64Array(t.m), logProb: 0 };
}

/** Draw j from softmax(z[0..n)) with uniform u; returns j and log p(j) (z is overwritten). */
function sampleSoftmax(z: Float64Array, n: number, u: number, out: TeacherScratch): number {
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (z[j] > max) max = z[j];
  let sum = 0;
  for (let j = 0; j < n; j++) sum += z[j] = Math.exp(z[j] - max);
  let r = u * sum;
  let j = 0;
  for (; j < n - 1; j++) {
    r -= z[j];
    if (r < 0) break;
  }
  while (z[j] === 0 && j > 0) j--; // rounding at the end must not pick a zero-weight entry
  out.logProb += Math.log(z[j] / sum);
  return j;
}

function dot(v: Float64Array, row: number, q: Float64Array, k: number): number {
  let s = 0;
  const o = row * k;
  for (let j = 0; j < k; j++) s += v[o + j] * q[j];
  return s;
}

/**
 * Sample the next item given state h and the previous item's domain (-1 at the start).
 * Writes log p(item) to s.logProb. Logits use the projections: g . (W h) / T = (W^T g / T) . h.
 */
export function sampleNextItem(t: Teacher, h: Float64Array, prevDomain: number, rng: Rng, s: TeacherScratch): number {
  const { m, numDomains, domainStart, clusterStart, clusterItems, domainProj, clusterProj, posProj, posLogPrior } = t;
  const z = s.z;
  s.logProb = 0;
  for (let d = 0; d < numDomains; d++) z[d] = dot(domainProj, d, h, m) + t.domainLogPrior[d] + (d === prevDomain ? t.domainStickiness : 0);
  const d = sampleSoftmax(z, numDomains, rng.next(), s);
  const c0 = domainStart[d];
  const c1 = domainStart[d + 1];
  const clusterLogPrior = t.clusterLogPrior;
  for (let c = c0; c < c1; c++) z[c - c0] = dot(clusterProj, c, h, m) + clusterLogPrior[c];
  const c = c0 + sampleSoftmax(z, c1 - c0, rng.next(), s);
  const p0 = clusterStart[c];
  const p1 = clusterStart[c + 1];
  for (let p = p0; p < p1; p++) z[p - p0] = dot(posProj, p, h, m) + posLogPrior[p];
  return clusterItems[p0 + sampleSoftmax(z, p1 - p0, rng.next(), s)];
}

/** h <- tanh(A h + B e_item), in place. */
export function advanceState(t: Teacher, h: Float64Array, item: number, s: TeacherScratch): void {
  const { m, A, itemInput } = t;
  const e = item * m;
  for (let a = 0; a < m; a++) {
    let acc = itemInput[e + a];
    for (let b = 0; b < m; b++) acc += A[a * m + b] * h[b];
    s.hNext[a] = Math.tanh(acc);
  }
  h.set(s.hNext);
}
