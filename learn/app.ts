// "An LSTM, gate by gate": the explorable of `npm run learn` (docs/learn.md). Everything on the page is computed
// live by lstm-ts in the page: the cell diagram and the heatmaps show lt.reference's step values (the plain
// implementation in src/reference/recurrent.ts, whose source is shown beside the equations), checked against the
// layer's own fused kernel on every change; the BPTT and training views train real models on the adding problem.
import * as lt from 'lstm-ts';
import { lineChartSvg } from '../src/train/plot/svg-chart.js';
import { CELL_PARTS, DEFAULT_CONFIG, runCell, trainingRun, type CellConfig, type CellKind, type CellRun, type TrainingRun } from './model.js';

declare const __REFERENCE_SOURCE__: { file: string; text: string };

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`missing #${id}`);
  return e as T;
};
const fmt = (v: number): string => (Math.abs(v) < 0.0005 ? '0.000' : v.toFixed(3));
const SVG = 'http://www.w3.org/2000/svg';

// ---- colours: a diverging scale for values in [lo, hi] (blue negative, white 0 / 0.5, orange positive) ----
function colour(v: number, [lo, hi]: [number, number]): string {
  const mid = lo < 0 ? 0 : (lo + hi) / 2;
  const s = Math.max(-1, Math.min(1, v >= mid ? (v - mid) / (hi - mid) : -(mid - v) / (mid - lo)));
  const a = Math.abs(s);
  const [r, g, b] = s >= 0 ? [255, Math.round(255 - 130 * a), Math.round(255 - 230 * a)] : [Math.round(255 - 215 * a), Math.round(255 - 120 * a), 255];
  return `rgb(${r},${g},${b})`;
}

// ---- state -------------------------------------------------------------------------------------------------
let config: CellConfig = { ...DEFAULT_CONFIG };
let run: CellRun = runCell(lt, config);
let step = 0;

// ---- the equations, each linked to its line in the reference source ------------------------------------------
const EQUATIONS: Record<CellKind, { tex: string; part: string | null; code: string }[]> = {
  LSTM: [
    { tex: 'z = x·W + h·U + b   (split into z_i, z_f, z_c, z_o: Keras order i, f, c, o)', part: null, code: 'const z = add(' },
    { tex: 'i = σ(z_i)   input gate', part: 'i', code: 'const i = sigmoid(' },
    { tex: 'f = σ(z_f)   forget gate', part: 'f', code: 'const f = sigmoid(' },
    { tex: 'c̃ = tanh(z_c)   candidate', part: 'cTilde', code: 'const cTilde = tanh(' },
    { tex: 'o = σ(z_o)   output gate', part: 'o', code: 'const o = sigmoid(' },
    { tex: "c' = f ⊙ c + i ⊙ c̃   new cell state", part: 'c', code: 'const cNew = ' },
    { tex: "h' = o ⊙ tanh(c')   new hidden state", part: 'h', code: 'const hNew = mul(o' },
  ],
  GRU: [
    { tex: 'x_z, x_r, x_h = x·W + b_in', part: null, code: 'const [xz, xr, xh]' },
    { tex: 'u_z, u_r, u_h = h·U + b_rec', part: null, code: 'const [uz, ur, uh]' },
    { tex: 'z = σ(x_z + u_z)   update gate', part: 'z', code: 'const z = sigmoid(' },
    { tex: 'r = σ(x_r + u_r)   reset gate', part: 'r', code: 'const r = sigmoid(' },
    { tex: 'h̃ = tanh(x_h + r ⊙ u_h)   candidate', part: 'hTilde', code: 'const hTilde = tanh(' },
    { tex: "h' = z ⊙ h + (1 − z) ⊙ h̃", part: 'h', code: 'const hNew = add(' },
  ],
  SimpleRNN: [{ tex: "h' = tanh(x·W + b + h·U)", part: 'h', code: 'return { h: tanh(' }],
};
const STEP_FN: Record<CellKind, string> = { LSTM: 'export function lstmStep', GRU: 'export function gruStep', SimpleRNN: 'export function simpleRnnStep' };

