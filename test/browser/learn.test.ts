/// <reference lib="dom" />
// The explorable of `npm run learn` (learn/), built as the command builds it and opened in headless Chromium:
//   * it loads in under 2 s with no console errors, offline (every request goes to the local server);
//   * stepping (button, and the slider by keyboard) changes the displayed gate values to the numbers the
//     library computes in Node for the same input: lt.reference's gates, and the hidden state of the LSTM /
//     GRU / SimpleRNN layer itself (LSTM.apply with the same seeded initializers, not the page's code);
//   * masking and go_backwards change the view as Keras's semantics say (masked steps carry h over);
//   * every control has an accessible name; the training run lowers the LSTM's loss, to Node's numbers.
// Screenshots go to test-output/learn/ (not committed) for a reviewer to look at.
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import * as lt from '../../src/index.js';
import { buildLearn } from '../../learn/build.js';
import { CELL_PARTS, DEFAULT_CONFIG, runCell, trainingRun, type CellConfig } from '../../learn/model.js';
import { launch, requireChromium, root, serve } from './harness.js';

const shots = join(root, 'test-output', 'learn');

/** The values table of the current step, as the page shows it: part → unit values. */
async function shown(page: Page): Promise<Record<string, number[]>> {
  return page.evaluate(() => {
    const out: Record<string, number[]> = {};
    document.querySelectorAll<HTMLElement>('#values td[data-part]').forEach((td) => {
      (out[td.dataset.part!] ??= [])[Number(td.dataset.unit)] = Number(td.dataset.value);
    });
    return out;
  });
}

/** The layer's own outputs in Node (not learn/model.ts): the same seeds as the page, return_sequences. */
function layerOutputs(c: CellConfig): number[][] {
  const x = lt.tensor(Float32Array.from(c.sequence), { shape: [1, c.sequence.length, 1] });
  const init = { units: c.units, returnSequences: true, goBackwards: c.goBackwards,
    kernelInitializer: lt.keras.initializers.glorotUniform({ seed: c.seed }), recurrentInitializer: lt.keras.initializers.orthogonal({ seed: c.seed + 1 }) };
  const layer = c.cell === 'LSTM' ? new lt.keras.layers.LSTM({ ...init, unitForgetBias: c.unitForgetBias })
    : c.cell === 'GRU' ? new lt.keras.layers.GRU(init) : new lt.keras.layers.SimpleRNN(init);
  const input = c.maskZeros ? new lt.keras.layers.Masking({ maskValue: 0 }).apply(x) : x;
  const y = layer.apply(input) as lt.Tensor;
  return Array.from({ length: c.sequence.length }, (_, s) => Array.from(y.data.subarray(s * c.units, (s + 1) * c.units)));
}

function expectValues(got: Record<string, number[]>, want: Record<string, number[]>, what: string): void {
  for (const [k, v] of Object.entries(want)) {
    expect(got[k], `${what}: ${k} shown`).to.have.length(v.length);
    v.forEach((x, u) => expect(Math.abs(got[k][u] - x), `${what}: ${k}[${u}] ${got[k][u]} vs ${x}`).to.be.at.most(1e-6));
  }
}

