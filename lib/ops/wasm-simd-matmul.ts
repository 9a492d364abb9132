/**
 * Hand-assembled SIMD matMul kernels (see wasm-simd.ts for why):
 *   bmm: C[b] = A[b]·B[b], f32x4 over output columns, 16 at a time (two rows sharing each load of
 *        B), then 4, then scalars; any shape; B taken in blocks of BMM_DEPTH rows x BMM_COLS
 *        columns so that each block stays in cache while every row of A meets it.
 *   tn:  C = Aᵀ·B (weight gradients) without transposes, rows taken in cache-sized chunks.
 * The multiply-adds are one f32x4.relaxed_madd each when the module is built `fused` (wasm-simd.ts
 * `fusedMatMuls`): on x86-64 with FMA3, one vfmadd instead of a mul and an add. Measured (one
 * core, the output layer at 26,744 items, 1,254 rows, d = 64; GFLOP/s, unfused -> fused and
 * blocked): h·Wᵀ 8.3 -> 32, g·W 26 -> 39, tn hᵀ·g 19 -> 29-33 (XNNPACK: 30 and 28).
 * Shapes: A [batch, M, K], B [batch, K, N], C [batch, M, N] for bmm; A [M, K], B [M, N], C [K, N]
 * for tn. Float32, row-major, byte offsets into the memory shared with tfjs-wasm.
 */
import { Body, F32, F32X4_ADD, F32X4_MUL, F32X4_RELAXED_MADD, F32X4_SPLAT, I32, uleb, V128, V128_CONST, V128_LOAD, V128_STORE } from './wasm-asm';

// Locals: params 0..6, then i32 scratch, v128 accumulators, one f32.
const [A_PTR, B_PTR, C_PTR, BATCH, M, K, N] = [0, 1, 2, 3, 4, 5, 6];
const [BI, I, J, KK, A_ROW, C_ROW, PA, PB, ROW_B, A_STEP, C_STEP] = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
const ACC = [18, 19, 20, 21];
const S = 22;
const SACC = 23;
// Two-row blocking: row i+1 shares each load of B with row i.
const [JT, PA2, ROW_A] = [24, 25, 26];
const ACC2 = [27, 28, 29, 30];
const S2 = 31;
const VB = 32;

/**
 * acc += s·v, with v pushed by `pushV`: one relaxed_madd when the body is fused (FMA: one rounding
 * instead of two), else mul then add (the bytes and results of the kernels before FMA).
 */
function madd(b: Body, acc: number, s: number, pushV: (b: Body) => void): void {
  if (b.fused) {
    b.get(s);
    pushV(b);
    b.get(acc).simd(F32X4_RELAXED_MADD);
  } else {
    b.get(acc).get(s);
    pushV(b);
    b.simd(F32X4_MUL).simd(F32X4_ADD);
  }
  b.set(acc);
}

/** acc = k0 = 0 ? 0 : the vector of C at `addr` + offset (a later depth block adds to the earlier ones). */
function startAcc(b: Body, acc: number, addr: (b: Body) => void, offset: number): void {
  b.get(K0).op(0x45, 0x04, V128); // i32.eqz; if (result v128)
  b.simd(V128_CONST, ...new Array(16).fill(0));
  b.op(0x05); // else
  addr(b);
  b.simd(V128_LOAD, 0x02, ...uleb(offset));
  b.op(0x0b).set(acc);
}

/** pa = row + k0·4, pb = bPtr + k0·rowB + j·4, k = k0: the start of this depth block. */
function depthStart(b: Body, row: number, pa: number): void {
  b.get(row).get(K0).i32(2).op(0x74).add().set(pa);
  b.get(B_PTR).get(K0).get(ROW_B).op(0x6c).add().get(J).i32(2).op(0x74).add().set(PB);
  b.get(K0).set(KK);
}

