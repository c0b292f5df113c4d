#!/usr/bin/env node
// Builds the native addons with cmake-js (offline: package.json's "binary.napi_versions" makes cmake-js use the
// bundled node-api-headers instead of downloading Node headers) and writes build/native-report.json saying
// what was built and why anything was not. It NEVER fails the install: it always exits 0.
//
//   node scripts/build-native.mjs            build (CPU addon, cuDNN addon when CUDA + cuDNN are found)
//   CUDNN_ROOT=/path node scripts/build-native.mjs        use a specific cuDNN (include/ + lib/libcudnn.so.9)
//   LSTM_TS_NATIVE_NO_CUDNN=1 ...            skip the cuDNN addon
//   LSTM_TS_NATIVE_VERBOSE=1 ...             print the full cmake output
//
// Attempts, each only if the previous failed: full build; build without cuDNN; nothing (report only).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(root, 'build');
const reportPath = join(buildDir, 'native-report.json');
const verbose = process.env.LSTM_TS_NATIVE_VERBOSE === '1';
const t0 = Date.now();

const report = {
  date: new Date().toISOString(),
  built: { cpu: false, cuda: false, cudnn: false, cppTest: false },
  files: {},
  versions: { node: process.versions.node, napi: process.versions.napi },
  reasons: {},
  attempts: [],
};

function log(msg) {
  console.log(`[lstm-ts native] ${msg}`);
}

function writeReport() {
  try {
    mkdirSync(buildDir, { recursive: true });
    report.seconds = Math.round((Date.now() - t0) / 100) / 10;
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  } catch (e) {
    console.warn(`[lstm-ts native] could not write ${reportPath}: ${e.message}`);
  }
}

function tail(s, n = 3000) {
  return s.length > n ? '…' + s.slice(-n) : s;
}

/**
 * cmake-js by Node's module resolution: from this package (its own node_modules, or hoisted into a consumer's
 * node_modules above it), then from the current directory (a consumer that installed it as a dev dependency).
 */
function findCmakeJs() {
  for (const base of [join(root, 'package.json'), join(process.cwd(), 'package.json')]) {
    try {
      return join(dirname(createRequire(base).resolve('cmake-js/package.json')), 'bin', 'cmake-js');
    } catch {
      // not resolvable from here
    }
  }
  return null;
}

