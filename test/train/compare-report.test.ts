// What `lstm-ts compare` says besides its tables (src/train/compare-report.ts) and the pieces of --grads /
// --train-step that the TF reference files cannot pin down alone (src/train/compare.ts):
//   1. gradSeed by hand: c_o[i] = ((i·40503 + o·7919 + 1) mod 65536)/32768 − 1 at a few indices;
//   2. seededTargets shapes targets for the loss: class ids below C, one-hot rows, 0/1, uniform ranges;
//   3. explainDifferences picks its notes from the reference's run and the failing rows: the reference line;
//      cuDNN + TF32 on a GPU (naming the recurrent layers); rounding-sized failures (Eigen tanh/sigmoid, the
//      oneDNN message only when oneDNN was on); larger ones ("not float32 round-off"); outputs failing before
//      gradients; dropout in a training step; names on one side only; nothing beyond the reference line when all pass;
//   4. the HTML report is one self-contained page (no script, no external resource), escapes names, marks the
//      first divergence, and draws one bar per row on the tolerance scale (red past it, green within).
import { expect } from 'chai';
import * as lt from '../../src/index.js';
import { gradSeed, seededTargets, type CompareResult, type CompareRow } from '../../src/train/compare.js';
import { explainDifferences, formatCompareHtml, errorChartSvg, readReferenceMeta, type CompareSection } from '../../src/train/compare-report.js';

const L = lt.keras.layers;

const row = (key: string, maxAbs: number, ok: boolean, extra: Partial<CompareRow> = {}): CompareRow =>
  ({ key, shape: [2], maxAbs, maxRel: maxAbs, maxUlps: 1, worstIndex: 0, ratio: maxAbs / 1e-5, scale: 1, ok, ...extra });
const result = (rows: CompareRow[]): CompareResult => {
  const first = rows.find((r) => !r.ok);
  return { rows, firstDivergence: first ? first.key : null, ok: !first, tolerance: { abs: 1e-5, rel: 1e-5 } };
};
const metaOf = (m: object) => new Map([['__meta__', { dtype: 'uint8' as const, shape: [0], data: new TextEncoder().encode(JSON.stringify(m)) }]]);

