// What `lstm-ts compare` says besides the tables (issue #19): explanations of the differences one should expect
// between this library and a TensorFlow run, chosen from what the reference says about itself (its `__meta__`)
// and from the failing rows; and the self-contained HTML report with a per-row error chart.
//
// The explanations are facts about TensorFlow, cited where they are stated:
// - Eigen's float tanh (`generic_fast_tanh_float`, Eigen MathFunctionsImpl.h) and logistic are rational
//   approximations: ≲ 2 ulp per call, more after many time steps (shared/reference/keras-tf-semantics.md §5.5e;
//   docs/parity.md "float32 tanh on TF CPU").
// - oneDNN: TF's own start-up message, "oneDNN custom operations are on. You may see slightly different numerical
//   results due to floating-point round-off errors from different computation orders. To turn them off, set the
//   environment variable `TF_ENABLE_ONEDNN_OPTS=0`."
// - cuDNN and TensorFloat-32: Keras runs an eligible LSTM/GRU through cuDNN on a GPU; on Ampere and newer GPUs TF
//   runs float32 matmuls in TF32 (10-bit mantissa) by default, about 1e-3 relative
//   (`tf.config.experimental.enable_tensor_float_32_execution`; keras-tf-semantics.md §5.5d; cudnn.md).
// - XLA: Keras 3 compiles train_step with jit_compile="auto", which is XLA on a GPU and not on a CPU
//   (keras/src/trainers/trainer.py `_resolve_auto_jit_compile`); XLA fuses and reorders float arithmetic.

import type { CompareResult, CompareRow } from './compare.js';
import type { Layer } from '../keras/engine/layer.js';
import type { NpyArray } from './npy.js';

/** What the Keras-side script records about its run (python/lstm_ts_reference.py `meta`). */
export interface ReferenceMeta {
  tensorflow?: string;
  keras?: string;
  numpy?: string;
  gpus?: string[];
  onednn?: boolean;
  tf32?: boolean;
  jit_compile?: boolean;
  grads?: boolean;
  train_step?: boolean;
}

export interface CompareSection {
  /** 'outputs', 'gradients' or 'train step' */
  name: string;
  result: CompareResult;
}

/** The reference's `__meta__` (JSON bytes), or null for references written before it existed. */
export function readReferenceMeta(ref: ReadonlyMap<string, NpyArray>): ReferenceMeta | null {
  const m = ref.get('__meta__');
  if (!m || m.dtype !== 'uint8') return null;
  try {
    const v = JSON.parse(new TextDecoder().decode(m.data as Uint8Array)) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as ReferenceMeta) : null;
  } catch {
    return null;
  }
}

/**
 * A failing row whose difference is the size float32 rounding produces: at most 1e-4 of the row's scale (max
 * |ref|, about 800 float32 ulps of its largest element: what Eigen's tanh and reordered sums accumulate over
 * long sequences and a backward pass), or below 1e-7 absolute where the reference is all zeros. Judged against
 * the row's scale, not element by element, since near-zero elements make any difference look large relatively.
 */
function roundingSized(r: CompareRow): boolean {
  return !r.ok && !r.note && Number.isFinite(r.maxAbs) && (r.maxAbs <= 1e-4 * r.scale || r.maxAbs <= 1e-7);
}

const RANDOM_KEYS = ['dropout', 'recurrent_dropout', 'rate', 'stddev'];
/** Names of layers whose training-mode call draws random numbers (dropout, noise), from their Keras config. */
export function randomInTraining(layers: readonly Layer[]): string[] {
  const has = (c: unknown): boolean => {
    if (c === null || typeof c !== 'object') return false;
    return Object.entries(c as Record<string, unknown>).some(([k, v]) => (RANDOM_KEYS.includes(k) && typeof v === 'number' && v > 0) || has(v));
  };
  return layers.filter((l) => has(l.getConfig())).map((l) => l.name);
}

const RECURRENT = /^(LSTM|GRU|SimpleRNN|RNN|Bidirectional|ConvLSTM\dD)$/;

/**
 * Lines that explain the differences a reader should expect, given the reference's run and the rows that fail.
 * Empty when nothing needs explaining (everything passed and no setting of the reference's run is unusual).
 */
