// Child process of fuzz.test.ts: throws garbage at the N-API boundary of both addons and prints one JSON line
// per call: {name, expect: 'error'|'ok', threw, message}. Run in a child so that a crash (abort, segfault)
// shows up as a signal / non-zero exit in the parent instead of killing mocha.
'use strict';
const [cpuPath, cudnnPath] = process.argv.slice(2);
const results = [];
function run(name, expect, fn) {
  try {
    fn();
    results.push({ name, expect, threw: false });
  } catch (e) {
    results.push({ name, expect, threw: true, isError: e instanceof Error, message: String(e && e.message) });
  }
}
const f32 = (n, v = 0.1) => new Float32Array(n).fill(v);
function args(T, B, I, H, over = {}) {
  return {
    T, B, I, H, x: f32(T * B * I), h0: f32(B * H), c0: f32(B * H), kernel: f32(I * 4 * H), recurrentKernel: f32(H * 4 * H),
    bias: f32(4 * H), seqLengths: null, goBackwards: false, zeroOutputForMask: false, ...over,
  };
}
function detached(n) {
  const a = new Float32Array(n);
  structuredClone(a.buffer, { transfer: [a.buffer] });
  return a;
}

if (cpuPath) {
  const c = require(cpuPath);
  const good = args(3, 2, 4, 5);
  run('valid call', 'ok', () => c.forward(good, true));
  run('no arguments', 'error', () => c.forward());
  run('options is a number', 'error', () => c.forward(42));
  run('options is an array', 'error', () => c.forward([1, 2]));
  run('options is a typed array', 'error', () => c.forward(new Float32Array(3)));
  for (const k of ['T', 'B', 'I', 'H']) {
    for (const v of [NaN, Infinity, -Infinity, -1, 1.5, '3', null, undefined, 2 ** 31, 1e300, {}]) {
      run(`${k} = ${String(v)}`, 'error', () => c.forward({ ...good, [k]: v }, true));
    }
  }
  for (const k of ['x', 'h0', 'c0', 'kernel', 'recurrentKernel', 'bias']) {
    const n = good[k].length;
    run(`${k} one element short`, 'error', () => c.forward({ ...good, [k]: f32(n - 1) }, true));
    run(`${k} one element long`, 'error', () => c.forward({ ...good, [k]: f32(n + 1) }, true));
    run(`${k} Float64Array`, 'error', () => c.forward({ ...good, [k]: new Float64Array(n) }, true));
    run(`${k} plain array`, 'error', () => c.forward({ ...good, [k]: Array.from(good[k]) }, true));
    run(`${k} string`, 'error', () => c.forward({ ...good, [k]: 'abc' }, true));
    run(`${k} missing`, 'error', () => c.forward({ ...good, [k]: undefined }, true));
    run(`${k} detached buffer`, 'error', () => c.forward({ ...good, [k]: detached(n) }, true));
    run(`${k} subarray view of the right length`, 'ok', () => c.forward({ ...good, [k]: f32(n + 4).subarray(2, 2 + n) }, true));
  }
  run('x NaN / Inf data computes (NaN propagates), no error', 'ok', () => {
    const x = f32(good.x.length);
    x[0] = NaN;
    x[1] = Infinity;
    const r = c.forward({ ...good, x }, false);
    if (!Number.isNaN(r.y[0]) && Number.isFinite(r.y[0])) throw new Error('expected NaN to propagate');
  });
  run('seqLengths Float32Array', 'error', () => c.forward({ ...good, seqLengths: new Float32Array(2) }, true));
  run('seqLengths wrong count', 'error', () => c.forward({ ...good, seqLengths: Int32Array.from([1]) }, true));
  run('seqLengths > T', 'error', () => c.forward({ ...good, seqLengths: Int32Array.from([1, 4]) }, true));
  run('seqLengths negative', 'error', () => c.forward({ ...good, seqLengths: Int32Array.from([-1, 2]) }, true));
  run('seqLengths detached', 'error', () => { const a = Int32Array.from([1, 2]); structuredClone(a.buffer, { transfer: [a.buffer] }); c.forward({ ...good, seqLengths: a }, true); });
  run('goBackwards not boolean', 'error', () => c.forward({ ...good, goBackwards: 'yes' }, true));
  run('zero sizes T=0', 'ok', () => c.forward(args(0, 2, 4, 5), true));
  run('zero sizes B=0', 'ok', () => c.forward(args(3, 0, 4, 5), true));
  run('zero sizes I=0', 'ok', () => c.forward(args(3, 2, 0, 5), true));
  run('zero sizes H=0', 'ok', () => c.forward(args(3, 2, 4, 0), true));
  run('zero sizes backward', 'ok', () => {
    const a = args(0, 0, 0, 0);
    const f = c.forward(a, true);
    c.backward(a, { saved: f.saved, dy: f32(0), dhT: f32(0), dcT: f32(0) });
  });
  run('absurd: T*B*H overflows', 'error', () => c.forward({ ...good, T: 2 ** 31 - 1, B: 2 ** 31 - 1, H: 2 ** 20 }, true));
  run('absurd: T*B overflows int', 'error', () => c.forward({ ...good, T: 2 ** 20, B: 2 ** 20 }, true));
  run('absurd: H = 2^30 (4H overflows int)', 'error', () => c.forward({ ...good, H: 2 ** 30 }, true));
  run('absurd: sizes fine but buffers tiny', 'error', () => c.forward({ ...good, T: 100000, B: 1000 }, true));
  const f = c.forward(good, true);
  const g = { saved: f.saved, dy: f32(3 * 2 * 5), dhT: f32(10), dcT: f32(10) };
  run('valid backward', 'ok', () => c.backward(good, g));
  run('backward saved too short', 'error', () => c.backward(good, { ...g, saved: f32(f.saved.length - 1) }));
  run('backward saved null', 'error', () => c.backward(good, { ...g, saved: null }));
  run('backward dy wrong length', 'error', () => c.backward(good, { ...g, dy: f32(7) }));
  run('backward dhT detached', 'error', () => c.backward(good, { ...g, dhT: detached(10) }));
  run('backward grads missing', 'error', () => c.backward(good));
  run('backward grads not an object', 'error', () => c.backward(good, 5));
  // GRU (gates 3, bias [6H]) and SimpleRNN (gates 1, bias [H], activation) entry points: the same checks.
  for (const [fwd, bwd, gates, biasLen, extra] of [['gruForward', 'gruBackward', 3, 6, {}], ['srnnForward', 'srnnBackward', 1, 1, { activation: 'relu' }]]) {
    const cg = (T, B, I, H, over = {}) => ({
      T, B, I, H, x: f32(T * B * I), h0: f32(B * H), kernel: f32(I * gates * H), recurrentKernel: f32(H * gates * H),
      bias: f32(biasLen * H), seqLengths: null, goBackwards: false, zeroOutputForMask: false, ...extra, ...over,
    });
    const ga = cg(3, 2, 4, 5);
    run(`${fwd} valid call`, 'ok', () => c[fwd](ga, true));
    run(`${fwd} no arguments`, 'error', () => c[fwd]());
    for (const k of ['x', 'h0', 'kernel', 'recurrentKernel', 'bias']) {
      run(`${fwd} ${k} one element short`, 'error', () => c[fwd]({ ...ga, [k]: f32(ga[k].length - 1) }, true));
      run(`${fwd} ${k} Float64Array`, 'error', () => c[fwd]({ ...ga, [k]: new Float64Array(ga[k].length) }, true));
      run(`${fwd} ${k} detached`, 'error', () => c[fwd]({ ...ga, [k]: detached(ga[k].length) }, true));
    }
    for (const [k, v] of [['T', -1], ['B', NaN], ['H', 1.5], ['I', 'x']]) run(`${fwd} ${k} = ${String(v)}`, 'error', () => c[fwd]({ ...ga, [k]: v }, true));
    run(`${fwd} seqLengths > T`, 'error', () => c[fwd]({ ...ga, seqLengths: Int32Array.from([1, 4]) }, true));
    run(`${fwd} absurd: T*B overflows int`, 'error', () => c[fwd]({ ...ga, T: 2 ** 20, B: 2 ** 20 }, true));
    run(`${fwd} absurd: H = 2^30`, 'error', () => c[fwd]({ ...ga, H: 2 ** 30 }, true));
    run(`${fwd} zero sizes`, 'ok', () => c[fwd](cg(0, 0, 0, 0), true));
    if (fwd === 'srnnForward') run(`${fwd} activation sigmoid`, 'error', () => c[fwd]({ ...ga, activation: 'sigmoid' }, true));
    const fr = c[fwd](ga, true);
    const gg = { saved: fr.saved, dy: f32(3 * 2 * 5), dhT: f32(10) };
    run(`${bwd} valid`, 'ok', () => c[bwd](ga, gg));
    run(`${bwd} saved too short`, 'error', () => c[bwd](ga, { ...gg, saved: f32(fr.saved.length - 1) }));
    run(`${bwd} dy wrong length`, 'error', () => c[bwd](ga, { ...gg, dy: f32(7) }));
    run(`${bwd} grads missing`, 'error', () => c[bwd](ga));
  }
  // The positional forms (forwardV, ...; cpu_addon.cpp ArgPos): the same checks on arguments in a fixed order.
  const LK = ['T', 'B', 'I', 'H', 'x', 'h0', 'c0', 'kernel', 'recurrentKernel', 'bias', 'seqLengths', 'goBackwards', 'zeroOutputForMask'];
  const pos = (o) => LK.map((k) => o[k]);
  run('forwardV valid', 'ok', () => c.forwardV(...pos(good), true));
  run('forwardV no arguments', 'error', () => c.forwardV());
  run('forwardV an options object instead', 'error', () => c.forwardV(good, true));
  run('forwardV arguments shifted by one', 'error', () => c.forwardV(3, ...pos(good), true));
  run('forwardV x one element short', 'error', () => c.forwardV(...pos({ ...good, x: f32(good.x.length - 1) }), true));
  run('forwardV kernel detached', 'error', () => c.forwardV(...pos({ ...good, kernel: detached(good.kernel.length) }), true));
  run('forwardV savedInto of the wrong length', 'error', () => c.forwardV(...pos(good), true, f32(3)));
  run('forwardV absurd: T*B overflows int', 'error', () => c.forwardV(...pos({ ...good, T: 2 ** 20, B: 2 ** 20 }), true));
  run('forwardV 200 extra arguments (ignored)', 'ok', () => c.forwardV(...pos(good), false, undefined, ...new Array(200).fill(7)));
  const fv = c.forwardV(...pos(good), true);
  run('backwardV valid', 'ok', () => c.backwardV(...pos(good), fv[3], g.dy, g.dhT, g.dcT, false));
  run('backwardV no gradients', 'error', () => c.backwardV(...pos(good)));
  run('backwardV saved null', 'error', () => c.backwardV(...pos(good), null, g.dy, g.dhT, g.dcT, false));
  run('backwardV dcT wrong length', 'error', () => c.backwardV(...pos(good), fv[3], g.dy, g.dhT, f32(9), false));
  run('backwardV skipDx a string', 'error', () => c.backwardV(...pos(good), fv[3], g.dy, g.dhT, g.dcT, 'yes'));
  const CK = ['T', 'B', 'I', 'H', 'x', 'h0', 'kernel', 'recurrentKernel', 'bias', 'seqLengths', 'goBackwards', 'zeroOutputForMask', 'activation'];
  for (const [fwd, gates, biasLen, act] of [['gruForwardV', 3, 6, undefined], ['srnnForwardV', 1, 1, 'tanh']]) {
    const o = { T: 3, B: 2, I: 4, H: 5, x: f32(24), h0: f32(10), kernel: f32(4 * gates * 5), recurrentKernel: f32(5 * gates * 5), bias: f32(biasLen * 5),
      seqLengths: null, goBackwards: false, zeroOutputForMask: false, activation: act };
    run(`${fwd} valid`, 'ok', () => c[fwd](...CK.map((k) => o[k]), true));
    run(`${fwd} no arguments`, 'error', () => c[fwd]());
    run(`${fwd} bias one element short`, 'error', () => c[fwd](...CK.map((k) => (k === 'bias' ? f32(biasLen * 5 - 1) : o[k])), true));
    if (act) run(`${fwd} activation sigmoid`, 'error', () => c[fwd](...CK.map((k) => (k === 'activation' ? 'sigmoid' : o[k])), true));
    const bwd = fwd.replace('ForwardV', 'BackwardV');
    const r = c[fwd](...CK.map((k) => o[k]), true);
    run(`${bwd} valid`, 'ok', () => c[bwd](...CK.map((k) => o[k]), r[2], f32(30), f32(10), false));
    run(`${bwd} no gradients`, 'error', () => c[bwd](...CK.map((k) => o[k])));
  }
  run('savedFloats overflow', 'error', () => c.savedFloats({ T: 2 ** 31 - 1, B: 2 ** 31 - 1, H: 2 ** 31 - 1 }));
  run('setNumThreads NaN', 'error', () => c.setNumThreads(NaN));
  run('setNumThreads -1', 'error', () => c.setNumThreads(-1));
  run('setNumThreads 1.5', 'error', () => c.setNumThreads(1.5));
  run('setNumThreads 0 (default)', 'ok', () => c.setNumThreads(0));
  run('setIsa unknown', 'error', () => c.setIsa('sse9'));
  run('setIsa number', 'error', () => c.setIsa(2));
  run('setIsa generic', 'ok', () => c.setIsa('generic'));
  const gm = (o) => ({ A: f32(6), B: f32(12), C: f32(8), M: 2, K: 3, N: 4, ...o });
  run('sgemm valid', 'ok', () => c.sgemm(gm({})));
  run('sgemm transposes + accumulate', 'ok', () => c.sgemm(gm({ transA: true, transB: true, accumulate: true })));
  run('sgemm K=0', 'ok', () => c.sgemm({ A: f32(0), B: f32(0), C: f32(8), M: 2, K: 0, N: 4 }));
  run('sgemm A too short', 'error', () => c.sgemm(gm({ A: f32(5) })));
  run('sgemm C too long', 'error', () => c.sgemm(gm({ C: f32(9) })));
  run('sgemm Float64Array', 'error', () => c.sgemm(gm({ B: new Float64Array(12) })));
  run('sgemm NaN dim', 'error', () => c.sgemm(gm({ M: NaN })));
  run('sgemm overflow', 'error', () => c.sgemm(gm({ M: 2 ** 31 - 1, K: 2 ** 31 - 1 })));
  run('sgemm transA string', 'error', () => c.sgemm(gm({ transA: 'yes' })));
  run('sgemm no object', 'error', () => c.sgemm());
  run('setNumThreads string', 'error', () => c.setNumThreads('2'));
}