/** The source lines of one reference step function: [line number in the file, text]. */
function referenceLines(cell: CellKind): [number, string][] {
  const lines = __REFERENCE_SOURCE__.text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(STEP_FN[cell]));
  let end = start;
  while (end < lines.length && lines[end] !== '}') end++;
  return lines.slice(start, end + 1).map((l, k) => [start + k + 1, l]);
}

function renderEquations(): void {
  const cell = config.cell;
  const lines = referenceLines(cell);
  const code = $('ref-code');
  code.textContent = '';
  for (const [n, text] of lines) {
    const span = document.createElement('span');
    span.className = 'line';
    span.id = `ref-L${n}`;
    span.dataset.line = String(n);
    span.textContent = `${String(n).padStart(3)}  ${text}\n`;
    code.append(span);
  }
  $('ref-file').textContent = `${__REFERENCE_SOURCE__.file}, ${STEP_FN[cell].replace('export function ', '')}()`;
  const list = $('equations');
  list.textContent = '';
  for (const eq of EQUATIONS[cell]) {
    const n = lines.find(([, t]) => t.includes(eq.code))?.[0];
    const li = document.createElement('li');
    const a = document.createElement('a');
    a.href = n ? `#ref-L${n}` : '#ref-code';
    a.textContent = eq.tex;
    a.title = n ? `line ${n} of the reference step` : '';
    if (eq.part) li.dataset.part = eq.part;
    const mark = (on: boolean): void => { if (n) document.getElementById(`ref-L${n}`)?.classList.toggle('hot', on); };
    a.addEventListener('mouseenter', () => mark(true));
    a.addEventListener('mouseleave', () => mark(false));
    a.addEventListener('focus', () => mark(true));
    a.addEventListener('blur', () => mark(false));
    li.append(a);
    list.append(li);
  }
}

// ---- the cell diagram ----------------------------------------------------------------------------------------
interface Box { part: string; label: string; x: number; y: number; w: number; h: number; op?: boolean }
const DIAGRAMS: Record<CellKind, { boxes: Box[]; wires: [number, number, number, number][]; width: number; height: number }> = {
  LSTM: {
    width: 620, height: 300,
    boxes: [
      { part: 'f', label: 'σ  f', x: 90, y: 170, w: 80, h: 44 },
      { part: 'i', label: 'σ  i', x: 200, y: 170, w: 80, h: 44 },
      { part: 'cTilde', label: 'tanh  c̃', x: 310, y: 170, w: 80, h: 44 },
      { part: 'o', label: 'σ  o', x: 420, y: 170, w: 80, h: 44 },
      { part: 'c', label: "c'", x: 520, y: 22, w: 80, h: 40 },
      { part: 'h', label: "h'", x: 520, y: 246, w: 80, h: 40 },
      { part: 'op-f', label: '×', x: 115, y: 26, w: 30, h: 30, op: true },
      { part: 'op-add', label: '+', x: 335, y: 26, w: 30, h: 30, op: true },
      { part: 'op-ic', label: '×', x: 280, y: 100, w: 30, h: 30, op: true },
      { part: 'op-tanh', label: 'tanh', x: 430, y: 90, w: 60, h: 30, op: true },
      { part: 'op-oh', label: '×', x: 545, y: 177, w: 30, h: 30, op: true },
    ],
    wires: [
      [20, 41, 115, 41], [145, 41, 335, 41], [365, 41, 520, 41],  // c_{t−1} → ×f → + → c'
      [130, 170, 130, 56],                                         // f scales the old cell state
      [240, 170, 285, 126], [350, 170, 305, 126], [295, 100, 350, 56],  // i ⊙ c̃ is added to it
      [460, 41, 460, 90], [490, 105, 560, 105], [560, 105, 560, 177],   // tanh(c') …
      [500, 192, 545, 192], [560, 207, 560, 246],                  // … times o is h'
      [130, 214, 130, 262], [240, 214, 240, 262], [350, 214, 350, 262], [460, 214, 460, 262],  // [x_t, h_{t−1}] feeds every gate
      [20, 262, 460, 262],
    ],
  },
  GRU: {
    width: 620, height: 300,
    boxes: [
      { part: 'z', label: 'σ  z', x: 90, y: 170, w: 80, h: 44 },
      { part: 'r', label: 'σ  r', x: 220, y: 170, w: 80, h: 44 },
      { part: 'hTilde', label: 'tanh  h̃', x: 350, y: 170, w: 80, h: 44 },
      { part: 'h', label: "h'", x: 520, y: 22, w: 80, h: 40 },
      { part: 'op-mix', label: 'z⊙h + (1−z)⊙h̃', x: 250, y: 26, w: 150, h: 30, op: true },
    ],
    wires: [
      [20, 41, 250, 41], [400, 41, 520, 41],        // h_{t−1} → the mix → h'
      [130, 170, 265, 56], [390, 170, 385, 56],     // z and h̃ into the mix
      [300, 192, 350, 192],                         // r gates h·U inside the candidate
      [130, 214, 130, 262], [260, 214, 260, 262], [390, 214, 390, 262], [20, 262, 390, 262],  // [x_t, h_{t−1}] feeds z, r, h̃
    ],
  },
  SimpleRNN: {
    width: 620, height: 200,
    boxes: [{ part: 'h', label: "tanh  h'", x: 260, y: 80, w: 110, h: 50 }],
    wires: [[20, 105, 260, 105], [370, 105, 600, 105], [315, 180, 315, 130]],
  },
};

