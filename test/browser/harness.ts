// Shared by the browser tests: bundle an entry with esbuild as an application would (`lstm-ts` resolved through
// the package's exports, browser conditions), serve files on 127.0.0.1 (learn/static-server.ts), and drive Debian's Chromium headless with
// playwright-core. A test that cannot find Chromium skips and PRINTS why (.ci/run installs it, so CI runs them).
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import type { Context } from 'mocha';
import { build, type Metafile } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
/** A static file server on 127.0.0.1 (a random port by default): URL prefix → folder. */
export { serveStatic as serve } from '../../learn/static-server.js';

export const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const CHROMIUM = process.env.LSTM_TS_CHROMIUM ?? '/usr/bin/chromium';

/** Skips the test (with the reason printed) unless Chromium is installed. */
export function requireChromium(ctx: Context): void {
  if (!existsSync(CHROMIUM)) {
    console.log(`      [skipped] no Chromium at ${CHROMIUM} (apt-get install chromium; .ci/run does)`);
    ctx.skip();
  }
}

/** The package's dist/ rebuilt from src/ (what `npm pack` ships), so the bundle tests the current code. */
export function buildDist(): void {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tsc failed:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Bundles `entry` for the browser into `outdir` (ESM, code splitting so that h5wasm loads only when a Keras file
 * is read). `lstm-ts` resolves to this package through its package.json exports, as in a consumer's project.
 * `minify`: as a production build (Vite's default), which renames every class: configs must not change.
 */
export async function bundle(entry: string, outdir: string, minify = false, project: string | null = null): Promise<Metafile> {
  const r = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', splitting: true, outdir,
    // In a consumer project (`project`: node_modules/lstm-ts links here) the package resolves as installed;
    // otherwise an alias points `lstm-ts` at this package's root, through the same package.json exports.
    ...(project ? { absWorkingDir: project } : { alias: { 'lstm-ts': root } }), metafile: true, logLevel: 'silent', target: 'es2022', sourcemap: false, minify,
    loader: { '.wasm': 'file' },
  });
  if (r.errors.length) throw new Error(r.errors.map((e) => e.text).join('\n'));
  return r.metafile!;
}

/** Headless Chromium (Debian's), with the flags a container needs and nothing that reaches the network. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
