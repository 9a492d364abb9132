/**
 * Hand-assembled SIMD LayerNorm kernels (see wasm-simd.ts): ln (forward) and lng (backward) over
 * rows of D floats, D a multiple of 4.
 */
import { Body, F32, F32X4_ADD, F32X4_EXTRACT, F32X4_MUL, F32X4_SPLAT, F32X4_SUB, I32, uleb, V128, V128_CONST, V128_LOAD, V128_STORE } from './wasm-asm';

// ln / lng: LayerNorm forward and backward over rows of D floats (D % 4 == 0), the same math as
// fused-kernels.ts's JS kernels: x̂ = (x - μ)·r, r = 1/√(var + eps), y = x̂·γ + β;
// dx = r·(dy·γ - mean(dy·γ) - x̂·mean(dy·γ·x̂)), dγ += dy·x̂, dβ += dy (the caller zeroes dγ, dβ).

/** Horizontal sum of a v128 local, leaving an f32. */
function hsum(b: Body, v: number): void {
  b.get(v).simd(F32X4_EXTRACT, 0);
  for (let lane = 1; lane < 4; lane++) b.get(v).simd(F32X4_EXTRACT, lane).op(0x92);
}

/** 1 / D as f32 into local `to`. */
function invD(b: Body, d: number, to: number): void {
  b.op(0x43, 0x00, 0x00, 0x80, 0x3f).get(d).op(0xb3).op(0x95).set(to); // 1.0 / f32(D)
}

/** for (j = 0; j < rowBytes; j += 16) body */
function forBytes(b: Body, j: number, rowBytes: number, body: (c: Body) => void): void {
  b.i32(0).set(j);
  b.whileLoop((c) => c.get(j).get(rowBytes).op(0x49), (c) => {
    body(c);
    c.inc(j, 16);
  });
}

const ZERO = new Array(16).fill(0);
const ld = (b: Body, base: number, j: number) => b.get(base).get(j).add().simd(V128_LOAD, 0x02, 0x00);

