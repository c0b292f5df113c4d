import { expect } from 'chai';
import { tensor } from '../../src/index.js';
import {
  selectLstmBackend, registerLstmBackend, getLstmBackend, unregisterLstmBackend, maskToSeqLengths, callMacs, NATIVE_MIN_MACS,
  type LstmSelectRequest,
} from '../../src/kernels/select.js';
import type { LstmBackend, LstmBackendName } from '../../src/kernels/types.js';
import { tsLstmBackend } from '../../src/kernels/ts.js';

// A stand-in native backend: only availability/rejects matter for selection.
function fake(name: LstmBackendName, available: string | null, rejects: string | null = null): LstmBackend {
  return {
    name,
    availability: () => (available === null ? { ok: true } : { ok: false, reason: available }),
    rejects: () => rejects,
    forward: tsLstmBackend.forward,
    backward: tsLstmBackend.backward,
  };
}

const base: LstmSelectRequest = {
  activation: 'tanh', recurrentActivation: 'sigmoid', recurrentDropout: 0, unroll: false, useBias: true, dtype: 'float32',
};

describe('kernels/select: maskToSeqLengths', () => {
  it('batch-major [B, T]: lengths, right padding, fully masked rows', () => {
    const m = maskToSeqLengths([[1, 1, 0], [1, 1, 1], [1, 0, 0]]);
    expect(Array.from(m.lengths)).to.deep.equal([2, 3, 1]);
    expect(m.rightPadded).to.equal(true);
    expect(m.fullyMaskedRow).to.equal(false);
    const left = maskToSeqLengths([[0, 1, 1], [1, 1, 1]]);
    expect(Array.from(left.lengths)).to.deep.equal([2, 3]);
    expect(left.rightPadded).to.equal(false);
    const hole = maskToSeqLengths([[true, false, true]]);
    expect(hole.rightPadded).to.equal(false);
    const empty = maskToSeqLengths([[0, 0, 0], [1, 0, 0]]);
    expect(empty.rightPadded).to.equal(true);
    expect(empty.fullyMaskedRow).to.equal(true);
  });
  it('time-major [T, B] and Tensor masks', () => {
    const m = maskToSeqLengths(tensor([[1, 1], [1, 0], [0, 0]]), { timeMajor: true }); // rows are time steps
    expect(Array.from(m.lengths)).to.deep.equal([2, 1]);
    expect(m.rightPadded).to.equal(true);
    expect(() => maskToSeqLengths(tensor([1, 0]))).to.throw(/maskToSeqLengths: mask must be 2-D.*got shape \[2\]/);
    expect(() => maskToSeqLengths([[1, 0], [1]])).to.throw(/row 1 has 1/);
  });
});

