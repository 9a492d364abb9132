/**
 * An ML-20M-shaped ratings CSV for the data benchmark: same header and row format as
 * MovieLens-20M's ratings.csv (`userId,movieId,rating,timestamp`), about the same numbers of
 * users (138,493), movies (26,744, ids scattered over 1..131,262) and rows (20,000,263), and
 * similar shapes: at least 20 ratings per user with a heavy (log-normal) tail, long-tailed
 * movie popularity, rows grouped by user and sorted by movieId within a user (as in the real
 * file, so timestamps are NOT in order), timestamps in 1995..2015 with ties.
 *
 * It is synthetic (no copy of the real data): the benchmark only needs its size and shape.
 * Popularity: p(rank r) ∝ (r + 200)^-1.95, which gives the top movie ~0.5% of the ratings and
 * the median movie a few dozen, close to ML-20M (0.34% and 18).
 */
import { closeSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { deriveSeed, makeRng, shuffled, type Rng } from '../util/rng';
import { sampleSortedIndices } from '../data/subsample';

/** Size and shape of the generated file. */
export interface Ml20mShapeConfig {
  readonly numUsers: number;
  readonly numItems: number;
  readonly numRows: number;
  /** Every user has at least this many ratings (MovieLens selected users with >= 20). */
  readonly minPerUser: number;
  readonly maxPerUser: number;
  readonly seed: number;
}

/** MovieLens-20M's published sizes. */
export const ML20M_SHAPE: Ml20mShapeConfig = { numUsers: 138_493, numItems: 26_744, numRows: 20_000_263, minPerUser: 20, maxPerUser: 9_254, seed: 0 };

const MAX_MOVIE_ID = 131_262;
const FIRST_TIME = 789_652_009; // 1995-01-09, ML-20M's first rating
const LAST_TIME = 1_427_784_002; // 2015-03-31, its last
const RATINGS = ['0.5', '1.0', '1.5', '2.0', '2.5', '3.0', '3.5', '4.0', '4.5', '5.0'];
const RATING_CDF = [0.012, 0.046, 0.06, 0.132, 0.176, 0.39, 0.5, 0.778, 0.855, 1];

/** Ratings per user: minPerUser + a log-normal extra (median 48), scaled so the total is numRows. */
function perUserCounts(c: Ml20mShapeConfig, rng: Rng): Int32Array {
  const extra = Float64Array.from({ length: c.numUsers }, () => Math.exp(3.87 + 1.38 * rng.normal()));
  const room = Math.min(c.maxPerUser, c.numItems) - c.minPerUser;
  let sum = 0;
  for (const e of extra) sum += e;
  const scale = (c.numRows - c.minPerUser * c.numUsers) / sum;
  const counts = Int32Array.from(extra, (e) => c.minPerUser + Math.min(room, Math.floor(e * scale)));
  let missing = c.numRows;
  for (const n of counts) missing -= n;
  for (let u = 0; missing > 0 && u < 50 * c.numUsers; u++) {
    const v = u % c.numUsers; // spread rounding leftovers over users that have room
    if (counts[v] < c.minPerUser + room) {
      counts[v]++;
      missing--;
    }
  }
  return counts;
}

/** CDF of the long-tailed popularity over ranks 0..numItems-1: p(r) ∝ (r + 200)^-1.95 (header). */
export function popularityCdf(numItems: number): Float64Array {
  const cdf = new Float64Array(numItems);
  let acc = 0;
  for (let r = 0; r < numItems; r++) cdf[r] = acc += Math.pow(r + 200, -1.95);
  for (let r = 0; r < numItems; r++) cdf[r] /= acc;
  return cdf;
}

/** The first index whose CDF value is >= v: a draw from the CDF for v uniform in [0, 1). */
export function lowerBound(cdf: Float64Array, v: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `count` distinct popularity ranks (rejection, then a scan fallback for very heavy users). */
function drawDistinct(count: number, cdf: Float64Array, stamp: Int32Array, u: number, rng: Rng, out: Int32Array): void {
  let got = 0;
  for (let tries = 0; got < count && tries < 8 * count; tries++) {
    const r = lowerBound(cdf, rng.next());
    if (stamp[r] !== u) {
      stamp[r] = u;
      out[got++] = r;
    }
  }
  for (let r = rng.int(cdf.length), k = 0; got < count && k < cdf.length; k++, r = (r + 1) % cdf.length) {
    if (stamp[r] !== u) {
      stamp[r] = u;
      out[got++] = r;
    }
  }
}

function pickRating(rng: Rng): string {
  const v = rng.next();
  let j = 0;
  while (RATING_CDF[j] < v) j++;
  return RATINGS[j];
}

/**
 * Write the CSV to `path` (atomically: temp file, then rename) and return the row count.
 * Memory stays small (one user at a time, 4 MB write buffer).
 */
export function writeMl20mShapedCsv(path: string, config: Ml20mShapeConfig = ML20M_SHAPE): number {
  const rng = makeRng(deriveSeed(config.seed, 20));
  const counts = perUserCounts(config, rng);
  const cdf = popularityCdf(config.numItems);
  // movie ids: numItems distinct ids in 1..131262, assigned to popularity ranks at random
  const ids = shuffled(Int32Array.from(sampleSortedIndices(MAX_MOVIE_ID, config.numItems, rng), (i) => i + 1), rng);
  const stamp = new Int32Array(config.numItems).fill(-1);
  const ranks = new Int32Array(Math.min(config.maxPerUser, config.numItems));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w');
  let rows = 0;
  try {
    let chunk = 'userId,movieId,rating,timestamp\n';
    for (let u = 0; u < config.numUsers; u++) {
      const n = counts[u];
      drawDistinct(n, cdf, stamp, u, rng, ranks);
      const movies = Int32Array.from(ranks.subarray(0, n), (r) => ids[r]).sort();
      const duration = Math.min(LAST_TIME - FIRST_TIME, Math.exp(Math.log(3 * 86400) + 2.5 * rng.normal()));
      const start = FIRST_TIME + rng.next() * (LAST_TIME - FIRST_TIME - duration);
      for (let j = 0; j < n; j++) {
        const t = Math.floor(start + (rng.next() < 0.1 ? 0 : rng.next() * duration)); // 10% at the session start: ties
        chunk += `${u + 1},${movies[j]},${pickRating(rng)},${t}\n`;
      }
      rows += n;
      if (chunk.length > 4_000_000) {
        writeSync(fd, chunk);
        chunk = '';
      }
    }
    writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return rows;
}
