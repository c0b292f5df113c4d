// examples/char-rnn.ts: encoding, windows, temperature sampling, and a tiny end-to-end run.
import { expect } from 'chai';
import { Random, LstmTsError } from '../../src/index.js';
import { encode, windows, sampleLogits, parseArgs, run } from '../../examples/char-rnn.js';

describe('examples/char-rnn', () => {
  it('encodes text to sorted-vocabulary ids and cuts shifted windows', () => {
    const { chars, ids } = encode('abca b');
    expect(chars).to.deep.equal([' ', 'a', 'b', 'c']);
    expect(Array.from(ids)).to.deep.equal([1, 2, 3, 1, 0, 2]);
    const { x, y } = windows(ids, 3, 2);
    expect(x.shape).to.deep.equal([2, 3]);
    expect(x.toArray()).to.deep.equal([[1, 2, 3], [3, 1, 0]]);
    expect(y.toArray()).to.deep.equal([[2, 3, 1], [1, 0, 2]]);
    expect(() => windows(ids, 6, 1)).to.throw(LstmTsError, /shorter than --seq-len/);
  });

  it('temperature sampling: low temperature picks the argmax, high temperature spreads out', () => {
    const rng = new Random(3);
    const logits = [1, 3, 2];
    const counts = (t: number): number[] => {
      const c = [0, 0, 0];
      for (let i = 0; i < 3000; i++) c[sampleLogits(logits, t, rng)]++;
      return c;
    };
    expect(counts(0.05)).to.deep.equal([0, 3000, 0]);
    const hot = counts(100); // nearly uniform: each ≈ 1000
    for (const c of hot) expect(c).to.be.within(850, 1150);
    const one = counts(1); // softmax([1,3,2]) = [0.090, 0.665, 0.245]
    expect(one[1] / 3000).to.be.closeTo(0.665, 0.04);
  });

  it('trains on the built-in text and samples the requested number of characters', () => {
    const o = parseArgs(['--epochs', '1', '--units', '8', '--seq-len', '12', '--sample-length', '15', '--temperatures', '0.5,1', '--quiet']);
    const lines: string[] = [];
    const r = run(o, (s) => lines.push(s));
    expect(r.history.history.loss).to.have.length(1);
    expect(r.history.history.val_loss).to.have.length(1);
    expect(Object.keys(r.samples).sort()).to.deep.equal(['0.5', '1']);
    for (const s of Object.values(r.samples)) expect([...s]).to.have.length(15);
    expect(lines[0]).to.match(/built-in sample text: \d+ characters, \d+ distinct/);
    expect(() => parseArgs(['--temperatures', '0'])).to.throw(LstmTsError, /temperatures must be > 0/);
  });
});
