#!/usr/bin/env node
// `lstm-ts compare`: does a Keras model give Keras's numbers here, and if not, where do they start to differ?
// (issue #19; docs/parity.md "Layer by layer"). Runs the model here on the given inputs, traces every layer's
// outputs (src/train/compare.ts), and compares them with Keras's, which come either from a reference .npz
// (offline: written by python/lstm_ts_reference.py wherever Keras lives) or from running that script now through
// a Python with TensorFlow.
//
//   lstm-ts compare MODEL.keras|MODEL.h5|MODEL.json [--weights W.weights.h5] [--inputs X.npz|X.npy|X.json | --seed N [--save-inputs X.npz]]
//                   [--reference REF.npz] [--python PATH] [--grads] [--train-step] [--tol ABS,REL]
//                   [--grad-tol ABS,REL] [--json OUT.json] [--report OUT.html] [--save-ours OURS.npz]
//   lstm-ts compare --write-reference-script          prints the Keras-side script
//
// Three sections, each with its own first divergence: the layer outputs (call order), with --grads the
// gradients of a seeded scalar loss w.r.t. every weight and float input (backward order), with --train-step the
// loss and every weight after one train_on_batch. Below the tables, notes explain the differences to expect
// (src/train/compare-report.ts).
//
// Exit status: 0 everything within tolerance, 1 something is not (the first divergence is named), 2 usage
// or input errors (bad arguments, unreadable files, no Python with TensorFlow).

import { readFileSync, writeFileSync, mkdtempSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/create.js';
import { loadKerasModel, loadKerasModelJson } from '../train/keras-import.js';
import { readNpy, readNpz, writeNpz, arraysFromJson, type NpyArray } from '../train/npy.js';
import {
  traceLayerOutputs, compareOutputs, formatCompareTable, seededInputs, traceGradients, traceTrainStep, seededTargets, compiledLossNames,
  outputShapes, referenceSections, type Tolerance, type TracedValue,
} from '../train/compare.js';
import { readReferenceMeta, explainDifferences, formatCompareHtml, type CompareSection } from '../train/compare-report.js';
import type { Model } from '../train/model.js';

const USAGE = `usage: lstm-ts compare MODEL.keras|MODEL.h5|MODEL.json [--weights W.weights.h5]
                      [--inputs X.npz|X.npy|X.json | --seed N [--save-inputs X.npz]]
                      [--reference REF.npz] [--python PATH] [--grads] [--train-step]
                      [--tol ABS,REL] [--grad-tol ABS,REL] [--json OUT.json] [--report OUT.html]
                      [--save-ours OURS.npz]
       lstm-ts compare --write-reference-script
MODEL.json is Keras's model.to_json(), with the model.save_weights() file as --weights.
Compares every layer output of MODEL here with Keras's (REF.npz from python/lstm_ts_reference.py, or that script
run now with --python / python3). Without --inputs, seeded inputs are made from the model's input spec (ids for
an Embedding, padded rows where the first layer masks). --grads: gradients of a seeded scalar loss w.r.t. every
weight and float input; --train-step: one train_on_batch of the compiled optimizer and loss (targets: target/0,
target/1, ... in the inputs file, else seeded for the loss). Exit 0: all within tolerance (--tol, default
1e-5,1e-5: |d| <= abs + rel*|ref|; --grad-tol for gradients and the step, default 1e-4,1e-4); 1: some are not,
the first divergence is named; 2: usage or input error. --save-ours writes lstm-ts's values under the same
names, a reference for another run (--reference OURS.npz).`;

class UsageError extends Error {}

const FLAGS = ['--inputs', '--reference', '--python', '--tol', '--grad-tol', '--json', '--report', '--seed', '--save-inputs', '--save-ours', '--weights'];
const SWITCHES = ['--grads', '--train-step'];

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
    if (SWITCHES.includes(a)) opts[a.slice(2)] = 'true';
    else if (a.startsWith('--')) {
      if (!FLAGS.includes(a)) {
        const near = [...FLAGS, ...SWITCHES].find((f) => f.slice(2, 5) === a.slice(2, 5));
        throw new UsageError(`unknown option ${a}${near ? ` (did you mean ${near}?)` : ''}`);
      }
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      opts[a.slice(2)] = v;
    } else if (!model) model = a;
    else throw new UsageError(`unexpected argument ${JSON.stringify(a)} (one model file, then options)`);
  }
  if (!model) throw new UsageError('no model file given');
  if (model.endsWith('.json') !== (opts.weights !== undefined)) {
    throw new UsageError(model.endsWith('.json') ? `${model} (model.to_json()) holds no weights: pass the model.save_weights() file with --weights W.weights.h5`
      : '--weights goes with a MODEL.json (model.to_json()); a .keras or .h5 file has its weights');
  }
  if (opts.reference && !opts.inputs) {
    throw new UsageError('--reference needs the --inputs it was computed on (make them with --seed N --save-inputs X.npz, or bring your own)');
  }
  if (opts.inputs && (opts.seed !== undefined || opts['save-inputs'])) throw new UsageError('--seed and --save-inputs make inputs; they cannot be combined with --inputs');
  if (opts.seed !== undefined && !/^\d+$/.test(opts.seed)) throw new UsageError(`--seed must be a non-negative integer, got ${JSON.stringify(opts.seed)}`);
  return { model, opts };
}