/** Inner loop over k for `width` vector accumulators at columns j..j+4·width. */
function vectorColumns(b: Body, width: number): void {
  for (let w = 0; w < width; w++) startAcc(b, ACC[w], (c) => c.get(C_ROW).get(J).i32(2).op(0x74).add(), 16 * w);
  depthStart(b, A_ROW, PA);
  b.whileLoop(
    (c) => c.get(KK).get(K1).op(0x49), // k < k1
    (c) => {
      c.get(PA).op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(S); // s = splat(A[i, k])
      for (let w = 0; w < width; w++) {
        madd(c, ACC[w], S, (d) => d.get(PB).simd(V128_LOAD, 0x02, ...uleb(16 * w)));
      }
      c.inc(PA, 4).incBy(PB, ROW_B).inc(KK, 1);
    },
  );
  for (let w = 0; w < width; w++) {
    b.get(C_ROW).get(J).i32(2).op(0x74).add().get(ACC[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
  }
  b.inc(J, 4 * width);
}

/** Rows i (A_ROW, C_ROW) and i+1 at 16 columns j..j+16: each B vector feeds both rows. */
function vectorColumns2(b: Body): void {
  const cAddr = (c: Body, second: boolean) => {
    c.get(C_ROW).get(J).i32(2).op(0x74).add();
    if (second) c.get(ROW_B).add();
  };
  for (let w = 0; w < 4; w++) {
    startAcc(b, ACC[w], (c) => cAddr(c, false), 16 * w);
    startAcc(b, ACC2[w], (c) => cAddr(c, true), 16 * w);
  }
  depthStart(b, A_ROW, PA);
  b.get(PA).get(ROW_A).add().set(PA2);
  b.whileLoop(
    (c) => c.get(KK).get(K1).op(0x49),
    (c) => {
      c.get(PA).op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(S); // A[i, k]
      c.get(PA2).op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(S2); // A[i+1, k]
      for (let w = 0; w < 4; w++) {
        c.get(PB).simd(V128_LOAD, 0x02, ...uleb(16 * w)).set(VB);
        madd(c, ACC[w], S, (d) => d.get(VB));
        madd(c, ACC2[w], S2, (d) => d.get(VB));
      }
      c.inc(PA, 4).inc(PA2, 4).incBy(PB, ROW_B).inc(KK, 1);
    },
  );
  for (let w = 0; w < 4; w++) {
    cAddr(b, false);
    b.get(ACC[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
    cAddr(b, true);
    b.get(ACC2[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
  }
  b.inc(J, 16);
}

/** Scalar tail: one output column j. */
function scalarColumn(b: Body): void {
  // sacc = k0 = 0 ? 0 : C[i, j]
  b.get(K0).op(0x45, 0x04, F32).op(0x43, 0, 0, 0, 0).op(0x05).get(C_ROW).get(J).i32(2).op(0x74).add().op(0x2a, 0x02, 0x00).op(0x0b).set(SACC);
  depthStart(b, A_ROW, PA);
  b.whileLoop(
    (c) => c.get(KK).get(K1).op(0x49),
    (c) => {
      c.get(SACC).get(PA).op(0x2a, 0x02, 0x00).get(PB).op(0x2a, 0x02, 0x00).op(0x94).op(0x92).set(SACC);
      c.inc(PA, 4).incBy(PB, ROW_B).inc(KK, 1);
    },
  );
  b.get(C_ROW).get(J).i32(2).op(0x74).add().get(SACC).op(0x38, 0x02, 0x00); // f32.store
  b.inc(J, 1);
}

/**
 * Columns per block of bmm: every row of A meets one block of B (K x BMM_COLS floats) while it is
 * in cache. Without blocks, a product with a short K and a long N (the output layer's h·Wᵀ, K = 64,
 * N = 26,744) walked all of B, K rows 107 KB apart, for every pair of rows: 8 GFLOP/s against
 * 26 GFLOP/s for the same work with N = 64 (tmp microbenchmark, one core).
 */
export const BMM_COLS = 512;
/**
 * Depth (rows of B) per block of bmm: with a long K and a short N (the output layer's dh = g·W,
 * K = 26,744, N = 64) every pair of rows of A streamed all of B (6.8 MB) from memory; in blocks of
 * BMM_DEPTH rows, B's block stays in cache across all rows of A, and C accumulates over blocks.
 */
export const BMM_DEPTH = 256;
const [J0, JEND, K0, K1] = [33, 34, 35, 36];

/** Columns J..JEND of one row at A_ROW / C_ROW: 4-wide vectors, then scalars. */
function rowTail(b: Body): void {
  b.whileLoop((e) => e.get(J).i32(4).add().get(JEND).op(0x4d), (e) => vectorColumns(e, 1)); // j + 4 <= jEnd
  b.whileLoop((e) => e.get(J).get(JEND).op(0x49), (e) => scalarColumn(e)); // j < jEnd
}

/** bmm(aPtr, bPtr, cPtr, batch, M, K, N): byte offsets into the shared memory. */
export function bmmBody(fused = false): number[] {
  const b = new Body(fused);
  b.get(N).i32(2).op(0x74).set(ROW_B); // N·4 bytes per row of B and C
  b.get(M).get(K).op(0x6c).i32(2).op(0x74).set(A_STEP); // M·K·4
  b.get(M).get(ROW_B).op(0x6c).set(C_STEP); // M·N·4
  b.get(K).i32(2).op(0x74).set(ROW_A); // K·4 bytes per row of A
  b.i32(0).set(BI);
  b.whileLoop(
    (c) => c.get(BI).get(BATCH).op(0x49),
    (c) => {
      c.i32(0).set(K0);
      c.whileLoop(
        (d) => d.get(K0).get(K).op(0x49), // k0 < K: one block of depth [k0, k1)
        (d) => {
          // k1 = min(k0 + BMM_DEPTH, K)
          d.get(K0).i32(BMM_DEPTH).add().get(K).get(K0).i32(BMM_DEPTH).add().get(K).op(0x4c).op(0x1b).set(K1);
          d.i32(0).set(J0);
          d.whileLoop(
            (e) => e.get(J0).get(N).op(0x49), // j0 < N: one block of columns [j0, jEnd)
            (e) => {
              // jEnd = min(j0 + BMM_COLS, N)
              e.get(J0).i32(BMM_COLS).add().get(N).get(J0).i32(BMM_COLS).add().get(N).op(0x4c).op(0x1b).set(JEND);
              rowsOfBlock(e);
              e.get(JEND).set(J0);
            },
          );
          d.get(K1).set(K0);
        },
      );
      c.incBy(A_PTR, A_STEP);
      c.get(B_PTR).get(K).get(ROW_B).op(0x6c).add().set(B_PTR);
      c.incBy(C_PTR, C_STEP);
      c.inc(BI, 1);
    },
  );
  const locals = [...uleb(6), ...uleb(11), I32, ...uleb(5), V128, ...uleb(1), F32, ...uleb(3), I32, ...uleb(6), V128, ...uleb(4), I32];
  const code = [...locals, ...b.bytes, 0x0b];
  return [...uleb(code.length), ...code];
}

/** Every row of one batch entry at the columns [J0, JEND). */
function rowsOfBlock(c: Body): void {
  c.i32(0).set(I);
  // pairs of rows: 16-column blocks shared, then each row's tail
  c.whileLoop(
    (d) => d.get(I).i32(2).add().get(M).op(0x4d), // i + 2 <= M
    (d) => {
      d.get(A_PTR).get(I).get(ROW_A).op(0x6c).add().set(A_ROW);
      d.get(C_PTR).get(I).get(ROW_B).op(0x6c).add().set(C_ROW);
      d.get(J0).set(J);
      d.whileLoop((e) => e.get(J).i32(16).add().get(JEND).op(0x4d), (e) => vectorColumns2(e)); // j + 16 <= jEnd
      d.get(J).set(JT);
      rowTail(d);
      d.incBy(A_ROW, ROW_A).incBy(C_ROW, ROW_B).get(JT).set(J);
      rowTail(d);
      d.inc(I, 2);
    },
  );
  // a last odd row
  c.whileLoop(
    (d) => d.get(I).get(M).op(0x49),
    (d) => {
      d.get(A_PTR).get(I).get(K).op(0x6c).i32(2).op(0x74).add().set(A_ROW);
      d.get(C_PTR).get(I).get(ROW_B).op(0x6c).add().set(C_ROW);
      d.get(J0).set(J);
      d.whileLoop((e) => e.get(J).i32(16).add().get(JEND).op(0x4d), (e) => vectorColumns(e, 4)); // j + 16 <= jEnd
      rowTail(d);
      d.inc(I, 1);
    },
  );
}

// tn(aPtr, bPtr, cPtr, M, K, N): C[K, N] += Aᵀ·B for A [M, K], B [M, N] (the caller zeroes C).
// Rows of A and B are taken in chunks of TN_CHUNK so a chunk of B stays in cache while every row
// of C is updated; A[m, i] is read as a scalar (stride K), so no explicit transpose is needed.
const TN_CHUNK = 256; // 128: 27.5-29.2 GFLOP/s, 256: 29.1-33.7, 512: 27.4 (fused, output layer at 26,744 items)
const [T_A, T_B, T_C, T_M, T_K, T_N] = [0, 1, 2, 3, 4, 5];
const [M0, M1, TI, TJ, MI, TPA, TPB, TPC, T_ROW_B, T_ROW_A] = [6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const TACC = [16, 17, 18, 19];
const TS = 20;
const TACC2 = [21, 22, 23, 24]; // row i + 1 when two rows share each load of B
const TS2 = 25;
const TVB = 26;
const TSACC = 27;

/** C[i, j..j+4·width) += Σ_{m in chunk} A[m, i]·B[m, j..j+4·width) (vector accumulators). */
function tnVectorBody(b: Body, width: number): void {
  for (let w = 0; w < width; w++) b.get(TPC).get(TJ).i32(2).op(0x74).add().simd(V128_LOAD, 0x02, ...uleb(16 * w)).set(TACC[w]);
  tnRowPointers(b);
  b.whileLoop(
    (c) => c.get(MI).get(M1).op(0x49), // m < m1
    (c) => {
      c.get(TPA).op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(TS); // s = splat(A[m, i])
      for (let w = 0; w < width; w++) {
        madd(c, TACC[w], TS, (d) => d.get(TPB).simd(V128_LOAD, 0x02, ...uleb(16 * w)));
      }
      c.incBy(TPA, T_ROW_A).incBy(TPB, T_ROW_B).inc(MI, 1);
    },
  );
  for (let w = 0; w < width; w++) b.get(TPC).get(TJ).i32(2).op(0x74).add().get(TACC[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
}

/** Rows i and i+1 of C at 16 columns: each B vector loaded once feeds both rows. */
function tnVectorBody2(b: Body): void {
  const rowAddr = (c: Body, second: boolean) => {
    c.get(TPC).get(TJ).i32(2).op(0x74).add();
    if (second) c.get(T_ROW_B).add();
  };
  for (let w = 0; w < 4; w++) {
    rowAddr(b, false);
    b.simd(V128_LOAD, 0x02, ...uleb(16 * w)).set(TACC[w]);
    rowAddr(b, true);
    b.simd(V128_LOAD, 0x02, ...uleb(16 * w)).set(TACC2[w]);
  }
  tnRowPointers(b);
  b.whileLoop(
    (c) => c.get(MI).get(M1).op(0x49),
    (c) => {
      c.get(TPA).op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(TS); // A[m, i]
      c.get(TPA).op(0x2a, 0x02, 0x04).simd(F32X4_SPLAT).set(TS2); // A[m, i + 1]
      for (let w = 0; w < 4; w++) {
        c.get(TPB).simd(V128_LOAD, 0x02, ...uleb(16 * w)).set(TVB);
        madd(c, TACC[w], TS, (d) => d.get(TVB));
        madd(c, TACC2[w], TS2, (d) => d.get(TVB));
      }
      c.incBy(TPA, T_ROW_A).incBy(TPB, T_ROW_B).inc(MI, 1);
    },
  );
  for (let w = 0; w < 4; w++) {
    rowAddr(b, false);
    b.get(TACC[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
    rowAddr(b, true);
    b.get(TACC2[w]).simd(V128_STORE, 0x02, ...uleb(16 * w));
  }
}

/** pa = &A[m0, i], pb = &B[m0, j], m = m0. */
function tnRowPointers(b: Body): void {
  b.get(T_A).get(M0).get(T_ROW_A).op(0x6c).add().get(TI).i32(2).op(0x74).add().set(TPA);
  b.get(T_B).get(M0).get(T_ROW_B).op(0x6c).add().get(TJ).i32(2).op(0x74).add().set(TPB);
  b.get(M0).set(MI);
}

/** C[i, j] += Σ_{m in chunk} A[m, i]·B[m, j] (scalar tail column). */
function tnScalarBody(b: Body): void {
  b.get(TPC).get(TJ).i32(2).op(0x74).add().op(0x2a, 0x02, 0x00).set(TSACC);
  tnRowPointers(b);
  b.whileLoop(
    (c) => c.get(MI).get(M1).op(0x49),
    (c) => {
      c.get(TSACC).get(TPA).op(0x2a, 0x02, 0x00).get(TPB).op(0x2a, 0x02, 0x00).op(0x94).op(0x92).set(TSACC);
      c.incBy(TPA, T_ROW_A).incBy(TPB, T_ROW_B).inc(MI, 1);
    },
  );
  b.get(TPC).get(TJ).i32(2).op(0x74).add().get(TSACC).op(0x38, 0x02, 0x00);
}

/**
 * One column block (width 4·w, or 1 scalar column when w = 0) for every row i of C. Columns are
 * the outer loop so the chunk's strip of B (chunk rows x 64 bytes) stays in L1 across all K rows.
 */
function tnColumnBlock(b: Body, w: number): void {
  b.i32(0).set(TI);
  if (w === 4) {
    b.whileLoop(
      (c) => c.get(TI).i32(2).add().get(T_K).op(0x4d), // i + 2 <= K
      (c) => {
        c.get(T_C).get(TI).get(T_ROW_B).op(0x6c).add().set(TPC);
        tnVectorBody2(c);
        c.inc(TI, 2);
      },
    );
  }
  b.whileLoop(
    (c) => c.get(TI).get(T_K).op(0x49), // i < K
    (c) => {
      c.get(T_C).get(TI).get(T_ROW_B).op(0x6c).add().set(TPC);
      if (w > 0) tnVectorBody(c, w);
      else tnScalarBody(c);
      c.inc(TI, 1);
    },
  );
  b.inc(TJ, w > 0 ? 4 * w : 1);
}

export function tnBody(fused = false): number[] {
  const b = new Body(fused);
  b.get(T_N).i32(2).op(0x74).set(T_ROW_B);
  b.get(T_K).i32(2).op(0x74).set(T_ROW_A);
  b.i32(0).set(M0);
  b.whileLoop(
    (c) => c.get(M0).get(T_M).op(0x49), // m0 < M
    (c) => {
      // m1 = min(m0 + TN_CHUNK, M)
      c.get(M0).i32(TN_CHUNK).add().get(T_M).get(M0).i32(TN_CHUNK).add().get(T_M).op(0x4d).op(0x1b).set(M1);
      c.i32(0).set(TJ);
      c.whileLoop((e) => e.get(TJ).i32(16).add().get(T_N).op(0x4d), (e) => tnColumnBlock(e, 4)); // j + 16 <= N
      c.whileLoop((e) => e.get(TJ).i32(4).add().get(T_N).op(0x4d), (e) => tnColumnBlock(e, 1)); // j + 4 <= N
      c.whileLoop((e) => e.get(TJ).get(T_N).op(0x49), (e) => tnColumnBlock(e, 0)); // j < N
      c.get(M1).set(M0);
    },
  );
  const locals = [...uleb(3), ...uleb(10), I32, ...uleb(11), V128, ...uleb(1), F32];
  const code = [...locals, ...b.bytes, 0x0b];
  return [...uleb(code.length), ...code];
}