function renderDiagram(): void {
  const d = DIAGRAMS[config.cell];
  const svg = $('diagram') as unknown as SVGSVGElement;
  svg.setAttribute('viewBox', `0 0 ${d.width} ${d.height}`);
  svg.textContent = '';
  const el = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  for (const [x1, y1, x2, y2] of d.wires) el('line', { x1, y1, x2, y2, stroke: '#666', 'stroke-width': 2 });
  const labels: [string, number, number][] = config.cell === 'SimpleRNN' ? [['h', 24, 98], ["h'", 560, 98], ['x_t', 322, 176]]
    : config.cell === 'GRU' ? [['h', 24, 34], ['x_t, h', 24, 256]] : [['c', 24, 34], ['x_t, h', 24, 256]];
  for (const [t, x, y] of labels) el('text', { x, y, 'font-size': 13, fill: '#333' }, t);
  const values = run.steps[step];
  const parts = CELL_PARTS[config.cell];
  for (const b of d.boxes) {
    const p = parts.find((q) => q.key === b.part);
    const v = p ? values[p.key] : null;
    const mean = v ? v.reduce((s, x) => s + x, 0) / v.length : 0;
    const g = document.createElementNS(SVG, 'g');
    g.dataset.part = b.part;
    svg.append(g);
    const rect = document.createElementNS(SVG, 'rect');
    for (const [k, val] of Object.entries({ x: b.x, y: b.y, width: b.w, height: b.h, rx: b.op ? 15 : 6, stroke: '#333', 'stroke-width': 1.5 })) rect.setAttribute(k, String(val));
    rect.setAttribute('fill', p && v ? colour(mean, p.range) : '#f4f4f4');
    g.append(rect);
    const t = document.createElementNS(SVG, 'text');
    t.setAttribute('x', String(b.x + b.w / 2));
    t.setAttribute('y', String(b.y + (v ? b.h / 2 - 4 : b.h / 2 + 5)));
    t.setAttribute('text-anchor', 'middle');
    t.setAttribute('font-size', b.op ? '15' : '14');
    t.textContent = b.label;
    g.append(t);
    if (p && v) {
      const tv = document.createElementNS(SVG, 'text');
      tv.setAttribute('x', String(b.x + b.w / 2));
      tv.setAttribute('y', String(b.y + b.h / 2 + 13));
      tv.setAttribute('text-anchor', 'middle');
      tv.setAttribute('font-size', '10');
      tv.textContent = v.map(fmt).join(' ');
      g.append(tv);
      const title = document.createElementNS(SVG, 'title');
      title.textContent = `${p.label}: ${v.map(fmt).join(', ')}`;
      g.append(title);
    }
  }
  const t = run.order[step];
  svg.setAttribute('aria-label', `${config.cell} cell at step ${step + 1} of ${run.order.length} (time ${t}, input ${config.sequence[t]})` +
    (run.masked[step] ? ', masked: the states are carried over unchanged' : '') + '. ' +
    parts.map((p) => `${p.label} ${values[p.key].map(fmt).join(', ')}`).join('; '));
}

