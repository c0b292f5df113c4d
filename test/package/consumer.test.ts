// lstm-ts as a dependency (issue #16): the package is packed as npm publishes it, installed into a fresh
// project (--prefer-offline: dependencies from the npm cache where it has them, else the registry; no install scripts: npm 11 asks consumers to approve them,
// and the package needs none), then
//   * `require('lstm-ts')` (CommonJS, Node ≥ 20.19's require of ESM through the "default" export condition) and
//     `import` both work and compute the same numbers;
//   * the native CPU kernel is loaded from the shipped prebuild (prebuilds/<platform>-<arch>) where this
//     checkout built one, and `backend: 'auto'` runs it;
//   * TypeScript consumers type-check: ESM and CommonJS under module nodenext, and moduleResolution bundler;
//   * the tarball holds LICENSE and the prebuild, and not the C++ test programs, GPU scripts or test sources;
//     source maps embed their sources (the .ts files are not shipped).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe('package: lstm-ts installed into another project (pack, offline install, require / import, prebuilt addon, TypeScript)', function () {
  this.timeout(300_000);
  let dir = '';
  let tarball = '';
  const builtHere = existsSync(join(root, 'build', 'Release', 'lstmts_cpu.node'));

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lstm-ts-consumer-'));
    // What `npm pack` runs (prepare: the TypeScript build; prepack: the prebuild), without rebuilding the addon.
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], root);
    run(process.execPath, ['scripts/prebuild.mjs'], root);
    const packed = JSON.parse(run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root)) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, packed[0].filename);
    writeFileSync(join(dir, 'files.json'), JSON.stringify(packed[0].files.map((f) => f.path)));
    const app = join(dir, 'app');
    run('mkdir', ['-p', app], dir);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'commonjs' }));
    run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball], app);
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
  });

  it('the tarball: LICENSE, the prebuild, embedded source maps; no C++ tests, GPU scripts or sources', () => {
    const files = JSON.parse(readFileSync(join(dir, 'files.json'), 'utf8')) as string[];
    expect(files).to.include('LICENSE');
    expect(files).to.include('dist/src/index.js');
    expect(files).to.include('scripts/build-native.mjs');
    if (builtHere) expect(files).to.include(`prebuilds/${process.platform}-${process.arch}/lstmts_cpu.node`);
    for (const f of files) {
      expect(f, f).to.not.match(/^(test|bench|src)\/|test_\w+\.cpp$|gpu-check|ci-system-deps|bench-gemm|\.ts$(?<!\.d\.ts)/);
    }
    const map = JSON.parse(readFileSync(join(dir, 'app', 'node_modules', 'lstm-ts', 'dist', 'src', 'index.js.map'), 'utf8')) as { sourcesContent?: string[] };
    expect(map.sourcesContent?.[0], 'sourcesContent').to.be.a('string').and.include('export');
  });

  const probe = `
    // big enough that 'auto' prefers the native kernel over the TS path (selection weighs call overhead)
    const t = lt.randomUniform([8, 64, 16], -1, 1, { seed: 1 });
    const layer = new lt.keras.layers.LSTM({ units: 64, kernelInitializer: new lt.keras.initializers.GlorotUniform({ seed: 1 }), recurrentInitializer: new lt.keras.initializers.Orthogonal({ seed: 2 }) });
    const y = lt.ops.slice(layer.apply(t), [0, 0], [1, 4]);
    const info = lt.native.info();
    console.log(JSON.stringify({ y: Array.from(y.data), loaded: info.loaded, release: info.paths.release, path: layer.explain ? layer.explain().path : null }));
  `;

  it('require() and import both work and agree; the prebuilt native kernel loads and auto selects it', () => {
    const app = join(dir, 'app');
    const cjs = JSON.parse(run(process.execPath, ['-e', `const lt = require('lstm-ts');${probe}`], app)) as { y: number[]; loaded: boolean; release: string | null; path: string | null };
    const esm = JSON.parse(run(process.execPath, ['--input-type=module', '-e', `import * as lt from 'lstm-ts';${probe}`], app)) as typeof cjs;
    expect(cjs.y).to.deep.equal(esm.y);
    expect(cjs.y.length).to.equal(4);
    if (builtHere) {
      expect(cjs.loaded, 'native CPU addon loaded from the installed package').to.equal(true);
      expect(cjs.release).to.include(join('node_modules', 'lstm-ts', 'prebuilds', `${process.platform}-${process.arch}`));
      expect(cjs.path).to.match(/native-cpu/);
    }
    // The kernel chooser never silently ignores a missing addon: disabled, the TS path runs and says why.
    const off = JSON.parse(run(process.execPath, ['-e', `const lt = require('lstm-ts');${probe}`], app, { LSTM_TS_DISABLE_NATIVE: '1' })) as typeof cjs;
    expect(off.loaded).to.equal(false);
    for (let i = 0; i < 4; i++) expect(Math.abs(off.y[i] - cjs.y[i])).to.be.below(1e-5);
  });

  it('TypeScript consumers type-check: ESM and CommonJS under nodenext, and moduleResolution bundler', () => {
    const app = join(dir, 'app');
    const code = `import * as lt from 'lstm-ts';
const x: lt.Tensor = lt.tensor([[[1, 2]]]);
const m = new lt.keras.Sequential([new lt.keras.layers.LSTM({ units: 3 }), new lt.keras.layers.Dense({ units: 1 })]);
m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae', new lt.keras.metrics.AUC()] });
const out = m.predict(x);
export const shape: readonly number[] = (out as lt.Tensor).shape;
`;
    writeFileSync(join(app, 'esm.mts'), code + 'export const dense: readonly number[] = new lt.keras.layers.Dense({ units: 2 }).apply(lt.zeros([1, 3])).shape;\n');
    writeFileSync(join(app, 'cjs.cts'), code);
    writeFileSync(join(app, 'bundler.ts'), code);
    const typeRoots = join(root, 'node_modules', '@types');
    const common = ['--noEmit', '--strict', '--skipLibCheck', 'false', '--types', 'node', '--typeRoots', typeRoots, '--target', 'es2022'];
    run(process.execPath, [tsc, ...common, '--module', 'nodenext', '--moduleResolution', 'nodenext', 'esm.mts', 'cjs.cts'], app);
    run(process.execPath, [tsc, ...common, '--module', 'esnext', '--moduleResolution', 'bundler', 'bundler.ts'], app);
    // A type error is caught (the check can fail).
    writeFileSync(join(app, 'bad.mts'), `import * as lt from 'lstm-ts';\nconst n: number = lt.tensor([1]);\n`);
    const bad = spawnSync(process.execPath, [tsc, ...common, '--module', 'nodenext', '--moduleResolution', 'nodenext', 'bad.mts'], { cwd: app, encoding: 'utf8' });
    expect(bad.status).to.not.equal(0);
    expect(bad.stdout).to.match(/Type 'Tensor' is not assignable to type 'number'/);
  });

  it('no install script is needed: the installed package has prebuilds and no lifecycle scripts for consumers', () => {
    const pkg = JSON.parse(readFileSync(join(dir, 'app', 'node_modules', 'lstm-ts', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    for (const s of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[s], s).to.equal(undefined);
    if (builtHere) expect(readdirSync(join(dir, 'app', 'node_modules', 'lstm-ts', 'prebuilds'))).to.deep.equal([`${process.platform}-${process.arch}`]);
  });
});
