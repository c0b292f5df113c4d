// fitAsync (issue #16): training that hands the event loop back, as tfjs's `await model.fit`.
//   * a timer keeps firing during fitAsync (and does not during the synchronous fit, which blocks as Keras's does);
//   * the same data, seed and weights give bit-identical history and weights with fit and fitAsync;
//   * async callback hooks are awaited before training goes on; the synchronous fit refuses them;
//   * tfjs's `callbacks: { onEpochEnd }` object form, with a misspelt hook refused;
//   * yieldEvery values, and one training run per model at a time.
import { expect } from 'chai';
import * as lt from '../../src/index.js';

const L = lt.keras.layers;

function model(): lt.keras.Sequential {
  lt.keras.clearSession();
  const m = new lt.keras.Sequential([new L.LSTM({ units: 16, kernelInitializer: new lt.keras.initializers.GlorotUniform({ seed: 1 }),
    recurrentInitializer: new lt.keras.initializers.Orthogonal({ seed: 2 }) }), new L.Dense({ units: 1, kernelInitializer: new lt.keras.initializers.GlorotUniform({ seed: 3 }) })]);
  m.compile({ optimizer: new lt.keras.optimizers.Adam({ learningRate: 0.01 }), loss: 'mse', metrics: ['mae'] });
  return m;
}
const x = lt.randomUniform([64, 20, 4], -1, 1, { seed: 5 });
const y = lt.randomUniform([64, 1], -1, 1, { seed: 6 });

describe('train: fitAsync yields to the event loop and awaits async callbacks', function () {
  this.timeout(60_000);

  it('a 10 ms timer keeps firing during fitAsync (yieldEvery batch); numbers identical to fit', async () => {
    const a = model();
    const syncH = a.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed: 3 });
    const b = model();
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 10);
    let ms = 0;
    try {
      // Enough epochs that training lasts well beyond the interval on a fast machine (native kernel: ~10 ms an epoch).
      const t0 = performance.now();
      const h = await b.fitAsync(x, y, { epochs: 3, batchSize: 8, verbose: 0, seed: 3, yieldEvery: 'batch' });
      expect(h.history).to.deep.equal(syncH.history);
      const h2 = await b.fitAsync(x, y, { epochs: 12, batchSize: 8, verbose: 0, seed: 4, yieldEvery: 'batch' });
      expect(h2.epoch).to.have.length(12);
      ms = performance.now() - t0;
    } finally {
      clearInterval(timer);
    }
    // 120 batches, each followed by a turn of the event loop: the interval ran during training, at least a
    // quarter of the ms/10 times it would fire idle (the fit itself takes the rest of the CPU).
    expect(ticks, `ticks during ${ms.toFixed(0)} ms of fitAsync`).to.be.at.least(Math.max(2, Math.floor(ms / 40)));
  });

  it('fit and fitAsync give identical weights', async () => {
    const a = model();
    a.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 3 });
    const b = model();
    await b.fitAsync(x, y, { epochs: 2, batchSize: 8, verbose: 0, seed: 3, yieldEvery: 'batch' });
    b.weights.forEach((w, i) => expect(Array.from(w.data), w.name).to.deep.equal(Array.from(a.weights[i].data)));
  });

  it('the synchronous fit blocks: no timer tick during it', () => {
    let ticks = 0;
    const timer = setInterval(() => { ticks++; }, 1);
    try {
      model().fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    } finally {
      clearInterval(timer);
    }
    expect(ticks).to.equal(0);
  });

  it('async hooks are awaited in order; the synchronous fit refuses them', async () => {
    const events: string[] = [];
    const hooks = {
      onEpochEnd: async (e: number): Promise<void> => {
        events.push(`end ${e} start`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`end ${e} done`);
      },
      onEpochBegin: (e: number): void => { events.push(`begin ${e}`); },
    };
    await model().fitAsync(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks: hooks, yieldEvery: 'never' });
    expect(events).to.deep.equal(['begin 0', 'end 0 start', 'end 0 done', 'begin 1', 'end 1 start', 'end 1 done']);
    expect(() => model().fit(x, y, { epochs: 1, batchSize: 32, verbose: 0, callbacks: hooks })).to.throw(/a callback returned a Promise .* use `await model.fitAsync/);
  });

  it("tfjs's callbacks object, and bad arguments", async () => {
    const seen: number[] = [];
    await model().fitAsync(x, y, { epochs: 2, batchSize: 32, verbose: 0, callbacks: { onEpochEnd: (e) => { seen.push(e); } } });
    expect(seen).to.deep.equal([0, 1]);
    expect(() => model().fit(x, y, { epochs: 1, verbose: 0, callbacks: { onEpochEnds: () => undefined } as never }))
      .to.throw(/fit: unknown callback hook 'onEpochEnds'; did you mean 'onEpochEnd'/);
    let err: unknown = null;
    await model().fitAsync(x, y, { epochs: 1, verbose: 0, yieldEvery: 'sometimes' as never }).catch((e) => { err = e; });
    expect(String(err)).to.match(/fitAsync: yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a number/);
    const m = model();
    const first = m.fitAsync(x, y, { epochs: 1, batchSize: 8, verbose: 0, yieldEvery: 'batch' });
    let err2: unknown = null;
    await m.fitAsync(x, y, { epochs: 1, verbose: 0 }).catch((e) => { err2 = e; });
    await first;
    expect(String(err2)).to.match(/fitAsync: this model is already training/);
  });
});
