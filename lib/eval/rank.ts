/**
 * Full-ranking: a score row -> the 0-based rank of the held-out item, and the top-k list.
 * (Paper III-D: full ranking over all items, no sampled negatives.)
 *
 * Shapes: I number of real items. A score ROW is a Float32Array of length I where
 * row[j] is the score of item j + 1. Padding item 0 has no slot, so it is never a candidate.
 *
 * The order every function here uses (and so every metric and every top-k list):
 *   1. score descending;
 *   2. ties broken by item id ascending.
 * That is the position in a stable sort of items 1..I by descending score, so
 *   rank(target) = #{i : s_i > s_t} + #{i : s_i = s_t, i < t},
 * and "rank < k" holds exactly when the target is in the top-k list (HR@k agrees with the list).
 * NaN scores sort as -Infinity: a broken score never outranks a finite one, and among
 * themselves NaN/-Infinity items keep id order.
 * Masking (optional): mask[i] = 1 makes item i score -Infinity (e.g. items the user has seen);
 * the caller leaves the target unmasked (seenMask does this).
 */

/** Sort key of a score: NaN becomes -Infinity. */
function scoreKey(s: number): number {
  return s !== s ? -Infinity : s;
}

function checkTarget(numItems: number, target: number): void {
  if (!Number.isInteger(target) || target < 1 || target > numItems) {
    throw new RangeError(`rankOfTarget: target ${target} is not a real item id in [1, ${numItems}]`);
  }
}

function checkMask(numItems: number, mask: Uint8Array | undefined): void {
  if (mask && mask.length !== numItems + 1) {
    throw new RangeError(`mask length ${mask.length} must be numItems + 1 = ${numItems + 1} (index = item id)`);
  }
}

/**
 * 0-based rank of `target` in a score row: #items scoring strictly higher plus #items with
 * an equal score and a smaller id. O(I).
 * @param row scores of items 1..I (row[j] is item j + 1)
 * @param target item id in [1, I]
 * @param mask optional, length I + 1: mask[i] = 1 scores item i as -Infinity
 * @throws RangeError when the target is not in [1, I] or the mask has the wrong length
 * @example rankOfTarget(new Float32Array([0.1, 0.9, 0.9]), 3) // 1: item 2 ties and has the smaller id
 */
export function rankOfTarget(row: Float32Array, target: number, mask?: Uint8Array): number {
  const numItems = row.length;
  checkTarget(numItems, target);
  checkMask(numItems, mask);
  const t = target - 1;
  const ts = mask && mask[target] ? -Infinity : scoreKey(row[t]);
  let rank = 0;
  if (!mask && ts !== -Infinity) {
    // Fast path: a NaN score compares false, which is right for a target above -Infinity.
    // Counting with +(a > b) instead of a branch: scores near the target's are a coin flip,
    // which a branch predictor cannot learn (twice as fast on random-looking scores).
    let above = 0;
    for (let j = 0; j < t; j++) above += +(row[j] >= ts); // smaller ids win ties
    for (let j = t + 1; j < numItems; j++) rank += +(row[j] > ts);
    return above + rank;
  }
  for (let j = 0; j < numItems; j++) {
    const s = mask && mask[j + 1] ? -Infinity : scoreKey(row[j]);
    if (s > ts || (s === ts && j < t)) rank++;
  }
  return rank;
}

/** True when (scoreA, itemA) comes AFTER (scoreB, itemB) in the ranking order. */
function isWorse(scoreA: number, itemA: number, scoreB: number, itemB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && itemA > itemB);
}

/** Restore the heap property below `pos` in a heap whose root is the WORST kept item. */
function siftDown(keys: Float64Array, items: Int32Array, size: number, pos: number): void {
  for (;;) {
    const l = 2 * pos + 1;
    const r = l + 1;
    let worst = pos;
    if (l < size && isWorse(keys[l], items[l], keys[worst], items[worst])) worst = l;
    if (r < size && isWorse(keys[r], items[r], keys[worst], items[worst])) worst = r;
    if (worst === pos) return;
    const k = keys[pos]; keys[pos] = keys[worst]; keys[worst] = k;
    const it = items[pos]; items[pos] = items[worst]; items[worst] = it;
    pos = worst;
  }
}