// ---- the values of the current step, as a table (what a screen reader reads; the test reads it too) --------
function renderValues(): void {
  const table = $('values');
  const parts = CELL_PARTS[config.cell];
  const values = run.steps[step];
  const head = `<tr><th scope="col">part</th>${Array.from({ length: config.units }, (_, k) => `<th scope="col">unit ${k}</th>`).join('')}</tr>`;
  const rows = parts.map((p) => `<tr data-part="${p.key}"><th scope="row">${p.label}</th>${values[p.key].map((v, k) =>
    `<td data-part="${p.key}" data-unit="${k}" data-value="${v}" style="background:${colour(v, p.range)}">${fmt(v)}</td>`).join('')}</tr>`);
  table.innerHTML = `<caption>step ${step + 1} of ${run.order.length}: time t = ${run.order[step]}, input x = ${config.sequence[run.order[step]]}${run.masked[step] ? ' (masked)' : ''}</caption>${head}${rows.join('')}`;
  const t = run.order[step];
  $('step-label').textContent = `Step ${step + 1} of ${run.order.length} — time t = ${t}, x_t = ${config.sequence[t]}${run.masked[step] ? ' (masked: states carried over)' : ''}`;
  $('live').textContent = `Step ${step + 1}: ` + parts.map((p) => `${p.label} ${values[p.key].map(fmt).join(', ')}`).join('; ');
  $('check').textContent = `The plain reference (lt.reference) and the ${config.cell} layer's fused kernel agree to ${run.maxDiff.toExponential(1)} on every output.`;
}