if (cudnnPath) {
  const g = require(cudnnPath);
  run('cudnn probe never throws', 'ok', () => g.probe());
  run('cudnn buildInfo', 'ok', () => g.buildInfo());
  run('cudnn CudnnLstm without options', 'error', () => new g.CudnnLstm());
  run('cudnn CudnnLstm NaN size', 'error', () => new g.CudnnLstm({ I: NaN, H: 2 }));
  run('cudnn CudnnLstm I=0', 'error', () => new g.CudnnLstm({ I: 0, H: 2 }));
  run('cudnn CudnnLstm absurd H', 'error', () => new g.CudnnLstm({ I: 2, H: 2 ** 31 - 1 }));
  run('cudnn CudnnLstm called without new', 'error', () => g.CudnnLstm({ I: 2, H: 2 }));
  run('cudnn CudnnLstm cell not lstm/gru', 'error', () => new g.CudnnLstm({ I: 2, H: 2, cell: 'rnn' }));
  const probe = g.probe();
  if (probe.deviceCount === 0 || probe.libraryError) {
    run('cudnn CudnnLstm on a machine without a device', 'error', () => new g.CudnnLstm({ I: 2, H: 2 }));
  } else {
    const l = new g.CudnnLstm({ I: 4, H: 5 });
    const a = args(3, 2, 4, 5);
    run('cudnn forward before setWeights', 'error', () => l.forward(a, true));
    run('cudnn setWeights wrong length', 'error', () => l.setWeights({ ...a, kernel: f32(3) }));
    run('cudnn setWeights', 'ok', () => l.setWeights(a));
    run('cudnn forward zero length row', 'error', () => l.forward({ ...a, seqLengths: Int32Array.from([0, 3]) }, true));
    run('cudnn forward T=0', 'error', () => l.forward({ ...a, T: 0 }, true));
    const fw = l.forward(a, true);
    run('cudnn backward with a non-saved value', 'error', () => l.backward({}, { T: 3, B: 2, dy: f32(30), dhT: f32(10), dcT: f32(10) }));
    run('cudnn backward wrong T', 'error', () => l.backward(fw.saved, { T: 2, B: 2, dy: f32(20), dhT: f32(10), dcT: f32(10) }));
    run('cudnn backward after a failed backward consumed saved', 'error', () => l.backward(fw.saved, { T: 3, B: 2, dy: f32(30), dhT: f32(10), dcT: f32(10) }));
  }
}
process.stdout.write(JSON.stringify(results) + '\n');