export function lnBody(): number[] {
  const [X, G, Bt, Y, MEAN, RSTD, LM, LD, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [LI, LJ, PX, PY, ROWB] = [9, 10, 11, 12, 13];
  const [MU, R, INV] = [14, 15, 16];
  const [ACC, MUV, RV, T] = [17, 18, 19, 20];
  const b = new Body();
  b.get(LD).i32(2).op(0x74).set(ROWB);
  invD(b, LD, INV);
  b.get(X).set(PX).get(Y).set(PY).i32(0).set(LI);
  b.whileLoop((c) => c.get(LI).get(LM).op(0x49), (c) => {
    c.simd(V128_CONST, ...ZERO).set(ACC);
    forBytes(c, LJ, ROWB, (d) => {
      d.get(ACC);
      ld(d, PX, LJ).simd(F32X4_ADD).set(ACC);
    });
    hsum(c, ACC);
    c.get(INV).op(0x94).set(MU);
    c.get(MU).simd(F32X4_SPLAT).set(MUV).simd(V128_CONST, ...ZERO).set(ACC);
    forBytes(c, LJ, ROWB, (d) => {
      ld(d, PX, LJ).get(MUV).simd(F32X4_SUB).set(T);
      d.get(ACC).get(T).get(T).simd(F32X4_MUL).simd(F32X4_ADD).set(ACC);
    });
    c.op(0x43, 0x00, 0x00, 0x80, 0x3f); // 1.0
    hsum(c, ACC);
    c.get(INV).op(0x94).get(EPS).op(0x92).op(0x91).op(0x95).set(R); // 1 / sqrt(var + eps)
    c.get(R).simd(F32X4_SPLAT).set(RV);
    forBytes(c, LJ, ROWB, (d) => {
      d.get(PY).get(LJ).add();
      ld(d, PX, LJ).get(MUV).simd(F32X4_SUB).get(RV).simd(F32X4_MUL);
      ld(d, G, LJ).simd(F32X4_MUL);
      ld(d, Bt, LJ).simd(F32X4_ADD).simd(V128_STORE, 0x02, 0x00);
    });
    c.get(MEAN).get(LI).i32(2).op(0x74).add().get(MU).op(0x38, 0x02, 0x00);
    c.get(RSTD).get(LI).i32(2).op(0x74).add().get(R).op(0x38, 0x02, 0x00);
    c.incBy(PX, ROWB).incBy(PY, ROWB).inc(LI, 1);
  });
  const locals = [...uleb(3), ...uleb(5), I32, ...uleb(3), F32, ...uleb(4), V128];
  const code = [...locals, ...b.bytes, 0x0b];
  return [...uleb(code.length), ...code];
}

export function lngBody(): number[] {
  const [DY, X, G, MEAN, RSTD, DX, DG, DB, LM, LD] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const [LI, LJ, PX, PDY, PDX, ROWB] = [10, 11, 12, 13, 14, 15];
  const [INV, S1, S2] = [16, 17, 18];
  const [MV, RV, S1V, S2V, XH, DYV, GH] = [19, 20, 21, 22, 23, 24, 25];
  const b = new Body();
  b.get(LD).i32(2).op(0x74).set(ROWB);
  invD(b, LD, INV);
  b.get(X).set(PX).get(DY).set(PDY).get(DX).set(PDX).i32(0).set(LI);
  b.whileLoop((c) => c.get(LI).get(LM).op(0x49), (c) => {
    c.get(MEAN).get(LI).i32(2).op(0x74).add().op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(MV);
    c.get(RSTD).get(LI).i32(2).op(0x74).add().op(0x2a, 0x02, 0x00).simd(F32X4_SPLAT).set(RV);
    c.simd(V128_CONST, ...ZERO).set(S1V).simd(V128_CONST, ...ZERO).set(S2V);
    forBytes(c, LJ, ROWB, (d) => {
      ld(d, PDY, LJ).set(DYV);
      ld(d, PX, LJ).get(MV).simd(F32X4_SUB).get(RV).simd(F32X4_MUL).set(XH);
      d.get(DYV);
      ld(d, G, LJ).simd(F32X4_MUL).set(GH);
      d.get(S1V).get(GH).simd(F32X4_ADD).set(S1V);
      d.get(S2V).get(GH).get(XH).simd(F32X4_MUL).simd(F32X4_ADD).set(S2V);
      d.get(DG).get(LJ).add();
      ld(d, DG, LJ).get(DYV).get(XH).simd(F32X4_MUL).simd(F32X4_ADD).simd(V128_STORE, 0x02, 0x00);
      d.get(DB).get(LJ).add();
      ld(d, DB, LJ).get(DYV).simd(F32X4_ADD).simd(V128_STORE, 0x02, 0x00);
    });
    hsum(c, S1V);
    c.get(INV).op(0x94).set(S1);
    hsum(c, S2V);
    c.get(INV).op(0x94).set(S2);
    c.get(S1).simd(F32X4_SPLAT).set(S1V).get(S2).simd(F32X4_SPLAT).set(S2V);
    forBytes(c, LJ, ROWB, (d) => {
      ld(d, PX, LJ).get(MV).simd(F32X4_SUB).get(RV).simd(F32X4_MUL).set(XH);
      d.get(PDX).get(LJ).add().get(RV);
      ld(d, PDY, LJ);
      ld(d, G, LJ).simd(F32X4_MUL).get(S1V).simd(F32X4_SUB).get(XH).get(S2V).simd(F32X4_MUL).simd(F32X4_SUB);
      d.simd(F32X4_MUL).simd(V128_STORE, 0x02, 0x00);
    });
    c.incBy(PX, ROWB).incBy(PDY, ROWB).incBy(PDX, ROWB).inc(LI, 1);
  });
  const locals = [...uleb(3), ...uleb(6), I32, ...uleb(3), F32, ...uleb(7), V128];
  const code = [...locals, ...b.bytes, 0x0b];
  return [...uleb(code.length), ...code];
}