/** Move entry `pos` up while it is worse than its parent (the root holds the worst). */
function siftUp(keys: Float64Array, items: Int32Array, pos: number): void {
  while (pos > 0) {
    const parent = (pos - 1) >> 1;
    if (!isWorse(keys[pos], items[pos], keys[parent], items[parent])) return;
    const k = keys[pos]; keys[pos] = keys[parent]; keys[parent] = k;
    const it = items[pos]; items[pos] = items[parent]; items[parent] = it;
    pos = parent;
  }
}

/**
 * The k best item ids of a score row, best first, in the ranking order of this file
 * (score desc, id asc; NaN as -Infinity; masked items as -Infinity). Returns min(k, I) ids.
 * One pass with a bounded heap whose root is the worst kept item: items are visited in id
 * order, so a newcomer enters only when its score is strictly above the root's. Cost
 * O(I + m log k) for m heap replacements (m <= I; about k ln(I/k), a few hundred, when scores
 * are unrelated to ids), then O(k log k) to order the result; no full sort.
 * @throws RangeError when k is not a positive integer or the mask has the wrong length
 * @example topKItems(new Float32Array([0.5, 0.9, 0.5]), 2) // Int32Array [2, 1]
 */
export function topKItems(row: Float32Array, k: number, mask?: Uint8Array): Int32Array {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`topKItems: k must be a positive integer, got ${k}`);
  const numItems = row.length;
  checkMask(numItems, mask);
  const cap = k < numItems ? k : numItems; // not Math.min: its result is a double, and the heap loops run twice as slow on one
  const keys = new Float64Array(cap);
  const items = new Int32Array(cap);
  // 1. Fill the heap with the first `cap` items.
  for (let j = 0; j < cap; j++) {
    keys[j] = mask && mask[j + 1] ? -Infinity : scoreKey(row[j]);
    items[j] = j + 1;
    siftUp(keys, items, j);
  }
  // 2. Visit the rest in id order: a newcomer enters only when STRICTLY above the root (an
  //    equal score has a larger id, so it ranks below). NaN > x is false: NaN never enters.
  for (let j = cap; j < numItems; j++) {
    const s = row[j];
    if (s > keys[0] && !(mask && mask[j + 1])) {
      keys[0] = s;
      items[0] = j + 1;
      siftDown(keys, items, cap, 0);
    }
  }
  // 3. Order the kept items best first.
  const order = Array.from({ length: cap }, (_, i) => i);
  order.sort((a, b) => (keys[b] - keys[a]) || (items[a] - items[b]) || 0);
  return Int32Array.from(order, (i) => items[i]);
}

/**
 * A mask (length numItems + 1, index = item id) with 1 for every seen item except the target
 * and except padding 0. Pass it to rankOfTarget / topKItems to exclude already-seen items.
 * @throws RangeError when a seen id is outside [0, numItems]
 * @example seenMask(4, [2, 3, 2], 3) // Uint8Array [0, 0, 1, 0, 0]
 */
export function seenMask(numItems: number, seen: ArrayLike<number>, target: number): Uint8Array {
  const mask = new Uint8Array(numItems + 1);
  for (let i = 0; i < seen.length; i++) {
    const item = seen[i];
    if (!Number.isInteger(item) || item < 0 || item > numItems) {
      throw new RangeError(`seenMask: item ${item} is outside [0, ${numItems}]`);
    }
    mask[item] = 1;
  }
  mask[0] = 0;
  if (target >= 1 && target <= numItems) mask[target] = 0;
  return mask;
}

/**
 * Ranks of one target per row of a flat score matrix [n * I] (row r = scores[r*I .. (r+1)*I)).
 * @example ranksOfTargets(new Float32Array([1, 2, 2, 1]), 2, Int32Array.of(1, 1)) // Int32Array [1, 0]
 */
export function ranksOfTargets(scores: Float32Array, numItems: number, targets: Int32Array): Int32Array {
  if (scores.length !== targets.length * numItems) {
    throw new RangeError(`ranksOfTargets: scores length ${scores.length} != ${targets.length} rows x ${numItems} items`);
  }
  const ranks = new Int32Array(targets.length);
  for (let r = 0; r < targets.length; r++) {
    ranks[r] = rankOfTarget(scores.subarray(r * numItems, (r + 1) * numItems), targets[r]);
  }
  return ranks;
}
