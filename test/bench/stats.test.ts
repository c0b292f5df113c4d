// The statistics behind the benchmarks' ratios (bench/peers/common.ts), on values worked out by hand.
import { expect } from 'chai';
import { quantile, bootstrapMedian } from '../../bench/peers/common.js';

describe('bench statistics', () => {
  it('quantile interpolates linearly between order statistics', () => {
    // sorted [1, 2, 3, 4]: the median sits halfway between 2 and 3; q = 0.25 at position 0.75 → 1 + 0.75·(2 − 1)
    expect(quantile([4, 1, 3, 2], 0.5)).to.equal(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).to.equal(1.75);
    expect(quantile([4, 1, 3, 2], 0)).to.equal(1);
    expect(quantile([4, 1, 3, 2], 1)).to.equal(4);
    expect(quantile([7, 1, 5], 0.5)).to.equal(5); // odd count: the middle element
  });

  it('bootstrapMedian: a constant sample has a zero-width interval; otherwise the interval lies within the data and around the median', () => {
    expect(bootstrapMedian([1.3, 1.3, 1.3, 1.3])).to.deep.equal([1.3, 1.3]);
    const a = [0.8, 0.9, 1.0, 1.0, 1.1, 1.2, 1.25, 1.3, 1.5];
    const [lo, hi] = bootstrapMedian(a);
    expect(lo).to.be.at.least(0.8);
    expect(hi).to.be.at.most(1.5);
    expect(lo).to.be.at.most(1.1); // the sample median, 1.1
    expect(hi).to.be.at.least(1.1);
    expect(hi - lo).to.be.greaterThan(0);
    expect(bootstrapMedian(a)).to.deep.equal([lo, hi]); // fixed seed: the same data give the same interval
  });
});
