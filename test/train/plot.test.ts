// The SVG chart writer: structure, scales, ticks, legend, escaping (checked on the SVG text itself).
import { expect } from 'chai';
import { lineChartSvg, niceTicks } from '../../src/train/plot/svg-chart.js';
import { LstmTsError } from '../../src/index.js';

function attrs(svg: string, tag: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag} ([^>]*)/?>`, 'g'))].map((m) => Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])));
}

describe('train/plot: SVG line chart', () => {
  it('niceTicks uses 1/2/5 steps covering the range', () => {
    expect(niceTicks(0, 10)).to.deep.equal([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(0.013, 0.171, 5)).to.deep.equal([0.05, 0.1, 0.15]);
    expect(niceTicks(25, 2925)).to.deep.equal([500, 1000, 1500, 2000, 2500]);
  });

  it('draws one polyline per series inside the plot area, a legend, axis labels and a dashed reference line', () => {
    const svg = lineChartSvg(
      [{ name: 'LSTM', points: [[0, 0.2], [50, 0.1], [100, 0.001]] }, { name: 'RNN <plain>', points: [[0, 0.2], [100, 0.17]] }],
      { title: 'T & loss', xLabel: 'step', yLabel: 'MSE', logY: true, hlines: [{ y: 1 / 6, label: 'baseline' }] },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    expect(svg.trim().endsWith('</svg>')).to.equal(true);
    const polys = attrs(svg, 'polyline');
    expect(polys).to.have.length(2);
    const frame = attrs(svg, 'rect').find((r) => r.stroke === '#333')!;
    const [x0, y0, w, h] = [frame.x, frame.y, frame.width, frame.height].map(Number);
    for (const p of polys) {
      for (const pt of p.points.split(' ')) {
        const [x, y] = pt.split(',').map(Number);
        expect(x).to.be.within(x0, x0 + w);
        expect(y).to.be.within(y0, y0 + h);
      }
    }
    // log scale: 0.1 → 0.001 is two decades, so the LSTM's last two segments have equal-per-decade heights
    const ys = polys[0].points.split(' ').map((p) => Number(p.split(',')[1]));
    const decade = (ys[2] - ys[1]) / 2;
    expect(ys[1] - ys[0]).to.be.closeTo(decade * Math.log10(2), 0.2);
    expect(svg).to.include('T &amp; loss');
    expect(svg).to.include('RNN &lt;plain&gt;');
    expect(svg).to.include('>step<');
    expect(svg).to.include('>MSE<');
    expect(attrs(svg, 'line').some((l) => l['stroke-dasharray'] === '6 4')).to.equal(true);
    expect(svg).to.include('>baseline<');
    // log ticks are powers of ten
    expect(svg).to.match(/>0\.001</);
  });

  it('the legend sits outside the plot area (it covered the SimpleRNN curve of `npm start` when it was inside), wrapped to the width', () => {
    const names = ['LSTM (16 units)', 'SimpleRNN (16 units)', 'a third series with a long name', 'a fourth series with another long name'];
    const svg = lineChartSvg(names.map((name, i) => ({ name, points: [[0, 0.2 + i], [100, 0.17]] as [number, number][] })), { title: 't' });
    const frame = attrs(svg, 'rect').find((r) => r.stroke === '#333')!;
    const top = Number(frame.y);
    const legendLines = attrs(svg, 'line').filter((l) => l['stroke-width'] === '2.5');
    expect(legendLines).to.have.length(4);
    for (const l of legendLines) expect(Number(l.y1), 'legend above the plot frame').to.be.below(top);
    for (const n of names) expect(svg).to.include(`>${n}<`);
    // four long names do not fit one 800-px row: two rows, each item inside the picture
    expect(new Set(legendLines.map((l) => l.y1)).size).to.equal(2);
    for (const l of legendLines) expect(Number(l.x2)).to.be.below(800);
  });

  it('skips non-finite and (on a log axis) non-positive values as gaps; rejects no series', () => {
    const svg = lineChartSvg([{ name: 'a', points: [[0, 1], [1, NaN], [2, 0], [3, 0.5], [4, 0.25]] }], { logY: true });
    expect(attrs(svg, 'polyline')).to.have.length(1);
    expect(attrs(svg, 'circle')).to.have.length(1); // the lone first point
    expect(() => lineChartSvg([])).to.throw(LstmTsError, /at least one series/);
  });
});
