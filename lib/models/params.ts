/**
 * Parameter counts of the LSRM decoder (paper III-B, Table IV and Table V).
 *
 * Non-embedding parameters, as the paper (after Kaplan et al.) counts them:
 *   N = 12·L·d²   per layer: attention Q, K, V, O projections 4·d², feed-forward d→4d→d 8·d²;
 * biases, layer norms, position and item embeddings are not counted. This reproduces every row of
 * Table IV (98,304 ... 829,440,000) and LSRM_wide's 34.56M (L = 2, d = 1200) exactly.
 * Embedding parameters: (I + 1)·d item rows (row 0 is the padding item, a real trainable row in our
 * model) + maxLen·d learned positions. Total adds biases and norms: per layer 9d of biases
 * (3d QKV + d out + 4d + d FFN) and 4d of norm scales/shifts, plus 2d for the final norm.
 */
import { checkInt } from './toolkit';

/** One row of Table IV (five-scale ladder plus the 0.8B model). */
export interface TableIvRow {
  readonly nonEmbedding: number;
  readonly numLayers: number;
  readonly dim: number;
  readonly numHeads: number;
  readonly epochs: number;
  readonly batchSize: number;
}

/** Table IV of the paper, verbatim. */
export const TABLE_IV: readonly TableIvRow[] = [
  { nonEmbedding: 98_304, numLayers: 2, dim: 64, numHeads: 2, epochs: 30, batchSize: 256 },
  { nonEmbedding: 786_432, numLayers: 4, dim: 128, numHeads: 4, epochs: 30, batchSize: 256 },
  { nonEmbedding: 1_572_864, numLayers: 8, dim: 128, numHeads: 4, epochs: 30, batchSize: 256 },
  { nonEmbedding: 9_437_184, numLayers: 12, dim: 256, numHeads: 8, epochs: 27, batchSize: 256 },
  { nonEmbedding: 75_497_472, numLayers: 24, dim: 512, numHeads: 8, epochs: 12, batchSize: 256 },
  { nonEmbedding: 829_440_000, numLayers: 48, dim: 1200, numHeads: 24, epochs: 12, batchSize: 256 },
];

/** LSRM_wide of Table V: 2 layers, d = 1200, d_ff = 4800, 34.56M non-embedding parameters. */
export const LSRM_WIDE = { numLayers: 2, dim: 1200, nonEmbedding: 34_560_000 } as const;

/** Shape of a decoder for counting. */
export interface ShapeForCount {
  readonly numLayers: number;
  readonly dim: number;
  /** Omit to count non-embedding parameters only. */
  readonly numItems?: number;
  readonly maxLen?: number;
}

/** Counts as reported by the paper; `embedding`/`total` are 0 when numItems is not given. */
export interface LsrmCounts {
  readonly embedding: number;
  readonly nonEmbedding: number;
  readonly total: number;
}

/** N = 12·L·d² (see header). */
export function nonEmbeddingParams(numLayers: number, dim: number): number {
  checkInt('lsrm', 'numLayers', numLayers);
  checkInt('lsrm', 'dim', dim);
  return 12 * numLayers * dim * dim;
}

/** Biases and norms, not counted by the paper: L·13d + 2d. */
export function biasAndNormParams(numLayers: number, dim: number): number {
  return numLayers * 13 * dim + 2 * dim;
}

/** Embedding parameters: (I + 1)·d item rows (padding row included) + maxLen·d positions. */
export function embeddingParams(numItems: number, dim: number, maxLen: number): number {
  checkInt('lsrm', 'numItems', numItems);
  checkInt('lsrm', 'maxLen', maxLen);
  return (numItems + 1) * dim + maxLen * dim;
}

/** All counts of an LSRM shape (maxLen defaults to 50). */
export function lsrmParamCounts(s: ShapeForCount): LsrmCounts {
  const nonEmbedding = nonEmbeddingParams(s.numLayers, s.dim);
  if (s.numItems === undefined) return { embedding: 0, nonEmbedding, total: 0 };
  const embedding = embeddingParams(s.numItems, s.dim, s.maxLen ?? 50);
  return { embedding, nonEmbedding, total: embedding + nonEmbedding + biasAndNormParams(s.numLayers, s.dim) };
}