// ---- heatmaps over time --------------------------------------------------------------------------------------
function renderHeatmaps(): void {
  const box = $('heatmaps');
  box.textContent = '';
  const T = run.order.length;
  const cw = 34, ch = 18, left = 110;
  for (const p of CELL_PARTS[config.cell]) {
    // Colours scaled to this row's largest deviation from the neutral value (0, or 0.5 for a gate in [0, 1]),
    // so that small differences between steps are visible; the numbers are in each cell's tooltip.
    const mid = p.range[0] < 0 ? 0 : (p.range[0] + p.range[1]) / 2;
    const dev = Math.max(0.05, ...run.steps.flatMap((v) => v[p.key].map((x) => Math.abs(x - mid))));
    const range: [number, number] = [mid - dev, mid + dev];
    const svg = document.createElementNS(SVG, 'svg');
    const w = left + T * cw + 4, h = config.units * ch + 22;
    svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
    svg.setAttribute('width', String(w));
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${p.label} over the ${T} steps`);
    svg.dataset.part = p.key;
    let html = `<text x="0" y="${ch}" font-size="12">${p.label}</text><text x="0" y="${ch + 14}" font-size="10" fill="#555">${fmt(range[0])} … ${fmt(range[1])}</text>`;
    for (let s = 0; s < T; s++) {
      for (let k = 0; k < config.units; k++) {
        const v = run.steps[s][p.key][k];
        html += `<rect x="${left + s * cw}" y="${k * ch + 4}" width="${cw - 2}" height="${ch - 2}" fill="${colour(v, range)}"${run.masked[s] ? ' stroke="#999" stroke-dasharray="2 2"' : ''}><title>${p.label}, step ${s + 1} (t = ${run.order[s]}), unit ${k}: ${fmt(v)}</title></rect>`;
      }
      html += `<text x="${left + s * cw + cw / 2 - 1}" y="${config.units * ch + 18}" font-size="10" text-anchor="middle">${run.order[s]}</text>`;
    }
    html += `<rect x="${left + step * cw - 1}" y="2" width="${cw}" height="${config.units * ch + 2}" fill="none" stroke="#000" stroke-width="2"/>`;
    svg.innerHTML = html;
    box.append(svg);
  }
}

// ---- controls ------------------------------------------------------------------------------------------------
function parseSequence(text: string): number[] | string {
  const parts = text.split(/[\s,;]+/).filter((s) => s !== '');
  if (parts.length === 0) return 'enter at least one number';
  if (parts.length > 24) return `at most 24 steps (got ${parts.length})`;
  const xs = parts.map(Number);
  const bad = parts.find((s, i) => !Number.isFinite(xs[i]));
  return bad === undefined ? xs : `'${bad}' is not a number`;
}

function recompute(keepStep = false): void {
  run = runCell(lt, config);
  if (!keepStep || step >= run.order.length) step = 0;
  const slider = $<HTMLInputElement>('step');
  slider.max = String(run.order.length - 1);
  slider.value = String(step);
  $<HTMLInputElement>('unit-forget-bias').disabled = config.cell !== 'LSTM';
  renderEquations();
  render();
}

function render(): void {
  $<HTMLInputElement>('step').value = String(step);
  $<HTMLButtonElement>('prev').disabled = step === 0;
  $<HTMLButtonElement>('next').disabled = step === run.order.length - 1;
  renderDiagram();
  renderValues();
  renderHeatmaps();
}

function setStep(s: number): void {
  step = Math.max(0, Math.min(run.order.length - 1, s));
  render();
}

function wireControls(): void {
  $<HTMLSelectElement>('cell').addEventListener('change', (e) => { config = { ...config, cell: (e.target as HTMLSelectElement).value as CellKind }; recompute(true); });
  $<HTMLInputElement>('sequence').addEventListener('change', (e) => {
    const input = e.target as HTMLInputElement;
    const r = parseSequence(input.value);
    $('sequence-error').textContent = typeof r === 'string' ? r : '';
    input.setAttribute('aria-invalid', typeof r === 'string' ? 'true' : 'false');
    if (typeof r !== 'string') { config = { ...config, sequence: r }; recompute(true); }
  });
  const num = (id: string, key: 'units' | 'seed', lo: number, hi: number): void => {
    $<HTMLInputElement>(id).addEventListener('change', (e) => {
      const v = Math.round(Number((e.target as HTMLInputElement).value));
      if (Number.isFinite(v) && v >= lo && v <= hi) { config = { ...config, [key]: v }; recompute(true); }
    });
  };
  num('units', 'units', 1, 6);
  num('seed', 'seed', 0, 1_000_000);
  const flag = (id: string, key: 'unitForgetBias' | 'maskZeros' | 'goBackwards'): void => {
    $<HTMLInputElement>(id).addEventListener('change', (e) => { config = { ...config, [key]: (e.target as HTMLInputElement).checked }; recompute(true); });
  };
  flag('unit-forget-bias', 'unitForgetBias');
  flag('mask-zeros', 'maskZeros');
  flag('go-backwards', 'goBackwards');
  $('prev').addEventListener('click', () => setStep(step - 1));
  $('next').addEventListener('click', () => setStep(step + 1));
  $<HTMLInputElement>('step').addEventListener('input', (e) => setStep(Number((e.target as HTMLInputElement).value)));
}

// ---- backpropagation through time and training on the adding problem -----------------------------------------
const TRAIN = { T: 30, units: 16, batch: 32, batchesPerEpoch: 10, seed: 1, lr: 0.01 };
let training: TrainingRun = trainingRun(lt, TRAIN);
const initialGradients = training.gradients();
let trainedGradients: Record<'LSTM' | 'SimpleRNN', number[]> | null = null;
let stopRequested = false;

function renderGradients(): void {
  const pts = (g: number[]): [number, number][] => g.map((v, t) => [t, v]);
  const series = [
    { name: 'LSTM, untrained', points: pts(initialGradients.LSTM), color: '#1f77b4', dashed: true },
    { name: 'SimpleRNN, untrained', points: pts(initialGradients.SimpleRNN), color: '#d62728', dashed: true },
  ];
  if (trainedGradients) {
    series.push({ name: 'LSTM, trained', points: pts(trainedGradients.LSTM), color: '#1f77b4', dashed: false });
    series.push({ name: 'SimpleRNN, trained', points: pts(trainedGradients.SimpleRNN), color: '#d62728', dashed: false });
  }
  $('gradients').innerHTML = lineChartSvg(series, { title: `‖∂L/∂x_t‖ on one adding-problem batch (T = ${TRAIN.T})`, xLabel: 'time step t (the loss is read after the last step)', yLabel: 'gradient norm (log scale)', logY: true, width: 760, height: 380 });
  $('gradients').dataset.trained = trainedGradients ? 'true' : 'false';
}

function renderLosses(): void {
  const l = training.losses;
  const el = $('losses');
  el.dataset.losses = JSON.stringify(l);
  if (l.LSTM.length === 0) { el.innerHTML = '<p>No training yet.</p>'; return; }
  el.innerHTML = lineChartSvg([
    { name: `LSTM (${TRAIN.units} units)`, points: l.LSTM.map((v, e) => [e + 1, v]) },
    { name: `SimpleRNN (${TRAIN.units} units)`, points: l.SimpleRNN.map((v, e) => [e + 1, v]) },
  ], { title: `Adding problem, T = ${TRAIN.T}: training loss`, xLabel: `epoch (${TRAIN.batchesPerEpoch} batches of ${TRAIN.batch})`, yLabel: 'MSE (log scale)', logY: true, width: 760, height: 380, hlines: [{ y: 1 / 6, label: 'baseline: predict 1.0' }] });
}

async function train(epochs: number): Promise<void> {
  const button = $<HTMLButtonElement>('train');
  const stop = $<HTMLButtonElement>('stop');
  button.disabled = true;
  stop.disabled = false;
  stopRequested = false;
  const status = $('train-status');
  for (let e = 0; e < epochs && !stopRequested; e++) {
    const r = training.epoch();
    status.textContent = `epoch ${training.losses.LSTM.length}: LSTM loss ${r.LSTM.toFixed(4)}, SimpleRNN loss ${r.SimpleRNN.toFixed(4)}`;
    renderLosses();
    await new Promise((ok) => setTimeout(ok, 0));  // let the page repaint between epochs
  }
  trainedGradients = training.gradients();
  renderGradients();
  status.textContent += ' — done.';
  status.dataset.done = 'true';
  button.disabled = false;
  stop.disabled = true;
}

function wireTraining(): void {
  $('train').addEventListener('click', () => {
    const n = Math.round(Number($<HTMLInputElement>('epochs').value));
    $('train-status').dataset.done = 'false';
    void train(Number.isFinite(n) && n > 0 ? Math.min(n, 500) : 60);
  });
  $('stop').addEventListener('click', () => { stopRequested = true; });
  $('reset').addEventListener('click', () => {
    training = trainingRun(lt, TRAIN);
    trainedGradients = null;
    renderLosses();
    renderGradients();
    $('train-status').textContent = 'Models reset to their initial weights.';
  });
}

// ---- start ---------------------------------------------------------------------------------------------------
function start(): void {
  $<HTMLInputElement>('sequence').value = config.sequence.join(', ');
  wireControls();
  wireTraining();
  recompute();
  renderGradients();
  renderLosses();
  $('kernel-info').textContent = `lstm-ts running in this page: float32 GEMM ${lt.wasmSimdAvailable() ? 'on WebAssembly SIMD' : 'in plain JavaScript (no WebAssembly SIMD here)'}; the native addon is Node-only.`;
  document.body.dataset.ready = 'true';
  (window as unknown as { __learn: unknown }).__learn = { config: () => config, run: () => run, step: () => step };
}

start();