function parseTol(s: string | undefined, flag = '--tol', dflt = 1e-5): Tolerance {
  if (s === undefined) return { abs: dflt, rel: dflt };
  const parts = s.split(',').map(Number);
  if (parts.length !== 2 || parts.some((v) => !(v >= 0))) throw new UsageError(`${flag} must be ABS,REL with two numbers >= 0, got ${JSON.stringify(s)}`);
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
  if (file.endsWith('.json')) return arraysFromJson(buf.toString('utf8'), file);
  return file.endsWith('.npy') ? new Map([['x', readNpy(bytes, file)]]) : readNpz(bytes, file);
}

interface ModelInputs {
  tensors: Tensor[];
  /** The name each was found under (python/lstm_ts_reference.py looks them up the same way). */
  names: string[];
  /** Float arrays have an input gradient; integer ids (an Embedding's) do not. */
  differentiable: boolean[];
}

const isFloat = (a: NpyArray) => a.dtype === 'float32' || a.dtype === 'float64';
const toTensor = (a: NpyArray) => tensor(Float32Array.from(a.data as ArrayLike<number>, Number), { shape: a.shape, dtype: 'float32' });

/** Model inputs from the arrays: by input name, else `x`, else the one array there is for a single input. */
function modelInputs(model: Model, arrays: Map<string, NpyArray>): ModelInputs {
  const names = ((model as unknown as { inputs?: { node: { layer: { name: string } } }[] }).inputs ?? []).map((t) => t.node.layer.name);
  const keys = [...arrays.keys()].filter((k) => !k.startsWith('target/'));
  if (names.length <= 1) {
    const key = names[0] && arrays.has(names[0]) ? names[0] : arrays.has('x') ? 'x' : keys.length === 1 ? keys[0] : undefined;
    if (key === undefined) throw new UsageError(`the inputs file has ${keys.join(', ')}; expected one array, or one named x${names[0] ? ` or ${names[0]}` : ''}`);
    const a = arrays.get(key)!;
    return { tensors: [toTensor(a)], names: [key], differentiable: [isFloat(a)] };
  }
  const got = names.map((n) => {
    const a = arrays.get(n);
    if (!a) throw new UsageError(`the model's input '${n}' is not in the inputs file (it has ${keys.join(', ')})`);
    return a;
  });
  return { tensors: got.map(toTensor), names, differentiable: got.map(isFloat) };
}


