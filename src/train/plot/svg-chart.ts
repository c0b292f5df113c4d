// A small, dependency-free SVG line chart for loss curves: several series on shared axes, "nice" tick
// values, axis labels, a legend, optional log-scale y axis and horizontal reference lines (e.g. the
// adding problem's trivial baseline). Output is a self-contained SVG document string.

import { fail } from '../../tensor/shape.js';

export interface Series {
  name: string;
  /** [x, y] points; non-finite y values are skipped (a gap). */
  points: [number, number][];
  color?: string;
  dashed?: boolean;
}

export interface HLine {
  y: number;
  label: string;
  color?: string;
}

export interface ChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  logY?: boolean;
  hlines?: HLine[];
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Ticks at 1, 2 or 5 × 10^k covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // k·step rounded to 12 digits, so 3 × 0.05 prints as 0.15, not 0.15000000000000002
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  // Step counts read better as 10000 / 15000 than 1e+4; exponents only for large or tiny values (log axes).
  if (a >= 1e6 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  if (a >= 1e4 && Number.isInteger(v)) return String(v);
  if (a >= 1e4) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

export function lineChartSvg(series: Series[], opts: ChartOptions = {}): string {
  if (series.length === 0) fail('lineChartSvg', 'need at least one series');
  const W = opts.width ?? 800;
  const H = opts.height ?? 480;
  // The legend sits in its own band between the title and the plot, never over a curve (inside the plot it
  // covered the SimpleRNN curve of `npm start`, the very line it names): items in a row, wrapped to the width.
  const itemWidth = (s: Series): number => 38 + s.name.length * 7 + 18;
  const legendRows: Series[][] = [[]];
  let rowWidth = 0;
  for (const s of series) {
    if (rowWidth > 0 && rowWidth + itemWidth(s) > W - 80 - 24) {
      legendRows.push([]);
      rowWidth = 0;
    }
    legendRows[legendRows.length - 1].push(s);
    rowWidth += itemWidth(s);
  }
  const legendTop = opts.title ? 44 : 12;
  const m = { left: 80, right: 24, top: legendTop + legendRows.length * 20 + 10, bottom: 64 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const logY = opts.logY ?? false;
  const ty = (y: number): number => (logY ? Math.log10(y) : y);
  const usable = (y: number): boolean => Number.isFinite(y) && (!logY || y > 0);

  let xmin = Infinity;
  let xmax = -Infinity;
  let ymin = Infinity;
  let ymax = -Infinity;
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !usable(y)) continue;
      xmin = Math.min(xmin, x);
      xmax = Math.max(xmax, x);
      ymin = Math.min(ymin, ty(y));
      ymax = Math.max(ymax, ty(y));
    }
  }
  for (const h of opts.hlines ?? []) {
    if (usable(h.y)) {
      ymin = Math.min(ymin, ty(h.y));
      ymax = Math.max(ymax, ty(h.y));
    }
  }
  if (!Number.isFinite(xmin)) {
    xmin = 0;
    xmax = 1;
  }
  if (!Number.isFinite(ymin)) {
    ymin = 0;
    ymax = 1;
  }
  // Curves over steps or epochs read best from 0 when every x is non-negative.
  if (xmin > 0 && xmin <= 0.2 * xmax) xmin = 0;
  if (xmax === xmin) xmax = xmin + 1;
  if (ymax === ymin) {
    ymin -= 0.5;
    ymax += 0.5;
  }
  if (logY) {
    ymin = Math.floor(ymin);
    ymax = Math.ceil(ymax);
  } else {
    const pad = (ymax - ymin) * 0.05;
    ymin = ymin >= 0 && ymin - pad < 0 ? 0 : ymin - pad;
    ymax += pad;
  }
  const sx = (x: number): number => m.left + ((x - xmin) / (xmax - xmin)) * pw;
  const sy = (v: number): number => m.top + ph - ((v - ymin) / (ymax - ymin)) * ph;

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (opts.title) parts.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${esc(opts.title)}</text>`);

  // grid + ticks
  const xt = niceTicks(xmin, xmax);
  const yt = logY ? Array.from({ length: ymax - ymin + 1 }, (_, i) => ymin + i) : niceTicks(ymin, ymax);
  for (const x of xt) {
    const px = sx(x).toFixed(1);
    parts.push(`<line x1="${px}" y1="${m.top}" x2="${px}" y2="${m.top + ph}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${px}" y="${m.top + ph + 18}" text-anchor="middle">${fmt(x)}</text>`);
  }
  for (const v of yt) {
    const py = sy(v).toFixed(1);
    parts.push(`<line x1="${m.left}" y1="${py}" x2="${m.left + pw}" y2="${py}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${fmt(logY ? 10 ** v : v)}</text>`);
  }
  parts.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  if (opts.xLabel) parts.push(`<text x="${m.left + pw / 2}" y="${H - 18}" text-anchor="middle" font-size="13">${esc(opts.xLabel)}</text>`);
  if (opts.yLabel) {
    parts.push(`<text x="18" y="${m.top + ph / 2}" text-anchor="middle" font-size="13" transform="rotate(-90 18 ${m.top + ph / 2})">${esc(opts.yLabel)}</text>`);
  }

  // reference lines
  for (const h of opts.hlines ?? []) {
    if (!usable(h.y)) continue;
    const py = sy(ty(h.y)).toFixed(1);
    const c = h.color ?? '#777';
    parts.push(`<line x1="${m.left}" y1="${py}" x2="${m.left + pw}" y2="${py}" stroke="${c}" stroke-dasharray="6 4"/>`);
    parts.push(`<text x="${m.left + pw - 6}" y="${Number(py) - 6}" text-anchor="end" fill="${c}">${esc(h.label)}</text>`);
  }

  // series: one polyline per contiguous run of usable points
  series.forEach((s, i) => {
    const c = s.color ?? PALETTE[i % PALETTE.length];
    let run: string[] = [];
    const flush = (): void => {
      if (run.length > 1) {
        parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.8"${s.dashed ? ' stroke-dasharray="5 3"' : ''} points="${run.join(' ')}"/>`);
      } else if (run.length === 1) {
        const [x, y] = run[0].split(',');
        parts.push(`<circle cx="${x}" cy="${y}" r="2.5" fill="${c}"/>`);
      }
      run = [];
    };
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !usable(y)) {
        flush();
        continue;
      }
      run.push(`${sx(x).toFixed(1)},${sy(ty(y)).toFixed(1)}`);
    }
    flush();
  });

  // legend: one row per band row (see the margin above), at the plot's left edge
  legendRows.forEach((row, r) => {
    let x = m.left;
    const y = legendTop + 10 + r * 20;
    for (const s of row) {
      const c = s.color ?? PALETTE[series.indexOf(s) % PALETTE.length];
      parts.push(`<line x1="${x}" y1="${y}" x2="${x + 24}" y2="${y}" stroke="${c}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>`);
      parts.push(`<text x="${x + 30}" y="${y}" dominant-baseline="middle">${esc(s.name)}</text>`);
      x += itemWidth(s);
    }
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
