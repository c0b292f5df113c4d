// npm's `prepare` (a plain `npm install` or `npm ci` in this repository, and before `npm pack`; never when the package
// is installed as a dependency): builds the TypeScript library, then tries the native addon.
// The TypeScript build must succeed; the native build never fails the install (the library falls back to
// the TypeScript path and `lt.native.info()` reports why the addon is missing).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });

if (existsSync('tsconfig.json') && existsSync('node_modules/typescript')) {
  const r = run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
  if (r.status !== 0) process.exit(r.status ?? 1);
}
if (existsSync('scripts/build-native.mjs') && process.env.LSTM_TS_SKIP_NATIVE !== '1') {
  const r = run(process.execPath, ['scripts/build-native.mjs']);
  if (r.status !== 0) console.warn('[lstm-ts] native addon not built; the TypeScript backend will be used.');
}
