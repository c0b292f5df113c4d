// `npm run learn`: builds the explorable (learn/build.ts) into .cache/learn and serves it on 127.0.0.1
// (port 8080, or --port N / $PORT); open the printed address. Everything is local: the page works offline.
import { resolve } from 'node:path';
import { buildLearn, learnDir } from './build.js';
import { serveStatic } from './static-server.js';

async function main(): Promise<void> {
  const i = process.argv.indexOf('--port');
  const port = Number(i >= 0 ? process.argv[i + 1] : process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer in 0..65535, got ${process.argv[i + 1]}`);
  const out = resolve(learnDir, '..', '.cache', 'learn');
  const t0 = performance.now();
  const { bytes } = await buildLearn(out);
  console.log(`built the explorable in ${((performance.now() - t0) / 1000).toFixed(1)} s (${(bytes / 1024).toFixed(0)} KiB) into ${out}`);
  const { url } = await serveStatic({ '/': out }, port);
  console.log(`An LSTM, gate by gate: ${url}/   (Ctrl+C to stop)`);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
