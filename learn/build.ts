// Builds the explorable into a folder: index.html, style.css and app.js (+ lazily loaded chunks), bundled by
// esbuild from learn/app.ts with `lstm-ts` resolved to this checkout's src/ (so the page always runs the current
// code), minified, no source maps, nothing fetched from a CDN. The reference step's source is embedded so the
// page can show the line each equation maps to. Used by `npm run learn` (learn/serve.ts) and the browser test.
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const learnDir = resolve(fileURLToPath(new URL('.', import.meta.url)));
const root = resolve(learnDir, '..');

export async function buildLearn(outdir: string): Promise<{ bytes: number; files: string[] }> {
  mkdirSync(outdir, { recursive: true });
  const refFile = 'src/reference/recurrent.ts';
  const r = await build({
    entryPoints: [join(learnDir, 'app.ts')], bundle: true, format: 'esm', platform: 'browser', splitting: true,
    outdir, minify: true, target: 'es2022', logLevel: 'silent', metafile: true,
    alias: { 'lstm-ts': join(root, 'src', 'index.ts') },
    define: { __REFERENCE_SOURCE__: JSON.stringify({ file: refFile, text: readFileSync(join(root, refFile), 'utf8') }) },
  });
  if (r.errors.length) throw new Error(r.errors.map((e) => e.text).join('\n'));
  for (const f of ['index.html', 'style.css']) copyFileSync(join(learnDir, f), join(outdir, f));
  const files = Object.keys(r.metafile!.outputs);
  return { bytes: files.reduce((s, f) => s + statSync(resolve(root, f)).size, 0), files };
}
