#!/usr/bin/env node
// `npm pack` / `npm publish` (prepack): copies the CPU addon built in this checkout into
// prebuilds/<platform>-<arch>/, where the loader (src/kernels/native-addon.ts) finds it in an installed package,
// so consumers get the native kernel without any install script or toolchain. Only the CPU addon is shipped:
// it links nothing beyond libstdc++/libc (our own GEMM, micro-kernel chosen at run time by CPU detection), while
// the cuDNN addon needs the user's CUDA and cuDNN libraries. Never fails the pack: without a built addon the
// package simply has no prebuild (the loader then reports why, and the TypeScript path runs).
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'build', 'Release', 'lstmts_cpu.node');
const target = `${process.platform}-${process.arch}`;
const out = join(root, 'prebuilds', target);
rmSync(join(root, 'prebuilds'), { recursive: true, force: true });
if (!existsSync(src)) {
  console.warn(`[lstm-ts prebuild] ${src} is missing (npm run build:native): the package will have no prebuilt addon`);
  process.exit(0);
}
// A prebuild must not depend on libraries a consumer may lack (a system BLAS, CUDA): check its dynamic imports.
const ldd = process.platform === 'linux' ? spawnSync('ldd', [src], { encoding: 'utf8' }) : null;
if (ldd && ldd.status === 0 && /openblas|cblas|libcuda|libcudnn/.test(ldd.stdout)) {
  console.warn(`[lstm-ts prebuild] ${src} links a system library a consumer may lack; not shipped:\n${ldd.stdout}`);
  process.exit(0);
}
mkdirSync(out, { recursive: true });
copyFileSync(src, join(out, 'lstmts_cpu.node'));
const glibc = process.platform === 'linux' ? (process.report?.getReport()?.header?.glibcVersionRuntime ?? null) : null;
writeFileSync(join(out, 'prebuild.json'), JSON.stringify({
  file: 'lstmts_cpu.node', platform: process.platform, arch: process.arch, napi: 8, builtWithNode: process.versions.node,
  glibc, date: new Date().toISOString(),
}, null, 2) + '\n');
console.log(`[lstm-ts prebuild] prebuilds/${target}/lstmts_cpu.node`);
