#!/usr/bin/env node
// `lstm-ts compare`: does a Keras model give Keras's numbers here, and if not, where do they start to differ?
// (issue #19; docs/parity.md "Layer by layer"). Runs the model here on the given inputs, traces every layer's
// outputs (src/train/compare.ts), and compares them with Keras's, which come either from a reference .npz
// (offline: written by python/lstm_ts_reference.py wherever Keras lives) or from running that script now through
// a Python with TensorFlow.
//
//   lstm-ts compare MODEL.keras|MODEL.h5 [--inputs X.npz|X.npy | --seed N [--save-inputs X.npz]]
//                   [--reference REF.npz] [--python PATH] [--tol ABS,REL] [--json OUT.json]
//   lstm-ts compare --write-reference-script          prints the Keras-side script
//
// Exit status: 0 every layer output within tolerance, 1 some are not (the first divergence is named), 2 usage
// or input errors (bad arguments, unreadable files, no Python with TensorFlow).

import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { loadKerasModel } from '../train/keras-import.js';
import { readNpy, readNpz, writeNpz, type NpyArray } from '../train/npy.js';
import { traceLayerOutputs, compareOutputs, formatCompareTable, seededInputs, type Tolerance } from '../train/compare.js';
import type { Model } from '../train/model.js';

const USAGE = `usage: lstm-ts compare MODEL.keras|MODEL.h5 [--inputs X.npz|X.npy | --seed N [--save-inputs X.npz]]
                      [--reference REF.npz] [--python PATH] [--tol ABS,REL] [--json OUT.json]
       lstm-ts compare --write-reference-script
Compares every layer output of MODEL here with Keras's (REF.npz from python/lstm_ts_reference.py, or that script
run now with --python / python3). Without --inputs, seeded inputs are made from the model's input spec (ids for
an Embedding, padded rows where the first layer masks). Exit 0: all within tolerance (default 1e-5,1e-5:
|d| <= abs + rel*|ref|); 1: some are not, the first divergence is named; 2: usage or input error.`;

class UsageError extends Error {}

const FLAGS = ['--inputs', '--reference', '--python', '--tol', '--json', '--seed', '--save-inputs'];

function scriptPath(): string {
  // src/cli/lstm-ts.ts (tsx) and dist/src/cli/lstm-ts.js (built) both sit below the package root's python/.
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const up of ['../..', '../../..']) {
    const p = path.resolve(here, up, 'python', 'lstm_ts_reference.py');
    if (existsSync(p)) return p;
  }
  throw new UsageError('python/lstm_ts_reference.py is missing from this installation');
}

function parse(argv: string[]): { model: string; opts: Record<string, string> } {
  const opts: Record<string, string> = {};
  let model = '';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      if (!FLAGS.includes(a)) {
        const near = FLAGS.find((f) => f.slice(2, 5) === a.slice(2, 5));
        throw new UsageError(`unknown option ${a}${near ? ` (did you mean ${near}?)` : ''}`);
      }
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      opts[a.slice(2)] = v;
    } else if (!model) model = a;
    else throw new UsageError(`unexpected argument ${JSON.stringify(a)} (one model file, then options)`);
  }
  if (!model) throw new UsageError('no model file given');
  if (opts.reference && !opts.inputs) {
    throw new UsageError('--reference needs the --inputs it was computed on (make them with --seed N --save-inputs X.npz, or bring your own)');
  }
  if (opts.inputs && (opts.seed !== undefined || opts['save-inputs'])) throw new UsageError('--seed and --save-inputs make inputs; they cannot be combined with --inputs');
  if (opts.seed !== undefined && !/^\d+$/.test(opts.seed)) throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(opts.seed)}`);
  return { model, opts };
}

function parseTol(s: string | undefined): Tolerance {
  if (s === undefined) return { abs: 1e-5, rel: 1e-5 };
  const parts = s.split(',').map(Number);
  if (parts.length !== 2 || parts.some((v) => !(v >= 0))) throw new UsageError(`--tol must be ABS,REL with two numbers >= 0, got ${JSON.stringify(s)}`);
  return { abs: parts[0], rel: parts[1] };
}

function readArrays(file: string): Map<string, NpyArray> {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const bytes = new Uint8Array(buf);
  return file.endsWith('.npy') ? new Map([['x', readNpy(bytes, file)]]) : readNpz(bytes, file);
}

/** Model inputs from the arrays: by input name, else `x` for a single input, as float32 tensors. */
function modelInputs(model: Model, arrays: Map<string, NpyArray>): Tensor | Tensor[] {
  const names = ((model as unknown as { inputs?: { node: { layer: { name: string } } }[] }).inputs ?? []).map((t) => t.node.layer.name);
  const toTensor = (a: NpyArray) => tensor(Float32Array.from(a.data as ArrayLike<number>, Number), { shape: a.shape, dtype: 'float32' });
  if (names.length <= 1) {
    const a = (names[0] && arrays.get(names[0])) || arrays.get('x') || (arrays.size === 1 ? [...arrays.values()][0] : undefined);
    if (!a) throw new UsageError(`the inputs file has ${[...arrays.keys()].join(', ')}; expected one array, or one named x${names[0] ? ` or ${names[0]}` : ''}`);
    return toTensor(a);
  }
  return names.map((n) => {
    const a = arrays.get(n);
    if (!a) throw new UsageError(`the model's input '${n}' is not in the inputs file (it has ${[...arrays.keys()].join(', ')})`);
    return toTensor(a);
  });
}

