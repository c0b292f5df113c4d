// The API reference (issue #16): `npm run docs` renders every export of src/index.ts with TypeDoc into
// docs/api. This runs TypeDoc without writing (--emit none) and with warnings as errors, so a broken {@link} or an
// entry point TypeDoc cannot read fails npm test.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('package: the TypeDoc API reference builds without warnings', function () {
  this.timeout(120_000);
  it('typedoc --emit none (typedoc.json: src/index.ts, warnings are errors)', () => {
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--emit', 'none'], { cwd: root, encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).to.equal(0);
    expect(r.stdout).to.match(/Found 0 errors and 0 warnings|^$/m);
  });
});
