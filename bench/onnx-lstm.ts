// A one-node ONNX model (LSTM, opset 14) built by hand-encoding the protobuf, so bench/native.ts can time
// onnxruntime-node's LSTM on exactly the weights the native kernel uses — and check its output against ours
// (onnxruntime is an independent implementation: a free oracle for the forward values).
//
// Keras → ONNX layout: ONNX W [1, 4H, I] and R [1, 4H, H] hold per-gate [out, in] matrices in gate order
// i, o, f, c; B [1, 8H] = Wb (i,o,f,c) then Rb. Keras K [I, 4H] / R [H, 4H] are [in, out] in gate order i, f, c, o.

// ---- minimal protobuf writer (wire types 0 = varint, 2 = length-delimited) ----
type Bytes = number[];
function varint(out: Bytes, v: number | bigint): void {
  let x = BigInt(v);
  if (x < 0n) x += 1n << 64n;
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x > 0n) b |= 0x80;
    out.push(b);
  } while (x > 0n);
}
function fieldVarint(out: Bytes, field: number, v: number | bigint): void {
  varint(out, (field << 3) | 0);
  varint(out, v);
}
function fieldBytes(out: Bytes, field: number, data: Bytes | Uint8Array): void {
  varint(out, (field << 3) | 2);
  varint(out, data.length);
  for (let i = 0; i < data.length; i++) out.push(data[i]);
}
const str = (s: string): Bytes => [...Buffer.from(s, 'utf8')];
function msg(build: (o: Bytes) => void): Bytes {
  const o: Bytes = [];
  build(o);
  return o;
}

const FLOAT = 1; // TensorProto.DataType.FLOAT
const INT32 = 6;

function tensorProto(name: string, dims: number[], data: Float32Array | Int32Array): Bytes {
  return msg((o) => {
    for (const d of dims) fieldVarint(o, 1, d);
    fieldVarint(o, 2, data instanceof Float32Array ? FLOAT : INT32);
    fieldBytes(o, 8, str(name));
    fieldBytes(o, 9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  });
}
function valueInfo(name: string, dims: number[], elemType = FLOAT): Bytes {
  return msg((o) => {
    fieldBytes(o, 1, str(name));
    fieldBytes(o, 2, msg((t) => fieldBytes(t, 1, msg((tt) => {
      fieldVarint(tt, 1, elemType);
      fieldBytes(tt, 2, msg((sh) => { for (const d of dims) fieldBytes(sh, 1, msg((dd) => fieldVarint(dd, 1, d))); }));
    }))));
  });
}
function attrInt(name: string, v: number): Bytes {
  return msg((o) => {
    fieldBytes(o, 1, str(name));
    fieldVarint(o, 3, v);
    fieldVarint(o, 20, 2); // AttributeType.INT
  });
}

export interface KerasLstmWeights {
  I: number; H: number;
  kernel: Float32Array; // [I, 4H]
  recurrentKernel: Float32Array; // [H, 4H]
  bias: Float32Array; // [4H]
}

/** Keras gate index (i, f, c, o) for ONNX gate slot (i, o, f, c). */
const ONNX_FROM_KERAS = [0, 3, 1, 2];

/** ONNX model bytes: inputs X [T,B,I], initial_h/initial_c [1,B,H]; outputs Y [T,1,B,H], Y_h, Y_c [1,B,H]. */
export function buildOnnxLstm(w: KerasLstmWeights, T: number, B: number): Uint8Array {
  const { I, H } = w;
  const W = new Float32Array(4 * H * I);
  const R = new Float32Array(4 * H * H);
  const Bb = new Float32Array(8 * H);
  for (let slot = 0; slot < 4; slot++) {
    const g = ONNX_FROM_KERAS[slot];
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < I; k++) W[(slot * H + j) * I + k] = w.kernel[k * 4 * H + g * H + j];
      for (let k = 0; k < H; k++) R[(slot * H + j) * H + k] = w.recurrentKernel[k * 4 * H + g * H + j];
      Bb[slot * H + j] = w.bias[g * H + j]; // Wb; Rb stays 0 (Keras has one bias)
    }
  }
  const node = msg((o) => {
    for (const i of ['X', 'W', 'R', 'B', '', 'initial_h', 'initial_c']) fieldBytes(o, 1, str(i));
    for (const out of ['Y', 'Y_h', 'Y_c']) fieldBytes(o, 2, str(out));
    fieldBytes(o, 3, str('lstm'));
    fieldBytes(o, 4, str('LSTM'));
    fieldBytes(o, 5, attrInt('hidden_size', H));
  });
  const graph = msg((o) => {
    fieldBytes(o, 1, node);
    fieldBytes(o, 2, str('keras_lstm'));
    fieldBytes(o, 5, tensorProto('W', [1, 4 * H, I], W));
    fieldBytes(o, 5, tensorProto('R', [1, 4 * H, H], R));
    fieldBytes(o, 5, tensorProto('B', [1, 8 * H], Bb));
    fieldBytes(o, 11, valueInfo('X', [T, B, I]));
    fieldBytes(o, 11, valueInfo('initial_h', [1, B, H]));
    fieldBytes(o, 11, valueInfo('initial_c', [1, B, H]));
    fieldBytes(o, 12, valueInfo('Y', [T, 1, B, H]));
    fieldBytes(o, 12, valueInfo('Y_h', [1, B, H]));
    fieldBytes(o, 12, valueInfo('Y_c', [1, B, H]));
  });
  const model = msg((o) => {
    fieldVarint(o, 1, 8); // ir_version
    fieldBytes(o, 2, str('lstm-ts bench'));
    fieldBytes(o, 7, graph);
    fieldBytes(o, 8, msg((op) => { fieldBytes(op, 1, []); fieldVarint(op, 2, 14); })); // opset ai.onnx 14
  });
  return Uint8Array.from(model);
}

