import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// docs/lstm.md links each equation to the line of src/reference/recurrent.ts or src/kernels/ts.ts that computes it, as
// [`<start of that line>…`](../src/kernels/ts.ts#L<n>). This test fails when code moves and the link no longer
// points at the line it quotes.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('docs/lstm.md: every line link quotes the line it points to', () => {
  it('all `code`(…ts.ts#Ln) links match', () => {
    const doc = fs.readFileSync(path.join(root, 'docs/lstm.md'), 'utf8');
    const re = /\[`([^`]+)`\]\(\.\.\/(src\/(?:kernels|reference)\/[\w.-]+\.ts)#L(\d+)\)/g;
    let n = 0;
    for (const m of doc.matchAll(re)) {
      const [, quoted, file, line] = m;
      const src = fs.readFileSync(path.join(root, file), 'utf8').split('\n');
      const actual = (src[Number(line) - 1] ?? '').trim();
      const prefix = quoted.replace(/…$/, '').replace(/ …$/, '').trim();
      expect(actual.startsWith(prefix), `${file}:${line} is "${actual}", the doc quotes "${quoted}"`).to.equal(true);
      n++;
    }
    expect(n).to.be.greaterThan(25);
  });
});
