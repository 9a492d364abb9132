/**
 * A minimal WebAssembly binary emitter (core spec 5.x encodings + the SIMD opcodes used here), for
 * the hand-assembled kernels of wasm-simd-matmul.ts and wasm-simd-norm.ts.
 */

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (small constants only). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

/** A tiny emitter for one function body. */
export class Body {
  readonly bytes: number[] = [];
  /** Emit a·b + c as one f32x4.relaxed_madd (fused on hardware with FMA) rather than mul then add. */
  constructor(readonly fused = false) {}
  op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }
  get(l: number): this {
    return this.op(0x20, ...uleb(l));
  }
  set(l: number): this {
    return this.op(0x21, ...uleb(l));
  }
  i32(n: number): this {
    return this.op(0x41, ...sleb(n));
  }
  add(): this {
    return this.op(0x6a);
  }
  /** local l += n */
  inc(l: number, n: number): this {
    return this.get(l).i32(n).add().set(l);
  }
  /** local l += local m */
  incBy(l: number, m: number): this {
    return this.get(l).get(m).add().set(l);
  }
  simd(code: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(code), ...imm);
  }
  /** Loop while `cond` (leaves an i32) is true: block { loop { br_if !cond -> exit; body; br loop } }. */
  whileLoop(cond: (b: this) => void, body: (b: this) => void): this {
    this.op(0x02, 0x40, 0x03, 0x40);
    cond(this);
    this.op(0x45, 0x0d, 0x01); // i32.eqz; br_if 1 (exit the block)
    body(this);
    return this.op(0x0c, 0x00, 0x0b, 0x0b); // br 0 (loop); end loop; end block
  }
}

export const V128_LOAD = 0x00;
export const V128_STORE = 0x0b;
export const V128_CONST = 0x0c;
export const F32X4_SPLAT = 0x13;
export const F32X4_ADD = 0xe4;
export const F32X4_MUL = 0xe6;
export const F32X4_SUB = 0xe5;
export const F32X4_EXTRACT = 0x1f;
/** Relaxed SIMD: f32x4.relaxed_madd(a, b, c) = a·b + c, fused or not as the hardware does it. */
export const F32X4_RELAXED_MADD = 0x105;

/** A module section: id, byte size, payload. */
export function section(id: number, payload: number[]): number[] {
  return [id, ...uleb(payload.length), ...payload];
}

/** A name as a byte vector. */
export function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}