describe('kernels/select: selectLstmBackend', () => {
  let saved: Partial<Record<LstmBackendName, LstmBackend>> = {};
  beforeEach(() => {
    saved = {};
    for (const n of ['native-cpu', 'cudnn'] as const) {
      const b = getLstmBackend(n);
      if (b) saved[n] = b;
      unregisterLstmBackend(n);
    }
  });
  afterEach(() => {
    for (const n of ['native-cpu', 'cudnn'] as const) {
      unregisterLstmBackend(n);
      if (saved[n]) registerLstmBackend(saved[n]!);
    }
  });

  it('auto without the addon: the fused TS kernel, saying why native backends were not used', () => {
    const s = selectLstmBackend(base);
    expect(s.name).to.equal('ts');
    expect(s.backend).to.equal(tsLstmBackend);
    expect(s.reasons).to.include.members(['generic: not needed (ts was chosen)']);
    expect(s.reasons.join('\n')).to.match(/^cudnn: not registered \(the native addon was not built/m);
    expect(s.reasons.join('\n')).to.match(/^native-cpu: not registered/m);
  });

  const ruleCases: [string, Partial<LstmSelectRequest>, RegExp][] = [
    ['activation', { activation: 'relu' }, /activation='relu' \(the fused kernel needs 'tanh'\)/],
    ['activation None', { activation: null }, /activation=None/],
    ['recurrent_activation', { recurrentActivation: 'hard_sigmoid' }, /recurrent_activation='hard_sigmoid' \(the fused kernel needs 'sigmoid'\)/],
    ['recurrent_dropout', { recurrentDropout: 0.2 }, /recurrent_dropout=0.2 \(the fused kernel needs 0\)/],
    ['unroll', { unroll: true }, /unroll=True/],
    ['use_bias', { useBias: false }, /use_bias=False/],
    ['left-padded mask', { mask: maskToSeqLengths([[0, 1, 1], [1, 1, 1]]) }, /not strictly right-padded/],
    ['fully masked row', { mask: maskToSeqLengths([[1, 1, 0], [0, 0, 0]]) }, /fully masked row/],
  ];
  for (const [rule, change, text] of ruleCases) {
    it(`rule "${rule}" flips ts -> generic (auto and 'ts') and cudnn -> generic, with the reason`, () => {
      expect(selectLstmBackend({ ...base }).name).to.equal('ts');
      const s = selectLstmBackend({ ...base, ...change });
      expect(s.name).to.equal('generic');
      expect(s.backend).to.equal(null);
      const ts = s.reasons.find((r) => r.startsWith('ts: '));
      expect(ts).to.match(text);
      expect(selectLstmBackend({ ...base, ...change, backend: 'ts' }).name).to.equal('generic');
      registerLstmBackend(fake('cudnn', null));
      expect(selectLstmBackend({ ...base }).name).to.equal('cudnn');
      const c = selectLstmBackend({ ...base, ...change });
      expect(c.name).to.equal('generic');
      expect(c.reasons.find((r) => r.startsWith('cudnn: '))).to.match(text);
    });
  }

  it('a right-padded mask with all rows non-empty keeps the fused kernel', () => {
    expect(selectLstmBackend({ ...base, mask: maskToSeqLengths([[1, 1, 0], [1, 0, 0]]) }).name).to.equal('ts');
  });

  it('auto order cudnn > native-cpu > ts, skipping unavailable ones with their reason', () => {
    registerLstmBackend(fake('native-cpu', null));
    expect(selectLstmBackend(base).name).to.equal('native-cpu');
    registerLstmBackend(fake('cudnn', 'no CUDA device found'));
    const s = selectLstmBackend(base);
    expect(s.name).to.equal('native-cpu');
    expect(s.reasons).to.include('cudnn: no CUDA device found');
    expect(s.reasons).to.include('ts: not needed (native-cpu was chosen first)');
    registerLstmBackend(fake('cudnn', null));
    expect(selectLstmBackend(base).name).to.equal('cudnn');
  });

  it('float64 goes to the TS kernel: native backends compute in float32 only', () => {
    registerLstmBackend(fake('cudnn', null));
    registerLstmBackend(fake('native-cpu', null));
    const s = selectLstmBackend({ ...base, dtype: 'float64' });
    expect(s.name).to.equal('ts');
    expect(s.reasons).to.include('cudnn: dtype float64 (cudnn computes in float32 only)');
  });

  it('auto keeps calls too small for the addon in TypeScript (NATIVE_MIN_MACS per cell, a separate one with a backward); forcing native-cpu still runs it', () => {
    registerLstmBackend(fake('native-cpu', null));
    // T·B·(I+H)·4H: 1·1·(2+2)·8 = 32 multiply-adds, well under the measured crossover (bench/small-calls.ts).
    const tiny = selectLstmBackend({ ...base, dims: { T: 1, B: 1, I: 2, H: 2 } });
    expect(tiny.name).to.equal('ts');
    expect(tiny.reasons).to.include('native-cpu: the call is too small for the addon (T·B·(I+H)·4H = 32 multiply-adds < 960: its fixed cost per call is more than the work, the fused TS kernel is faster)');
    // Exactly at the inference threshold the addon is used: 30·1·(2+2)·8 = 960 ≥ 960; one step fewer is not.
    expect(callMacs({ T: 30, B: 1, I: 2, H: 2 }, 4)).to.equal(960);
    expect(selectLstmBackend({ ...base, dims: { T: 30, B: 1, I: 2, H: 2 } }).name).to.equal('native-cpu');
    expect(callMacs({ T: 29, B: 1, I: 2, H: 2 }, 4)).to.equal(928);
    expect(selectLstmBackend({ ...base, dims: { T: 29, B: 1, I: 2, H: 2 } }).name).to.equal('ts');
    // A call with a backward has its own threshold (the LSTM's is 512): 480 stays in TypeScript, 512 does not.
    expect(callMacs({ T: 15, B: 1, I: 2, H: 2 }, 4)).to.equal(480);
    const withBackward = selectLstmBackend({ ...base, dims: { T: 15, B: 1, I: 2, H: 2 }, withBackward: true });
    expect(withBackward.name).to.equal('ts');
    expect(withBackward.reasons).to.include('native-cpu: the call is too small for the addon (T·B·(I+H)·4H = 480 multiply-adds < 512 for a call with a backward: its fixed cost per call is more than the work, the fused TS kernel is faster)');
    expect(callMacs({ T: 16, B: 1, I: 2, H: 2 }, 4)).to.equal(512);
    expect(selectLstmBackend({ ...base, dims: { T: 16, B: 1, I: 2, H: 2 }, withBackward: true }).name).to.equal('native-cpu');
    // ... while inference of that call stays in TypeScript (960 for the LSTM)
    expect(selectLstmBackend({ ...base, dims: { T: 16, B: 1, I: 2, H: 2 } }).name).to.equal('ts');
    // Without dims (size unknown) nothing is assumed; forcing the backend bypasses the size rule.
    expect(selectLstmBackend(base).name).to.equal('native-cpu');
    expect(selectLstmBackend({ ...base, dims: { T: 1, B: 1, I: 2, H: 2 }, backend: 'native-cpu' }).name).to.equal('native-cpu');
    expect(NATIVE_MIN_MACS).to.deep.equal({
      lstm: { inference: 960, training: 512 }, gru: { inference: 192, training: 192 }, simpleRnn: { inference: 240, training: 384 },
    });
  });

  it("a backend's own rejects() reason is reported", () => {
    registerLstmBackend(fake('native-cpu', null, 'H=100000 exceeds the addon limit'));
    const s = selectLstmBackend({ ...base, dims: { T: 1, B: 1, I: 1, H: 100000 } });
    expect(s.name).to.equal('ts');
    expect(s.reasons).to.include('native-cpu: H=100000 exceeds the addon limit');
  });

  it("'ts' never picks a native backend; forbid removes a backend from auto", () => {
    registerLstmBackend(fake('cudnn', null));
    const s = selectLstmBackend({ ...base, backend: 'ts' });
    expect(s.name).to.equal('ts');
    expect(s.reasons[0]).to.match(/cudnn: not considered \(backend 'ts'/);
    const f = selectLstmBackend({ ...base, forbid: ['cudnn'] });
    expect(f.name).to.equal('ts');
    expect(f.reasons).to.include('cudnn: forbidden by the forbid option');
  });

  it('forcing a backend that cannot run throws, naming why', () => {
    expect(() => selectLstmBackend({ ...base, backend: 'cudnn' })).to.throw(/LSTM: backend 'cudnn' was requested but cannot run this call: not registered/);
    registerLstmBackend(fake('cudnn', 'no CUDA device found'));
    expect(() => selectLstmBackend({ ...base, backend: 'cudnn' })).to.throw(/cannot run this call: no CUDA device found/);
    registerLstmBackend(fake('native-cpu', null));
    expect(() => selectLstmBackend({ ...base, backend: 'native-cpu', recurrentDropout: 0.5 })).to.throw(/'native-cpu'.*recurrent_dropout=0.5/);
    expect(() => selectLstmBackend({ ...base, backend: 'native-cpu', dtype: 'float64' })).to.throw(/dtype float64/);
    const s = selectLstmBackend({ ...base, backend: 'native-cpu' });
    expect(s.name).to.equal('native-cpu');
    expect(() => selectLstmBackend({ ...base, backend: 'gpu' as never })).to.throw(/backend must be one of 'auto', 'ts', 'native-cpu', 'cudnn', got 'gpu'/);
  });

  it('the registry validates backends', () => {
    expect(() => registerLstmBackend({ ...fake('cudnn', null), name: 'tpu' as never })).to.throw(/registerLstmBackend: backend.name must be one of/);
    expect(() => registerLstmBackend({ ...fake('cudnn', null), forward: undefined as never })).to.throw(/has no forward\(\)/);
    expect(() => unregisterLstmBackend('ts')).to.throw(/always registered/);
  });
});
