// scripts/build-native.mjs never fails the install: without cmake (or without anything else it needs) it exits
// 0 and writes build/native-report.json with the reason. Run on a copy in a temp folder with a PATH that holds
// only node, so the real build/ is untouched.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('native: build script', function () {
  it('without cmake on PATH: exit status 0 and a report saying why nothing was built', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lstmts-build-'));
    try {
      mkdirSync(join(dir, 'scripts'));
      copyFileSync(join(repo, 'scripts', 'build-native.mjs'), join(dir, 'scripts', 'build-native.mjs'));
      mkdirSync(join(dir, 'bin'));
      symlinkSync(process.execPath, join(dir, 'bin', 'node')); // PATH = a folder with only node in it
      const r = spawnSync(process.execPath, [join(dir, 'scripts', 'build-native.mjs')], {
        encoding: 'utf8', env: { PATH: join(dir, 'bin'), HOME: dir }, timeout: 30000,
      });
      expect(r.status, r.stderr).to.equal(0);
      const report = JSON.parse(readFileSync(join(dir, 'build', 'native-report.json'), 'utf8'));
      expect(report.built).to.deep.include({ cpu: false, cudnn: false });
      expect(report.reasons.cmake).to.match(/cmake not found/);
      expect(r.stdout).to.match(/cpu=false/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