export function explainDifferences(sections: readonly CompareSection[], meta: ReferenceMeta | null, layers: readonly Layer[]): string[] {
  const notes: string[] = [];
  const failing = sections.flatMap((s) => s.result.rows.filter((r) => !r.ok).map((r) => ({ section: s.name, row: r })));
  const onGpu = (meta?.gpus?.length ?? 0) > 0;
  if (meta) {
    notes.push(`reference: TensorFlow ${meta.tensorflow ?? '?'}, Keras ${meta.keras ?? '?'} on ${onGpu ? `GPU (${meta.gpus!.join(', ')})` : 'CPU'}` +
      `${meta.onednn === undefined ? '' : `, oneDNN ${meta.onednn ? 'on' : 'off'}`}${meta.tf32 === undefined || !onGpu ? '' : `, TensorFloat-32 ${meta.tf32 ? 'on' : 'off'}`}`);
  }
  if (onGpu) {
    const rnn = layers.filter((l) => RECURRENT.test(l.className)).map((l) => l.name);
    notes.push('the reference ran on a GPU: Keras computes eligible LSTM/GRU layers with cuDNN' + (rnn.length ? ` (here: ${rnn.join(', ')})` : '') +
      ', whose summation order differs from the CPU\'s' + (meta?.tf32 ? '; and TensorFloat-32 is on, so float32 matmuls keep 10 mantissa bits: ' +
      'differences near 1e-3 relative are expected. For a tight comparison write the reference on a CPU, or call ' +
      'tf.config.experimental.enable_tensor_float_32_execution(False) (or set NVIDIA_TF32_OVERRIDE=0) before running the script' : ''));
  }
  if (meta?.jit_compile && sections.some((s) => s.name === 'train step')) {
    notes.push('Keras compiled the training step with XLA (jit_compile), which fuses and reorders float arithmetic: expect rounding-sized differences after the step');
  }
  // Rows after the first real difference inherit it, however small they look: only those before it are rounding.
  const firstReal = failing.findIndex(({ row }) => !row.note && !roundingSized(row));
  const small = failing.filter(({ row }, k) => roundingSized(row) && (firstReal < 0 || k < firstReal));
  if (small.length > 0) {
    const where = [...new Set(small.map(({ section }) => section))].join(', ');
    notes.push(`${small.length} failing row(s) (${where}) differ by rounding-sized amounts (≤ 1e-4 of the row's largest value). Expected causes: TF's CPU tanh and sigmoid ` +
      'are Eigen\'s rational approximations (about 2 ulp per call, growing over time steps and through the backward pass), and float32 sums ' +
      'are accumulated in another order' + (meta?.onednn !== false && !onGpu ? ' (oneDNN is on in the reference: "you may see slightly different numerical ' +
      'results due to floating-point round-off errors from different computation orders"; TF_ENABLE_ONEDNN_OPTS=0 on the Python side turns it off)' : '') +
      '. lstm-ts\'s own tests hold outputs to 1e-5 and gradients to 1e-4 against TF; --tol 1e-4,1e-4 is the usual choice for gradients and long sequences');
  }
  const large = failing.filter(({ row }) => !row.note && !roundingSized(row));
  if (large.length > 0) {
    const first = large[0];
    notes.push(`${large.length} failing row(s) differ by more than rounding (first: ${first.section} ${first.row.key}, max abs ${first.row.maxAbs.toExponential(2)}): ` +
      'not float32 round-off but a real difference: a weight, a layer option read differently, or a behaviour lstm-ts does not reproduce ' +
      '(docs/parity.md "Not reproduced"). Start at the first divergence; rows after it inherit its difference');
  }
  const outputsFail = sections.find((s) => s.name === 'outputs')?.result.ok === false;
  if (outputsFail && sections.some((s) => s.name !== 'outputs' && !s.result.ok)) {
    notes.push('the layer outputs already differ, so the gradients and the training step cannot agree either: fix the outputs first');
  }
  if (sections.some((s) => s.name === 'train step')) {
    const rnd = randomInTraining(layers);
    if (rnd.length > 0) {
      notes.push(`the training step runs in training mode, where ${rnd.join(', ')} draw${rnd.length === 1 ? 's' : ''} random masks or noise: TensorFlow's random ` +
        'streams cannot be reproduced here, so those steps cannot match; set the rates to 0 for the comparison');
    }
  }
  const notesRows = failing.filter(({ row }) => row.note);
  if (notesRows.some(({ row }) => /missing in the reference|reference only/.test(row.note!))) {
    notes.push('some names exist on one side only: the reference was written for another model, other inputs, or without --grads / --train-step');
  }
  return notes;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number): string => (Number.isNaN(x) ? '–' : x === 0 ? '0' : !Number.isFinite(x) ? '∞' : x.toExponential(2));

/**
 * One horizontal bar per row: the row's error as a multiple of its tolerance (max |Δ| / (abs + rel·|ref|)),
 * on a log axis from 1e-6 to 1e3 with the pass line at 1; exact rows (0) sit at the left edge.
 */