/** An onnxruntime session over the one-node LSTM model (`threads` intra-op threads, default 1), and its feeds for x [T,B,I] and zero
 *  initial states. Shared by bench/native.ts and bench/paired.ts so both time the same ORT configuration. */
export async function createOrtLstm(
  w: KerasLstmWeights & { x: Float32Array; h0: Float32Array; c0: Float32Array }, T: number, B: number, threads = 1,
  spin = true,
) {
  const ort = await import('onnxruntime-node');
  const model = buildOnnxLstm(w, T, B);
  // spin = false sets session.intra_op.allow_spinning = 0: ORT's pool threads otherwise keep spinning after a run,
  // on the cores the next op (ours, in the same process, in bench/paired.ts) needs.
  const sess = await ort.InferenceSession.create(model, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
    ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  });
  const feeds = {
    X: new ort.Tensor('float32', w.x, [T, B, w.I]),
    initial_h: new ort.Tensor('float32', w.h0, [1, B, w.H]),
    initial_c: new ort.Tensor('float32', w.c0, [1, B, w.H]),
  };
  return { sess, feeds };
}

// ---- GRU and RNN (the same hand-encoded one-node models, for bench/paired-cells.ts) ----
//
// ONNX GRU (opset 14): W [1, 3H, I], R [1, 3H, H] per-gate [out, in] in gate order z, r, h — Keras's order;
// B [1, 6H] = Wb then Rb; linear_before_reset = 1 is Keras's reset_after = True (the reset gate multiplies
// h·R_h + Rb_h). Keras bias [2, 3H]: row 0 = Wb, row 1 = Rb. ONNX RNN: W [1, H, I], R [1, H, H], B [1, 2H], tanh.

export interface KerasCellWeights {
  I: number; H: number;
  kernel: Float32Array; // [I, gates·H]
  recurrentKernel: Float32Array; // [H, gates·H]
  bias: Float32Array; // GRU [6H] (input row, recurrent row), RNN [H]
}

function transposeGates(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = m[r * cols + c];
  return out;
}

/** ONNX model bytes for a GRU (gates 3, linear_before_reset) or an RNN (gates 1): X [T,B,I], initial_h [1,B,H] → Y, Y_h. */
export function buildOnnxCell(kind: 'GRU' | 'RNN', w: KerasCellWeights, T: number, B: number): Uint8Array {
  const { I, H } = w;
  const g = kind === 'GRU' ? 3 : 1;
  const W = transposeGates(w.kernel, I, g * H); // [gH, I]: row = gate·H + j, Keras's gate order kept
  const R = transposeGates(w.recurrentKernel, H, g * H);
  const Bb = new Float32Array(2 * g * H);
  Bb.set(w.bias.subarray(0, kind === 'GRU' ? 2 * g * H : g * H)); // RNN: Rb stays 0
  const node = msg((o) => {
    for (const i of ['X', 'W', 'R', 'B', '', 'initial_h']) fieldBytes(o, 1, str(i));
    for (const out of ['Y', 'Y_h']) fieldBytes(o, 2, str(out));
    fieldBytes(o, 3, str(kind.toLowerCase()));
    fieldBytes(o, 4, str(kind));
    fieldBytes(o, 5, attrInt('hidden_size', H));
    if (kind === 'GRU') fieldBytes(o, 5, attrInt('linear_before_reset', 1));
  });
  const graph = msg((o) => {
    fieldBytes(o, 1, node);
    fieldBytes(o, 2, str(`keras_${kind.toLowerCase()}`));
    fieldBytes(o, 5, tensorProto('W', [1, g * H, I], W));
    fieldBytes(o, 5, tensorProto('R', [1, g * H, H], R));
    fieldBytes(o, 5, tensorProto('B', [1, 2 * g * H], Bb));
    fieldBytes(o, 11, valueInfo('X', [T, B, I]));
    fieldBytes(o, 11, valueInfo('initial_h', [1, B, H]));
    fieldBytes(o, 12, valueInfo('Y', [T, 1, B, H]));
    fieldBytes(o, 12, valueInfo('Y_h', [1, B, H]));
  });
  const model = msg((o) => {
    fieldVarint(o, 1, 8);
    fieldBytes(o, 2, str('lstm-ts bench'));
    fieldBytes(o, 7, graph);
    fieldBytes(o, 8, msg((op) => { fieldBytes(op, 1, []); fieldVarint(op, 2, 14); }));
  });
  return Uint8Array.from(model);
}

/** A single-threaded onnxruntime session over buildOnnxCell's model, and its feeds. */
export async function createOrtCell(kind: 'GRU' | 'RNN', w: KerasCellWeights & { x: Float32Array; h0: Float32Array }, T: number, B: number) {
  const ort = await import('onnxruntime-node');
  const sess = await ort.InferenceSession.create(buildOnnxCell(kind, w, T, B), { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
  const feeds = { X: new ort.Tensor('float32', w.x, [T, B, w.I]), initial_h: new ort.Tensor('float32', w.h0, [1, B, w.H]) };
  return { sess, feeds };
}