describe('browser: the explorable (npm run learn) in headless Chromium', function () {
  this.timeout(240_000);
  let dir = '';
  let browser: Browser | null = null;
  let server: { url: string; close: () => Promise<void> } | null = null;
  let page: Page;
  const errors: string[] = [];
  const foreign: string[] = [];
  let loadMs = 0;

  before(async function () {
    requireChromium(this);
    dir = mkdtempSync(join(tmpdir(), 'lstm-ts-learn-'));
    await buildLearn(dir);
    server = await serve({ '/': dir });
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => { if (!r.url().startsWith(server!.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    mkdirSync(shots, { recursive: true });
    const t0 = performance.now();
    await page.goto(`${server.url}/`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    loadMs = performance.now() - t0;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads in under 2 s, offline, without console errors', async () => {
    console.log(`      loaded and computed in ${loadMs.toFixed(0)} ms`);
    expect(loadMs).to.be.below(2000);
    expect(errors).to.deep.equal([]);
    expect(foreign, 'requests that leave the local server').to.deep.equal([]);
    await page.screenshot({ path: join(shots, '1-loaded.png'), fullPage: true });
  });

  it('every control has an accessible name; the stepper works from the keyboard', async () => {
    const unnamed = await page.evaluate(() => Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>('input, select, button'))
      .filter((e) => !(e.labels && e.labels.length > 0) && !e.getAttribute('aria-label') && !(e instanceof HTMLButtonElement && e.textContent!.trim()))
      .map((e) => e.id || e.outerHTML));
    expect(unnamed).to.deep.equal([]);
    await page.getByRole('button', { name: 'Next step' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.locator('#step-label').textContent()).to.match(/^Step 2 of 6/);
    await page.getByLabel('Step', { exact: true }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#step-label').textContent()).to.match(/^Step 3 of 6/);
    await page.keyboard.press('Home');
    expect(await page.locator('#step-label').textContent()).to.match(/^Step 1 of 6/);
  });

  it('stepping shows the numbers the library computes in Node: reference gates and the layer\'s hidden state', async () => {
    const ref = runCell(lt, DEFAULT_CONFIG);
    const layer = layerOutputs(DEFAULT_CONFIG);
    for (let s = 0; s < DEFAULT_CONFIG.sequence.length; s++) {
      if (s > 0) await page.getByRole('button', { name: 'Next step' }).click();
      const got = await shown(page);
      expectValues(got, ref.steps[s], `LSTM step ${s}`);
      expectValues({ h: got.h }, { h: layer[s] }, `LSTM step ${s} vs LSTM.apply`);
    }
    expect(await page.getByRole('button', { name: 'Next step' }).isDisabled()).to.equal(true);
    await page.screenshot({ path: join(shots, '2-lstm-last-step.png') });
  });

  it('GRU and SimpleRNN, masks and go_backwards: the same check after each change', async () => {
    const cases: [string, Partial<CellConfig>, () => Promise<void>][] = [
      ['GRU', { cell: 'GRU' }, async () => { await page.getByLabel('Cell', { exact: true }).selectOption('GRU'); }],
      ['GRU, masked zeros', { cell: 'GRU', maskZeros: true }, async () => { await page.getByLabel(/mask steps whose input is 0/).check(); }],
      ['SimpleRNN, masked, go_backwards', { cell: 'SimpleRNN', maskZeros: true, goBackwards: true }, async () => {
        await page.getByLabel('Cell', { exact: true }).selectOption('SimpleRNN');
        await page.getByLabel('go_backwards').check();
      }],
      ['LSTM, no unit_forget_bias, edited sequence', { cell: 'LSTM', maskZeros: true, goBackwards: true, unitForgetBias: false, sequence: [1, 0, -0.5, 0.25] }, async () => {
        await page.getByLabel('Cell', { exact: true }).selectOption('LSTM');
        await page.getByLabel(/unit_forget_bias/).uncheck();
        await page.getByLabel(/Input sequence/).fill('1, 0, -0.5, 0.25');
        await page.getByLabel(/Input sequence/).press('Enter');
      }],
    ];
    for (const [what, change, act] of cases) {
      await act();
      const c: CellConfig = { ...DEFAULT_CONFIG, ...change };
      const ref = runCell(lt, c);
      const layer = layerOutputs(c);
      await page.getByLabel('Step', { exact: true }).focus();
      await page.keyboard.press('Home');
      for (let s = 0; s < c.sequence.length; s++) {
        if (s > 0) await page.keyboard.press('ArrowRight');
        const got = await shown(page);
        expect(Object.keys(got)).to.have.members(CELL_PARTS[c.cell].map((p) => p.key));
        expectValues(got, ref.steps[s], `${what} step ${s}`);
        expectValues({ h: got.h }, { h: layer[s] }, `${what} step ${s} vs the layer`);
        const label = await page.locator('#step-label').textContent();
        const t = c.goBackwards ? c.sequence.length - 1 - s : s;
        expect(label, what).to.contain(`time t = ${t}`);
        if (c.maskZeros && c.sequence[t] === 0) expect(label, `${what}: masked step`).to.contain('masked');
      }
      await page.screenshot({ path: join(shots, `3-${what.replace(/[^a-zA-Z]+/g, '-')}.png`) });
    }
    const bad = await page.getByLabel(/Input sequence/);
    await bad.fill('1, two, 3');
    await bad.press('Enter');
    expect(await page.locator('#sequence-error').textContent()).to.equal("'two' is not a number");
    expect(await bad.getAttribute('aria-invalid')).to.equal('true');
  });

  it('training in the page lowers the LSTM\'s loss below the baseline, with Node\'s numbers, and redraws the BPTT chart', async () => {
    const epochs = 40;
    await page.getByLabel('Epochs').fill(String(epochs));
    await page.getByRole('button', { name: 'Train both on the adding problem' }).click();
    await page.waitForSelector('#train-status[data-done="true"]', { timeout: 120_000 });
    const losses = JSON.parse((await page.locator('#losses').getAttribute('data-losses'))!) as { LSTM: number[]; SimpleRNN: number[] };
    expect(losses.LSTM).to.have.length(epochs);
    expect(losses.LSTM[epochs - 1]).to.be.below(losses.LSTM[0]);
    expect(losses.LSTM[epochs - 1], 'LSTM below the predict-1.0 baseline').to.be.below(1 / 6 / 2);
    const node = trainingRun(lt, { T: 30, units: 16, batch: 32, batchesPerEpoch: 10, seed: 1, lr: 0.01 });
    for (let e = 0; e < epochs; e++) node.epoch();
    for (const cell of ['LSTM', 'SimpleRNN'] as const) {
      losses[cell].forEach((v, e) => expect(Math.abs(v - node.losses[cell][e]), `${cell} epoch ${e}`).to.be.at.most(1e-4 * Math.max(1, node.losses[cell][e])));
    }
    expect(await page.locator('#gradients').getAttribute('data-trained')).to.equal('true');
    console.log(`      page: LSTM loss ${losses.LSTM[0].toFixed(3)} → ${losses.LSTM[epochs - 1].toFixed(4)}, SimpleRNN ${losses.SimpleRNN[0].toFixed(3)} → ${losses.SimpleRNN[epochs - 1].toFixed(3)}`);
    await page.locator('#losses').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, '4-trained.png'), fullPage: true });
    expect(errors).to.deep.equal([]);
  });
});