export function errorChartSvg(rows: readonly CompareRow[], firstDivergence: string | null): string {
  const lo = -6, hi = 3;
  const rowH = 16, left = 260, width = 420, top = 24;
  const x = (r: number) => left + ((Math.min(hi, Math.max(lo, r)) - lo) / (hi - lo)) * width;
  const h = top + rows.length * rowH + 8;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 90}" height="${h}" role="img" aria-label="error as a multiple of the tolerance, per row" font-family="sans-serif" font-size="11">`,
  ];
  for (let e = lo; e <= hi; e++) {
    parts.push(`<line x1="${x(e)}" y1="${top - 4}" x2="${x(e)}" y2="${h - 6}" stroke="${e === 0 ? '#c00' : '#ddd'}" stroke-width="${e === 0 ? 1.5 : 1}"/>`);
    parts.push(`<text x="${x(e)}" y="${top - 8}" text-anchor="middle" fill="${e === 0 ? '#c00' : '#666'}">${e === 0 ? 'tolerance' : `1e${e}`}</text>`);
  }
  rows.forEach((r, k) => {
    const y = top + k * rowH;
    const bad = !r.ok;
    const val = Number.isNaN(r.ratio) ? hi : r.ratio === 0 ? lo : Math.log10(r.ratio);
    parts.push(`<text x="${left - 6}" y="${y + 11}" text-anchor="end"${r.key === firstDivergence ? ' font-weight="bold"' : ''}>${esc(r.key)}</text>`);
    parts.push(`<rect x="${left}" y="${y + 3}" width="${Math.max(1, x(val) - left)}" height="${rowH - 6}" fill="${bad ? '#d33' : '#3a3'}"><title>${esc(r.key)}: ${Number.isNaN(r.ratio) ? esc(r.note ?? 'no numbers') : `${num(r.ratio)} × tolerance, max abs ${num(r.maxAbs)}`}</title></rect>`);
    parts.push(`<text x="${x(val) + 4}" y="${y + 11}" fill="#333">${Number.isNaN(r.ratio) ? 'n/a' : r.ratio === 0 ? 'exact' : num(r.ratio)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The report as one HTML page: no scripts, no external resources (a CI artifact one can open anywhere). */
export function formatCompareHtml(report: { model: string; sections: readonly CompareSection[]; notes: readonly string[]; inputs?: readonly string[] }): string {
  const ok = report.sections.every((s) => s.result.ok);
  const body: string[] = [
    `<h1>lstm-ts compare: ${esc(report.model)}</h1>`,
    `<p class="${ok ? 'ok' : 'bad'}">${ok ? 'Everything within tolerance.' : `Differences past the tolerance: first in ${esc(report.sections.find((s) => !s.result.ok)!.name)}, at ${esc(report.sections.find((s) => !s.result.ok)!.result.firstDivergence ?? '?')}.`}</p>`,
  ];
  if (report.inputs?.length) body.push(`<p>Inputs: ${report.inputs.map(esc).join('; ')}</p>`);
  if (report.notes.length) body.push('<h2>Notes</h2>', '<ul>', ...report.notes.map((n) => `<li>${esc(n)}</li>`), '</ul>');
  for (const s of report.sections) {
    const t = s.result.tolerance;
    body.push(`<h2>${esc(s.name)}</h2>`, `<p>Tolerance per element: |Δ| ≤ ${t.abs} + ${t.rel}·|ref|. ${s.result.ok ? 'All rows pass.' : `First divergence: <b>${esc(s.result.firstDivergence ?? '')}</b>.`}</p>`);
    body.push(errorChartSvg(s.result.rows, s.result.firstDivergence));
    body.push('<table><thead><tr><th>name</th><th>shape</th><th>max abs</th><th>max rel</th><th>max ulps</th><th>× tol</th><th>verdict</th></tr></thead><tbody>');
    for (const r of s.result.rows) {
      body.push(`<tr class="${r.ok ? 'ok' : 'bad'}${r.key === s.result.firstDivergence ? ' first' : ''}"><td>${esc(r.key)}${r.label ? ` <small>(${esc(r.label)})</small>` : ''}</td>` +
        `<td>[${r.shape.join(', ')}]</td><td>${num(r.maxAbs)}</td><td>${num(r.maxRel)}</td><td>${Number.isNaN(r.maxUlps) ? '–' : r.maxUlps}</td><td>${num(r.ratio)}</td>` +
        `<td>${r.ok ? 'ok' : esc(r.note ? `FAIL: ${r.note}` : 'FAIL')}${r.key === s.result.firstDivergence ? ' ← first divergence' : ''}</td></tr>`);
    }
    body.push('</tbody></table>');
  }
  const css = 'body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px;text-align:left}' +
    'tr.bad td{background:#fee}tr.first td{font-weight:bold}p.ok{color:#070}p.bad{color:#b00}';
  return `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>lstm-ts compare: ${esc(report.model)}</title><style>${css}</style></head>\n<body>\n${body.join('\n')}\n</body></html>\n`;
}
