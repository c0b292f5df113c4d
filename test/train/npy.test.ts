// The .npy / .npz reader and writer (src/train/npy.ts) against files NumPy 2.4 wrote (test/fixtures/generate_npy.py):
//   1. every file reads to the dtype, shape and C-order values NumPy recorded (big-endian, Fortran order, format
//      versions 2.0 and 3.0, int64 beyond 2^53, ±inf, -0, denormals, 0-d and empty arrays);
//   2. for arrays np.save wrote from little-endian C-order data, writeNpy produces the same bytes (header padding
//      included: the 36-axis file is the case where NumPy pads a full 64 bytes);
//   3. np.savez (stored) and np.savez_compressed (deflate) archives read by name; writeNpz → readNpz round trip;
//   4. with a Python that has NumPy (/opt/tfenv or python3), NumPy loads what writeNpz wrote (skipped with the
//      reason otherwise);
//   5. bad input is refused with the reason: no magic, unknown version, object / structured / complex dtypes,
//      truncated data, a bool byte of 2, wrong data types and lengths on write.
//   6. arraysFromJson: nested JSON arrays (one, or an object by name) to float32 / bool arrays, shapes from the
//      nesting; ragged nesting, mixed leaves and non-JSON refused with the array and the place.
import { expect } from 'chai';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, readNpz, writeNpy, writeNpz, arraysFromJson, type NpyArray, type NpyDtype } from '../../src/train/npy.js';
import { zipStored } from '../../src/train/zip.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/npy');

interface Desc { dtype: NpyDtype; shape: number[]; values: (number | string)[] }
interface Manifest { numpy: string; files: { file: string; kind: 'npy' | 'npz'; sameBytes?: boolean; arrays: Record<string, Desc> }[] }
const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;

/** A manifest value as JS has it: int64 stay decimal strings; 'inf' / '-inf' / 'nan' are the non-finite floats. */
function val(v: number | string, dtype: NpyDtype): number | string {
  if (dtype === 'int64' || typeof v === 'number') return v;
  return v === 'inf' ? Infinity : v === '-inf' ? -Infinity : NaN;
}

