/**
 * Splitting work over workers and joining their outputs: contiguous slices of a range, and the
 * concatenation of typed arrays in order (full-ranking evaluation on several threads:
 * lib/runs/parallel.ts, lib/bench/eval.ts).
 */

/**
 * Contiguous slices [from, to) of 0..n, `k` of them, sizes differing by at most one.
 * @example evenSlices(5, 2) // [[0, 2], [2, 5]]
 */
export function evenSlices(n: number, k: number): [number, number][] {
  return Array.from({ length: k }, (_, i) => [Math.floor((i * n) / k), Math.floor(((i + 1) * n) / k)] as [number, number]);
}

/**
 * The parts one after another in one array made by `make`.
 * @example concatTyped([Int32Array.of(1), Int32Array.of(2, 3)], (n) => new Int32Array(n)) // Int32Array [1, 2, 3]
 */
export function concatTyped<T extends Int32Array | Float32Array>(parts: readonly T[], make: (n: number) => T): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