describe('train: compare notes, report, gradient seeds and targets', () => {
  it('gradSeed by hand', () => {
    const c = gradSeed([3], 0);
    expect(Array.from(c)).to.deep.equal([1 / 32768 - 1, 40504 / 32768 - 1, ((2 * 40503 + 1) % 65536) / 32768 - 1]);
    expect(gradSeed([1], 1)[0]).to.equal(7920 / 32768 - 1);
    // index 70000 wraps: (70000·40503 + 1) mod 65536
    expect(gradSeed([70001], 0)[70000]).to.equal(((70000 * 40503 + 1) % 65536) / 32768 - 1);
    expect(gradSeed([2, 3, 4], 0).length).to.equal(24);
  });

  it('seededTargets fit the loss', () => {
    const t = seededTargets(['sparse_categorical_crossentropy', 'categorical_crossentropy', 'binary_crossentropy', 'mean_squared_error', 'poisson', null],
      [[4, 5, 3], [6, 4], [3, 2], [2, 2], [5], [2]], 7);
    expect(t.arrays[0].shape).to.deep.equal([4, 5]);
    expect(t.arrays[0].dtype).to.equal('int32');
    expect(Array.from(t.arrays[0].data as Int32Array).every((v) => v >= 0 && v < 3)).to.equal(true);
    const oh = t.arrays[1].data as Float32Array;
    for (let r = 0; r < 6; r++) expect(Array.from(oh.subarray(r * 4, r * 4 + 4)).sort()).to.deep.equal([0, 0, 0, 1]);
    expect(Array.from(t.arrays[2].data as Float32Array).every((v) => v === 0 || v === 1)).to.equal(true);
    expect(Array.from(t.arrays[3].data as Float32Array).every((v) => v >= -1 && v < 1)).to.equal(true);
    expect(Array.from(t.arrays[4].data as Float32Array).every((v) => v >= 0 && v < 2)).to.equal(true);
    expect(t.description[0]).to.match(/class ids in 0\.\.2 \(sparse_categorical_crossentropy\)/);
    // the same seed gives the same targets
    expect(Array.from(seededTargets(['mse'], [[2, 2]], 7).arrays[0].data as Float32Array)).to.deep.equal(Array.from(seededTargets(['mse'], [[2, 2]], 7).arrays[0].data as Float32Array));
  });

  it('explainDifferences: notes chosen from the run and the failing rows', () => {
    lt.keras.clearSession();
    const lstm = new L.LSTM({ units: 2, name: 'enc' });
    const drop = new L.Dropout({ rate: 0.2, name: 'drop' });
    const dense = new L.Dense({ units: 1, name: 'head' });
    const layers = [lstm, drop, dense];
    const cpu = readReferenceMeta(metaOf({ tensorflow: '2.21.0', keras: '3.15.1', gpus: [], onednn: true, tf32: true }));
    // everything passes: only the reference line
    expect(explainDifferences([{ name: 'outputs', result: result([row('enc/0/0', 1e-8, true)]) }], cpu, layers))
      .to.deep.equal(['reference: TensorFlow 2.21.0, Keras 3.15.1 on CPU, oneDNN on']);
    // rounding-sized failures on CPU with oneDNN on: Eigen and the oneDNN message
    const small = explainDifferences([{ name: 'gradients', result: result([row('grad/enc/1', 3e-5, false)]) }], cpu, layers);
    expect(small.join('\n')).to.match(/Eigen's rational approximations/).and.match(/TF_ENABLE_ONEDNN_OPTS=0/);
    expect(small.join('\n')).to.not.match(/more than rounding/);
    const noOnednn = readReferenceMeta(metaOf({ gpus: [], onednn: false }));
    const off = explainDifferences([{ name: 'outputs', result: result([row('enc/0/0', 3e-5, false)]) }], noOnednn, layers).join('\n');
    expect(off).to.match(/Eigen/).and.match(/oneDNN off/);
    expect(off).to.not.match(/TF_ENABLE_ONEDNN_OPTS/);
    // a real difference, in the outputs, with gradients failing after it
    const big = explainDifferences([
      { name: 'outputs', result: result([row('enc/0/0', 1e-8, true), row('head/0/0', 0.3, false)]) },
      { name: 'gradients', result: result([row('grad/head/0', 0.2, false)]) },
    ], cpu, layers).join('\n');
    expect(big).to.match(/2 failing row\(s\) differ by more than rounding \(first: outputs head\/0\/0, max abs 3\.00e-1\)/);
    expect(big).to.match(/the layer outputs already differ/);
    // a small difference after a real one is inherited, not rounding
    const after = explainDifferences([{ name: 'outputs', result: result([row('enc/0/0', 0.3, false), row('head/0/0', 3e-5, false)]) }], cpu, layers).join('\n');
    expect(after).to.match(/1 failing row\(s\) differ by more than rounding \(first: outputs enc\/0\/0/);
    expect(after).to.not.match(/rounding-sized/);
    // judged against the row's scale: 1e-6 on values of 1e-3 is not rounding
    expect(explainDifferences([{ name: 'outputs', result: result([row('enc/0/0', 1e-6, false, { scale: 1e-3 })]) }], cpu, layers).join('\n')).to.match(/more than rounding/);
    // a GPU reference with TF32: cuDNN for the recurrent layer, TF32 and how to turn it off
    const gpu = readReferenceMeta(metaOf({ tensorflow: '2.21.0', keras: '3.15.1', gpus: ['/physical_device:GPU:0'], onednn: true, tf32: true, jit_compile: true }));
    const g = explainDifferences([{ name: 'train step', result: result([row('step/enc/0', 1e-8, true)]) }], gpu, layers).join('\n');
    expect(g).to.match(/on GPU \(\/physical_device:GPU:0\).*TensorFloat-32 on/);
    expect(g).to.match(/cuDNN \(here: enc\)/).and.match(/enable_tensor_float_32_execution\(False\)/);
    expect(g).to.match(/XLA/);
    // a training step with dropout: random streams
    expect(g).to.match(/drop draws random masks or noise/);
    // names on one side only
    expect(explainDifferences([{ name: 'outputs', result: result([row('x/0/0', NaN, false, { note: 'missing in the reference', ratio: NaN })]) }], null, layers).join('\n'))
      .to.match(/exist on one side only/);
    // no meta (an old reference): no reference line
    expect(explainDifferences([{ name: 'outputs', result: result([row('a/0/0', 0, true)]) }], null, layers)).to.deep.equal([]);
  });

  it('the HTML report: self-contained, escaped, one bar per row on the tolerance scale', () => {
    const sections: CompareSection[] = [
      { name: 'outputs', result: result([row('d<1>/0/0', 0, true, { ratio: 0 }), row('enc/0/0', 1e-3, false), row('head/0/0', 2e-6, true)]) },
      { name: 'gradients', result: result([row('grad/head/0', 1e-7, true, { label: 'head/kernel' })]) },
    ];
    const html = formatCompareHtml({ model: 'm<x>.keras', sections, notes: ['a & b'], inputs: ['x [2, 3]: uniform(-1, 1)'] });
    expect(html.startsWith('<!DOCTYPE html>')).to.equal(true);
    expect(html).to.not.match(/<script|<link|src=|href=|@import|url\(/);
    // the only URL is the SVG namespace
    expect(html.match(/https?:\/\/[^"]*/g)).to.deep.equal(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']);
    expect(html).to.include('m&lt;x&gt;.keras').and.include('d&lt;1&gt;/0/0').and.include('a &amp; b');
    expect(html).to.not.include('d<1>');
    expect(html).to.match(/first in outputs, at enc\/0\/0/);
    expect(html).to.match(/<tr class="bad first"><td>enc\/0\/0<\/td>/);
    expect(html).to.include('<small>(head/kernel)</small>');
    const svg = errorChartSvg(sections[0].result.rows, 'enc/0/0');
    const rects = [...svg.matchAll(/<rect x="(\d+(?:\.\d+)?)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#[0-9a-f]+)"/g)];
    expect(rects.map((r) => r[3])).to.deep.equal(['#3a3', '#d33', '#3a3']);
    // bar ends on a log axis from 1e-6 to 1e3 over 420 px: exact at the left edge, 100× tolerance at 8/9, 0.2× at 5.3/9
    const w = rects.map((r) => Number(r[2]));
    expect(w[0]).to.equal(1);
    expect(w[1]).to.be.closeTo((8 / 9) * 420, 1e-9);
    expect(w[2]).to.be.closeTo(((Math.log10(0.2) + 6) / 9) * 420, 1e-9);
    expect(svg).to.match(/font-weight="bold">enc\/0\/0</);
  });
});