/** Runs the Keras-side script through `python`; returns the reference arrays. */
function liveReference(python: string, modelFile: string, inputs: Map<string, NpyArray>, flags: string[]): Map<string, NpyArray> {
  const probe = spawnSync(python, ['-c', 'import keras, tensorflow'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new UsageError(`no usable Python with TensorFlow at '${python}' (${probe.error ? probe.error.message : probe.stderr.trim().split('\n').pop()}); ` +
      'pass --python PATH, or run `lstm-ts compare --write-reference-script` where Keras is and pass --reference');
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'lstm-ts-compare-'));
  const inFile = path.join(dir, 'inputs.npz');
  const outFile = path.join(dir, 'reference.npz');
  writeFileSync(inFile, writeNpz(inputs));
  const r = spawnSync(python, [scriptPath(), modelFile, inFile, outFile, ...flags], { encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
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
    const gradTol = parseTol(opts['grad-tol'], '--grad-tol', 1e-4);
    const grads = opts.grads === 'true';
    const step = opts['train-step'] === 'true';
    let model: Model;
    try {
      model = opts.weights ? await loadKerasModelJson(modelFile, opts.weights, { compile: step }) : await loadKerasModel(modelFile, { compile: step });
    } catch (e) {
      throw new UsageError(`cannot load ${modelFile}: ${(e as Error).message}`);
    }
    if (step && (model.optimizer === null || model.loss === null)) {
      throw new UsageError(`--train-step needs a compiled model: ${modelFile} was saved without compile() (no optimizer or loss)`);
    }
    const seed = Number(opts.seed ?? 0);
    let inputs: Map<string, NpyArray>;
    let mi: ModelInputs;
    const said: string[] = [];
    if (opts.inputs) {
      inputs = readArrays(opts.inputs);
      mi = modelInputs(model, inputs);
    } else {
      const made = seededInputs(model, seed);
      inputs = made.arrays;
      mi = { tensors: made.tensors, names: [...made.arrays.keys()], differentiable: [...made.arrays.values()].map(isFloat) };
      said.push(...made.description);
    }
    const xs = mi.tensors.length === 1 ? mi.tensors[0] : mi.tensors;
    let targets: Tensor[] = [];
    if (step) {
      const given = [...inputs.keys()].filter((k) => k.startsWith('target/')).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
      if (given.length > 0) targets = given.map((k) => toTensor(inputs.get(k)!));
      else if (opts.reference) {
        throw new UsageError('--train-step with --reference needs the targets the reference used, as target/0, target/1, ... in the --inputs file (make them with --seed N --train-step --save-inputs X.npz)');
      } else {
        const made = seededTargets(compiledLossNames(model), outputShapes(model, xs), seed);
        made.arrays.forEach((a, o) => inputs.set(`target/${o}`, a));
        targets = made.arrays.map(toTensor);
        said.push(...made.description);
      }
    }
    if (said.length > 0) out(`inputs (seed ${seed}): ${said.join('; ')}`);
    if (opts['save-inputs']) writeFileSync(opts['save-inputs'], writeNpz(inputs));
    const flags = [...(grads ? ['--grads'] : []), ...(step ? ['--train-step'] : []), ...(opts.weights ? ['--weights', opts.weights] : [])];
    const ref = referenceSections(opts.reference ? readArrays(opts.reference) : liveReference(opts.python ?? 'python3', modelFile, inputs, flags));
    // each section compares with its own part of the reference: a reference written with --grads still passes a run without it
    const traced: TracedValue[][] = [traceLayerOutputs(model, xs)];
    const sections: CompareSection[] = [{ name: 'outputs', result: compareOutputs(traced[0], ref.outputs, tol) }];
    if (grads) {
      traced.push(traceGradients(model, mi.tensors, mi.names, mi.differentiable));
      sections.push({ name: 'gradients', result: compareOutputs(traced[traced.length - 1], ref.gradients, gradTol) });
    }
    if (step) {
      traced.push(traceTrainStep(model, xs, targets.length === 1 ? targets[0] : targets));
      sections.push({ name: 'train step', result: compareOutputs(traced[traced.length - 1], ref.trainStep, gradTol) });
    }
    if (opts['save-ours']) {
      // our values under the reference's names: a reference in its own right (another machine, backend or version)
      writeFileSync(opts['save-ours'], writeNpz(new Map(traced.flat().map((t): [string, NpyArray] => [t.key,
        { dtype: 'float32', shape: [...t.value.shape], data: Float32Array.from(t.value.data) }]))));
    }
    const headings: Record<string, { column: string; rows: string }> = {
      outputs: { column: 'layer output', rows: 'outputs' },
      gradients: { column: 'gradient (backward order)', rows: 'gradients' },
      'train step': { column: 'after one train step', rows: 'values' },
    };
    for (const s of sections) {
      if (sections.length > 1) out(`\n== ${s.name} ==`);
      out(formatCompareTable(s.result, headings[s.name]));
    }
    const meta = readReferenceMeta(ref.all);
    const notes = explainDifferences(sections, meta, model.layers);
    if (notes.length > 0) out(['', 'notes:', ...notes.map((n) => `- ${n}`)].join('\n'));
    const ok = sections.every((s) => s.result.ok);
    if (opts.json) {
      const extra = Object.fromEntries(sections.slice(1).map((s) => [s.name === 'gradients' ? 'gradients' : 'trainStep', s.result]));
      const firstFailing = sections.find((s) => !s.result.ok);
      writeFileSync(opts.json, JSON.stringify({
        model: modelFile, ...sections[0].result, ok, firstFailingSection: firstFailing ? firstFailing.name : null, ...extra, notes, reference: meta,
      }, null, 2) + '\n');
    }
    if (opts.report) writeFileSync(opts.report, formatCompareHtml({ model: modelFile, sections, notes, inputs: said }));
    return ok ? 0 : 1;
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