function main() {
  const cmakeJs = findCmakeJs();
  const cm = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (cm.error || cm.status !== 0) {
    report.reasons.cmake = 'cmake not found on PATH (apt-get install cmake); the TypeScript backend will be used';
    return;
  }
  report.versions.cmake = cm.stdout.split('\n')[0].replace('cmake version ', '');
  if (cmakeJs === null || !existsSync(cmakeJs)) {
    report.reasons.cmakeJs = 'cmake-js not found by Node resolution (to build from source: npm install --save-dev cmake-js node-addon-api)';
    return;
  }
  const cxx = spawnSync(process.env.CXX || 'c++', ['--version'], { encoding: 'utf8' });
  if (cxx.error || cxx.status !== 0) {
    report.reasons.compiler = `no C++ compiler (${process.env.CXX || 'c++'}); apt-get install g++`;
    return;
  }
  report.versions.compiler = cxx.stdout.split('\n')[0];

  // cuDNN candidates besides what CMake searches itself (toolkit, system, python nvidia.cudnn): an explicit
  // CUDNN_ROOT, or the wheel unpacked by scripts/ci-system-deps.sh into .cache/cudnn.
  const cudnnArgs = [];
  if (process.env.CUDNN_ROOT) cudnnArgs.push(`--CDCUDNN_ROOT=${process.env.CUDNN_ROOT}`);
  else if (existsSync(join(root, '.cache', 'cudnn', 'nvidia', 'cudnn', 'include', 'cudnn_version.h')))
    cudnnArgs.push(`--CDCUDNN_ROOT=${join(root, '.cache', 'cudnn', 'nvidia', 'cudnn')}`);

  const attempts = [
    { name: 'full', args: [...cudnnArgs, ...(process.env.LSTM_TS_NATIVE_NO_CUDNN === '1' ? ['--CDLSTMTS_WITH_CUDNN=OFF'] : [])] },
    { name: 'without cuDNN', args: ['--CDLSTMTS_WITH_CUDNN=OFF'] },
  ];
  for (const a of attempts) {
    const args = [cmakeJs, 'rebuild', '--out', 'build', '--parallel', '2', '--log-level', 'warn', ...a.args];
    log(`cmake-js (${a.name}) ...`);
    const r = spawnSync(process.execPath, args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, npm_config_offline: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    const out = (r.stdout ?? '') + (r.stderr ?? '');
    if (verbose) console.log(out);
    report.attempts.push({ name: a.name, ok: r.status === 0, status: r.status, outputTail: r.status === 0 ? undefined : tail(out) });
    if (r.status === 0) break;
    log(`attempt "${a.name}" failed (status ${r.status}); see ${reportPath}`);
  }
  collect();
}

// Reads what CMake decided (build/native-config.json) and which artefacts exist.
function collect() {
  const cfgPath = join(buildDir, 'native-config.json');
  if (existsSync(cfgPath)) {
    try {
      const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
      if (cfg.gemm) report.versions.gemm = cfg.gemm;
      report.built.cuda = !!cfg.cuda;
      if (cfg.cudaVersion) report.versions.cudaToolkit = cfg.cudaVersion;
      if (cfg.cudnnVersion) report.versions.cudnnHeaders = cfg.cudnnVersion;
      if (cfg.cudnnLibrary && !cfg.cudnnLibrary.endsWith('NOTFOUND')) report.files.cudnnLibrary = cfg.cudnnLibrary;
      Object.assign(report.reasons, cfg.reasons ?? {});
    } catch (e) {
      report.reasons.config = `unreadable ${cfgPath}: ${e.message}`;
    }
  } else {
    report.reasons.config = 'CMake did not configure (see attempts[].outputTail)';
  }
  const rel = join(buildDir, 'Release');
  const found = existsSync(rel) ? readdirSync(rel) : [];
  if (found.includes('lstmts_cpu.node')) {
    report.built.cpu = true;
    report.files.cpu = join(rel, 'lstmts_cpu.node');
  } else {
    report.reasons.cpu = report.reasons.cpu ?? 'lstmts_cpu.node was not produced (compiler error; see attempts)';
  }
  if (found.includes('lstmts_cudnn.node')) {
    report.built.cudnn = true;
    report.files.cudnn = join(rel, 'lstmts_cudnn.node');
  } else if (!report.reasons.cudnn) {
    report.reasons.cudnn = 'the cuDNN addon failed to compile or link (see attempts)';
  }
  const testBin = [join(buildDir, 'test_lstm_cpu'), join(rel, 'test_lstm_cpu')].find((p) => existsSync(p));
  if (testBin) {
    report.built.cppTest = true;
    report.files.cppTest = testBin;
  }
  // C++ test of the GEMM against float64, for every micro-kernel the CPU runs, and of its determinism.
  const gemmTestBin = [join(buildDir, 'test_gemm'), join(rel, 'test_gemm')].find((p) => existsSync(p));
  if (gemmTestBin) report.files.gemmCppTest = gemmTestBin;
  // C++ test of the cuDNN core (built when cuDNN is found; exits 77 with "SKIP: no CUDA device" without a GPU).
  const cudnnTestBin = [join(buildDir, 'test_lstm_cudnn'), join(rel, 'test_lstm_cudnn')].find((p) => existsSync(p));
  if (cudnnTestBin) report.files.cudnnCppTest = cudnnTestBin;
}

try {
  main();
} catch (e) {
  report.reasons.script = `build-native.mjs crashed: ${e?.stack ?? e}`;
}
writeReport();
const b = report.built;
log(`cpu=${b.cpu} gemm=${report.versions.gemm ?? '-'} cuda=${b.cuda} cudnn=${b.cudnn} (${report.seconds}s) -> ${reportPath}`);
for (const [k, v] of Object.entries(report.reasons)) log(`  ${k}: ${v}`);
process.exit(0);