function same(a: NpyArray, d: Desc, what: string): void {
  expect(a.dtype, `${what} dtype`).to.equal(d.dtype);
  expect(a.shape, `${what} shape`).to.deep.equal(d.shape);
  const got = Array.from(a.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
  expect(got.length, `${what} length`).to.equal(d.values.length);
  got.forEach((v, i) => {
    // Object.is: -0 stays -0, NaN would equal NaN
    if (!Object.is(v, val(d.values[i], d.dtype))) expect.fail(`${what}[${i}] = ${String(v)}, NumPy wrote ${String(d.values[i])}`);
  });
}

function fromDesc(d: Desc): NpyArray {
  const n = d.values.length;
  const mk: Record<NpyDtype, () => NpyArray['data']> = {
    float32: () => Float32Array.from(d.values, (v) => val(v, 'float32') as number), float64: () => Float64Array.from(d.values, (v) => val(v, 'float64') as number),
    int8: () => Int8Array.from(d.values as number[]), int16: () => Int16Array.from(d.values as number[]),
    int32: () => Int32Array.from(d.values as number[]), int64: () => BigInt64Array.from(d.values as string[], (s) => BigInt(s)),
    uint8: () => Uint8Array.from(d.values as number[]), uint16: () => Uint16Array.from(d.values as number[]),
    uint32: () => Uint32Array.from(d.values as number[]), bool: () => Uint8Array.from(d.values as number[]),
  };
  const data = mk[d.dtype]();
  expect(data.length).to.equal(n);
  return { dtype: d.dtype, shape: d.shape, data };
}

describe('train: .npy / .npz against NumPy', () => {
  it(`reads every file NumPy ${manifest.numpy} wrote to the recorded dtype, shape and values`, () => {
    expect(manifest.files.length).to.be.at.least(19);
    for (const f of manifest.files) {
      const buf = new Uint8Array(readFileSync(path.join(dir, f.file)));
      if (f.kind === 'npy') same(readNpy(buf, f.file), f.arrays[''], f.file);
      else {
        const m = readNpz(buf, f.file);
        expect([...m.keys()], `${f.file} members`).to.deep.equal(Object.keys(f.arrays));
        for (const [k, d] of Object.entries(f.arrays)) same(m.get(k)!, d, `${f.file}:${k}`);
      }
    }
  });

  it('writeNpy gives np.save\'s bytes for every little-endian C-order array (header and padding included)', () => {
    const cases = manifest.files.filter((f) => f.kind === 'npy' && f.sameBytes);
    expect(cases.map((f) => f.file)).to.include('f4_36_axes.npy');
    for (const f of cases) {
      const want = new Uint8Array(readFileSync(path.join(dir, f.file)));
      const got = writeNpy(fromDesc(f.arrays['']), f.file);
      expect(Buffer.from(got).equals(Buffer.from(want)), `${f.file}: ${got.length} bytes vs NumPy's ${want.length}`).to.equal(true);
    }
  });

  it('writeNpz → readNpz round trip keeps names, order, dtypes and values', () => {
    const f = manifest.files.find((x) => x.file === 'savez.npz')!;
    const arrays = Object.fromEntries(Object.entries(f.arrays).map(([k, d]) => [k, fromDesc(d)]));
    const back = readNpz(writeNpz(arrays));
    expect([...back.keys()]).to.deep.equal(['x', 'ids', 'mask']);
    for (const [k, d] of Object.entries(f.arrays)) same(back.get(k)!, d, `round trip ${k}`);
  });

  it('NumPy loads what writeNpz wrote (live, when a Python with NumPy is found)', function () {
    const py = ['/opt/tfenv/bin/python', 'python3'].find((p) => spawnSync(p, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0);
    if (!py) {
      console.log('      [skipped] no Python with NumPy (tried /opt/tfenv/bin/python, python3)');
      this.skip();
    }
    const tmp = mkdtempSync(path.join(tmpdir(), 'lstm-ts-npz-'));
    const file = path.join(tmp, 'ours.npz');
    writeFileSync(file, writeNpz({
      a: { dtype: 'float32', shape: [2, 2], data: Float32Array.from([1, -2.5, 3e-8, 4]) },
      big: { dtype: 'int64', shape: [2], data: BigInt64Array.from([2n ** 60n + 1n, -7n]) },
      m: { dtype: 'bool', shape: [3], data: Uint8Array.from([1, 0, 1]) },
      'grp/s': { dtype: 'float64', shape: [], data: Float64Array.from([Math.PI]) },  // a '/' name, as np.savez writes them
    }));
    const r = spawnSync(py!, ['-c', `import numpy as np, json, sys
z = np.load(sys.argv[1])
print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), [str(v) for v in z[k].ravel().tolist()]] for k in z.files}))`, file], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const got = JSON.parse(r.stdout) as Record<string, [string, number[], string[]]>;
    expect(Object.keys(got)).to.deep.equal(['a', 'big', 'm', 'grp/s']);
    expect(got.a.slice(0, 2)).to.deep.equal(['float32', [2, 2]]);
    // Python's repr of each float32 (as a double) parses back to exactly the float32 we wrote.
    expect(got.a[2].map(Number)).to.deep.equal(Array.from(Float32Array.from([1, -2.5, 3e-8, 4])));
    expect(got.big).to.deep.equal(['int64', [2], ['1152921504606846977', '-7']]);
    expect(got.m).to.deep.equal(['bool', [3], ['True', 'False', 'True']]);
    expect(got['grp/s']).to.deep.equal(['float64', [], ['3.141592653589793']]);
  });

  it('refuses what it cannot read or write, naming the reason', () => {
    const ok = new Uint8Array(readFileSync(path.join(dir, 'f4_2x3.npy')));
    expect(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).to.throw(/x\.npy: not a \.npy file/);
    const v9 = ok.slice(); v9[6] = 9;
    expect(() => readNpy(v9)).to.throw(/unsupported \.npy format version 9\.0/);
    const hdr = (descr: string) => writeHeaderOnly(`{'descr': ${descr}, 'fortran_order': False, 'shape': (1,), }`);
    expect(() => readNpy(hdr("'|O'"))).to.throw(/dtype '\|O' is not supported/);
    expect(() => readNpy(hdr("'<c8'"))).to.throw(/dtype '<c8' is not supported/);
    expect(() => readNpy(hdr("[('a', '<f4')]"))).to.throw(/structured dtypes are not supported/);
    expect(() => readNpy(ok.subarray(0, ok.length - 1), 'cut.npy')).to.throw(/cut\.npy: shape \(2, 3\) of <f4 needs 24 data bytes, the file has 23/);
    const b = new Uint8Array(readFileSync(path.join(dir, 'bool_mask.npy'))); b[b.length - 1] = 2;
    expect(() => readNpy(b)).to.throw(/bool element 5 is 2, not 0 or 1/);
    expect(() => writeNpy({ dtype: 'float32', shape: [2], data: new Float64Array(2) as unknown as Float32Array })).to.throw(/data must be a Float32Array for dtype float32, got Float64Array/);
    expect(() => writeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(2) })).to.throw(/data has 2 elements, shape \[3\] needs 3/);
    expect(() => writeNpy({ dtype: 'float16' as NpyDtype, shape: [1], data: new Float32Array(1) })).to.throw(/dtype must be one of/);
    for (const bad of ['/a', 'a//b', 'a/', '../a', 'a/./b']) {
      expect(() => writeNpz({ [bad]: { dtype: 'float32', shape: [], data: new Float32Array(1) } }), bad).to.throw(/no empty, '\.' or '\.\.' part/);
    }
    // A .npz member that is not NAME.npy (here: a .keras-like archive member) is refused by name.
    expect(() => readNpz(zipStored([{ name: 'config.json', data: new Uint8Array([123, 125]) }]), 'm.keras')).to.throw(/m\.keras: member 'config\.json' is not a \.npy file/);
  });

  it('arraysFromJson: nested arrays by name, shapes from the nesting, refusals name the array and the place', () => {
    const one = arraysFromJson('[[1, 2.5, -3], [4, 5, 6]]');
    expect([...one.keys()]).to.deep.equal(['x']);
    expect(one.get('x')!.shape).to.deep.equal([2, 3]);
    expect(one.get('x')!.dtype).to.equal('float32');
    expect(Array.from(one.get('x')!.data as Float32Array)).to.deep.equal([1, 2.5, -3, 4, 5, 6]);
    const two = arraysFromJson('{"a": [[[0.5]], [[1]]], "m": [true, false], "s": 3, "e": []}');
    expect(two.get('a')!.shape).to.deep.equal([2, 1, 1]);
    expect(two.get('m')!).to.deep.include({ dtype: 'bool', shape: [2] });
    expect(Array.from(two.get('m')!.data as Uint8Array)).to.deep.equal([1, 0]);
    expect(two.get('s')!.shape).to.deep.equal([]);
    expect(two.get('e')!.shape).to.deep.equal([0]);
    expect(() => arraysFromJson('[[1, 2], [3]]', 'in.json')).to.throw(/in\.json: 'x' is not rectangular: \[1\] has 1 elements, expected 2 \(shape \[2, 2\]\)/);
    expect(() => arraysFromJson('[[1, 2], 3]')).to.throw(/\[1\] has a scalar, expected 2/);
    expect(() => arraysFromJson('[1, [2]]')).to.throw(/'x'\[1\] is nested deeper than its first element/);
    expect(() => arraysFromJson('{"a": [1, "2"]}')).to.throw(/'a': element 1 is "2"; expected numbers/);
    expect(() => arraysFromJson('{"a": [1, true]}')).to.throw(/'a': element 1 is true/);
    expect(() => arraysFromJson('null')).to.throw(/expected a nested array or an object of nested arrays, got null/);
    expect(() => arraysFromJson('[1,')).to.throw(/not JSON/);
  });
});

/** A .npy 1.0 file with the given header text and 16 zero data bytes (for the refusal cases). */
function writeHeaderOnly(header: string): Uint8Array {
  const h = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + h.length + 16);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, h.length, true);
  for (let i = 0; i < h.length; i++) out[10 + i] = h.charCodeAt(i);
  return out;
}
