// lstm-ts in a web page (issue #17): `import * as lt from 'lstm-ts'` in a consumer project (node_modules/lstm-ts
// is this package), bundled for the browser by esbuild (minified) and by Vite (a default production build), with
// no bundler configuration, then run in headless Chromium:
//   * the bundle holds no Node-only module (node:*, cli-progress, h5wasm's Node build, the addon loader's
//     requires) and the page reads no `process` (it has none);
//   * an LSTM forward (with a mask), its backward and five `fit` epochs give Node's numbers for the same seeded
//     computation (test/browser/compute.ts) within the float32 tolerances of the native-vs-TS property tests;
//   * a Keras 3 `.keras` archive, fetched as bytes, loads in the page and predicts Keras 3.15's numbers
//     (test/fixtures/keras_archive.json), and kerasModelBytes → loadKerasModel round-trips it;
//   * a path-based call fails with an error that names the byte-based alternative; no console errors.
/// <reference lib="dom" />
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lt from '../../src/index.js';
import { compute, type ComputeResult } from './compute.js';
import { buildDist, bundle, launch, requireChromium, root, serve } from './harness.js';

function maxAbs(a: number[], b: number[]): number {
  expect(a.length).to.equal(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const maxMag = (a: number[]): number => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
let distBuilt = false;

const HTML = (src: string): string => `<!doctype html><meta charset="utf-8"><title>lstm-ts browser test</title><link rel="icon" href="data:,"><p id="status">running</p><script type="module" src="${src}"></script>`;

/** A consumer project: the page's two modules and node_modules/lstm-ts → this package (as `npm install` links it). */
function consumerProject(dir: string): void {
  for (const f of ['page-entry.js', 'compute.ts']) copyFileSync(join(root, 'test', 'browser', f), join(dir, f));
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules', 'lstm-ts'), 'dir');
}

/** Builds the page with each bundler into `<dir>/site` and returns the bundle's input files where it reports them. */
const BUNDLERS: Record<string, (dir: string) => Promise<string[] | null>> = {
  'esbuild (minified)': async (dir) => {
    const meta = await bundle(join(dir, 'page-entry.js'), join(dir, 'site', 'bundle'), true, dir);
    writeFileSync(join(dir, 'site', 'index.html'), HTML('/bundle/page-entry.js'));
    return Object.keys(meta.inputs);
  },
  'Vite (production build)': async (dir) => {
    writeFileSync(join(dir, 'index.html'), HTML('./page-entry.js'));
    // Vite runs in a plain Node child: under this test's tsx loader its own ESM/CJS interop breaks.
    const vite = pathToFileURL(join(root, 'node_modules', 'vite', 'dist', 'node', 'index.js')).href;
    writeFileSync(join(dir, 'vite-build.mjs'), `import { build } from ${JSON.stringify(vite)};
import { writeFileSync } from 'node:fs';
const inputs = [];
await build({ root: ${JSON.stringify(dir)}, configFile: false, logLevel: 'silent', build: { outDir: 'site', emptyOutDir: true },
  plugins: [{ name: 'record-inputs', transform(_code, id) { inputs.push(id); return null; } }] });
writeFileSync('inputs.json', JSON.stringify(inputs));
`);
    const r = spawnSync(process.execPath, ['vite-build.mjs'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8')) as string[];
  },
};

for (const [bundler, make] of Object.entries(BUNDLERS)) describe(`browser: lstm-ts bundled by ${bundler} and run in headless Chromium`, function () {
  this.timeout(240_000);
  let dir = '';
  let page: Record<string, unknown> | null = null;
  let inputs: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    requireChromium(this);
    dir = mkdtempSync(join(tmpdir(), 'lstm-ts-browser-'));
    if (!distBuilt) { buildDist(); distBuilt = true; }
    consumerProject(dir);
    inputs = (await make(dir)) ?? [];
    const server = await serve({ '/fixtures/': join(root, 'test', 'fixtures'), '/': join(dir, 'site') });
    const browser = await launch();
    try {
      const p = await browser.newPage();
      p.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      p.on('pageerror', (e) => consoleErrors.push(String(e)));
      await p.goto(`${server.url}/`);
      await p.waitForFunction(() => (window as unknown as { __result?: unknown; __error?: unknown }).__result !== undefined
        || (window as unknown as { __error?: unknown }).__error !== undefined, undefined, { timeout: 120_000 });
      const err = await p.evaluate(() => (window as unknown as { __error?: string }).__error);
      if (err) throw new Error(`the page failed: ${err}`);
      page = await p.evaluate(() => (window as unknown as { __result: Record<string, unknown> }).__result);
    } finally {
      await browser.close();
      await server.close();
    }
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('the bundle holds no Node-only module, and the page has no `process`', () => {
    const nodeOnly = inputs.filter((f) => /^node:|cli-progress|h5wasm\/dist\/node|readline|\bfs\b/.test(f));
    expect(nodeOnly, 'Node-only inputs in the bundle').to.deep.equal([]);
    expect(inputs.some((f) => f.includes('dist/src/index.js')), 'lstm-ts came from the package (dist/src via exports)').to.equal(true);
    expect(inputs.some((f) => /(^|\/)src\/.*\.ts$/.test(f) && !f.endsWith('compute.ts')), 'no TypeScript sources of the package').to.equal(false);
    expect(inputs.some((f) => f.includes('h5wasm/dist/esm')), "h5wasm's browser build").to.equal(true);
    expect(page!.processDefined).to.equal(false);
    expect(consoleErrors).to.deep.equal([]);
  });

  it('LSTM forward, backward and fit give Node\'s numbers (≤ 1e-5 abs outputs, ≤ 1e-4 rel gradients and losses)', () => {
    const b = page!.compute as ComputeResult;
    const n = compute(lt);
    const dF = maxAbs(b.forward, n.forward);
    expect(dF, 'forward').to.be.at.most(1e-5);
    for (const k of ['kernel', 'recurrentKernel', 'bias'] as const) {
      expect(maxAbs(b.grads[k], n.grads[k]) / Math.max(1, maxMag(n.grads[k])), `grad ${k}`).to.be.at.most(1e-4);
    }
    expect(maxAbs(b.losses, n.losses) / Math.max(1, maxMag(n.losses)), 'fit losses').to.be.at.most(1e-4);
    expect(b.losses[4], 'fit lowers the loss').to.be.below(b.losses[0]);
    expect(maxAbs(b.predictAfterFit, n.predictAfterFit), 'predictions after fit').to.be.at.most(1e-4);
    expect(b.gemm, 'the page has the WebAssembly SIMD GEMM').to.equal('auto, wasm SIMD available');
    const exact = dF === 0 && maxAbs(b.losses, n.losses) === 0;
    console.log(`      page vs Node: max |Δy| ${dF.toExponential(2)}, losses ${exact ? 'bit-identical' : `max Δ ${maxAbs(b.losses, n.losses).toExponential(2)}`}; in Node 'auto' chose per call size (native addon ${lt.native.isEnabled() && lt.native.info().loaded ? 'available' : 'not available'})`);
  });

  it('a .keras archive fetched as bytes loads in the page and predicts Keras 3.15\'s numbers; kerasModelBytes round-trips', () => {
    const k = page!.keras as { predict: number[]; expected: number[]; roundTrip: number[]; layers: string[] };
    expect(k.layers).to.deep.equal(['masking', 'encoder', 'bidirectional', 'hidden', 'dense']);
    // keras-archive.test.ts's tolerance for this model: 2e-6 abs + 1e-5 rel
    k.predict.forEach((v, i) => expect(Math.abs(v - k.expected[i]), `prediction ${i}`).to.be.at.most(2e-6 + 1e-5 * Math.abs(k.expected[i])));
    expect(k.roundTrip).to.deep.equal(k.predict);
  });

  it('a path-based call names the browser alternative; the native addon reports why it is absent', () => {
    expect(page!.pathError).to.match(/loadModel: needs Node\.js \(node:fs\).*pass the bytes/);
    expect((page!.native as Record<string, string>).cpu).to.match(/not running on Node\.js/);
  });
});
