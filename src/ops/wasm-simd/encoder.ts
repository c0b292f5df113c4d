// A minimal WebAssembly binary encoder: just the sections, instructions and SIMD opcodes the generated
// sgemm module (sgemm-module.ts) uses. Everything here follows the WebAssembly core spec §5 "Binary Format"
// (https://webassembly.github.io/spec/core/binary/) and the fixed-width SIMD proposal (now in the spec,
// §5.4.8 "Vector Instructions"); no toolchain, no dependency — the bytes are built at load time by this file.
//
// Layout of a module: magic "\0asm", version 1, then sections in id order, each = id byte, byte length
// (unsigned LEB128), contents. Vectors are a LEB128 count followed by the items.

/** Value types (spec §5.3.1). */
export const I32 = 0x7f;
export const V128 = 0x7b;

/** Unsigned LEB128 (spec §5.2.2), for counts, indices, sizes and memarg fields. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`wasm encoder: uleb needs a non-negative integer, got ${n}`);
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (spec §5.2.2), for i32.const immediates. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`wasm encoder: sleb needs an int32, got ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7; // arithmetic shift keeps the sign
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A name: UTF-8 bytes with a length prefix (spec §5.2.4). */
export function name(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

/** A vector: count then the concatenated items. */
export function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, contents: number[]): number[] {
  return [id, ...uleb(contents.length), ...contents];
}

/**
 * Instruction emitter for one function body. Only the instructions the generator needs; each method appends
 * the opcode bytes (spec §5.4) and returns `this` so code reads top to bottom like the wasm text format.
 */
export class Code {
  readonly bytes: number[] = [];

  private op(...b: number[]): this {
    this.bytes.push(...b);
    return this;
  }

  /** SIMD instructions: prefix 0xfd, then the opcode as unsigned LEB128 (spec §5.4.8). */
  private simd(opcode: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(opcode), ...imm);
  }

  // Control (spec §5.4.1). Block type 0x40 = no result.
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }

  // Variables (spec §5.4.4).
  get(local: number): this { return this.op(0x20, ...uleb(local)); }
  set(local: number): this { return this.op(0x21, ...uleb(local)); }

  // i32 numeric (spec §5.4.7).
  i32(value: number): this { return this.op(0x41, ...sleb(value)); }
  i32Eqz(): this { return this.op(0x45); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }

  /** local[dst] = local[dst] + delta (a common pointer bump). */
  addTo(local: number, delta: number): this {
    return this.get(local).i32(delta).i32Add().set(local);
  }

  // Vector memory and arithmetic (spec §5.4.8). memarg = alignment exponent, then a constant byte offset
  // that is added to the address operand (so per-lane/per-row offsets cost no instructions).
  v128Load(offset: number): this { return this.simd(0x00, 4, ...uleb(offset)); }
  v128Load32Splat(offset: number): this { return this.simd(0x09, 2, ...uleb(offset)); }
  v128Store(offset: number): this { return this.simd(0x0b, 4, ...uleb(offset)); }
  v128Zero(): this { return this.simd(0x0c, ...new Array<number>(16).fill(0)); }
  /** i8x16.shuffle, given as four f32 lanes picked from the 8 lanes of its two operands (0–3 first, 4–7 second). */
  shuffleF32(lanes: [number, number, number, number]): this {
    return this.simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));
  }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
}

export interface FuncDef {
  exportName: string;
  params: number[];
  /** Extra locals, as [count, type] runs (spec §5.5.13). */
  locals: [number, number][];
  body: Code;
}

/**
 * A module that imports its memory as env.memory (min `minPages` 64-KiB pages, no maximum, so the JS side
 * can grow it) and exports the given functions, none with results.
 */
export function encodeModule(funcs: FuncDef[], minPages = 1): Uint8Array {
  const types = vec(funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), ...vec([])]));
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, ...uleb(minPages)]]);
  const functions = vec(funcs.map((_, i) => uleb(i)));
  const exports = vec(funcs.map((f, i) => [...name(f.exportName), 0x00, ...uleb(i)]));
  const codes = vec(funcs.map((f) => {
    const body = [...vec(f.locals.map(([n, t]) => [...uleb(n), t])), ...f.body.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  }));
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, codes),
  ]);
}