/** Runs the Keras-side script through `python`; returns the reference arrays. */
function liveReference(python: string, modelFile: string, inputs: Map<string, NpyArray>): Map<string, NpyArray> {
  const probe = spawnSync(python, ['-c', 'import keras, tensorflow'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new UsageError(`no usable Python with TensorFlow at '${python}' (${probe.error ? probe.error.message : probe.stderr.trim().split('\n').pop()}); ` +
      'pass --python PATH, or run `lstm-ts compare --write-reference-script` where Keras is and pass --reference');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lstm-ts-compare-'));
  const inFile = path.join(dir, 'inputs.npz');
  const outFile = path.join(dir, 'reference.npz');
  writeFileSync(inFile, writeNpz(inputs));
  const r = spawnSync(python, [scriptPath(), modelFile, inFile, outFile], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  if (r.status !== 0) throw new UsageError(`the Keras-side script failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return readNpz(new Uint8Array(readFileSync(outFile)), outFile);
}

export async function main(argv: string[], out: (s: string) => void = console.log): Promise<number> {
  try {
    if (argv[0] !== 'compare') throw new UsageError(argv.length === 0 ? 'no command given' : `unknown command ${JSON.stringify(argv[0])} (the command is compare)`);
    const rest = argv.slice(1);
    if (rest.length === 1 && rest[0] === '--write-reference-script') {
      out(readFileSync(scriptPath(), 'utf8'));
      return 0;
    }
    const { model: modelFile, opts } = parse(rest);
    const tol = parseTol(opts.tol);
    let model: Model;
    try {
      model = await loadKerasModel(modelFile, { compile: false });
    } catch (e) {
      throw new UsageError(`cannot load ${modelFile}: ${(e as Error).message}`);
    }
    let inputs: Map<string, NpyArray>;
    let xs: Tensor | Tensor[];
    if (opts.inputs) {
      inputs = readArrays(opts.inputs);
      xs = modelInputs(model, inputs);
    } else {
      const seed = Number(opts.seed ?? 0);
      const made = seededInputs(model, seed);
      inputs = made.arrays;
      xs = made.tensors.length === 1 ? made.tensors[0] : made.tensors;
      out(`inputs (seed ${seed}): ${made.description.join('; ')}`);
      if (opts['save-inputs']) writeFileSync(opts['save-inputs'], writeNpz(inputs));
    }
    const ref = opts.reference ? readArrays(opts.reference) : liveReference(opts.python ?? 'python3', modelFile, inputs);
    const res = compareOutputs(traceLayerOutputs(model, xs), ref, tol);
    out(formatCompareTable(res));
    if (opts.json) writeFileSync(opts.json, JSON.stringify({ model: modelFile, ...res }, null, 2) + '\n');
    return res.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof UsageError) {
      out(`lstm-ts: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    out(`lstm-ts: ${(e as Error).message}`);
    return 2;
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) void main(process.argv.slice(2)).then((code) => process.exit(code));
