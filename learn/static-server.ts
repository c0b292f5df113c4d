// A static file server on 127.0.0.1 for `npm run learn` (learn/serve.ts) and the browser tests
// (test/browser/harness.ts): URL prefix → folder, the longest prefix first; a path ending in '/' serves its
// index.html; nothing outside the folders is served (404).
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.keras': 'application/octet-stream', '.css': 'text/css', '.svg': 'image/svg+xml',
};

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Serves `routes` on 127.0.0.1:`port` (0: any free port); resolves once listening. */
export async function serveStatic(routes: Record<string, string>, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const ordered = Object.entries(routes).sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    for (const [prefix, dir] of ordered) {
      if (!path.startsWith(prefix)) continue;
      let rel = path.slice(prefix.length);
      if (rel === '' || rel.endsWith('/')) rel += 'index.html';
      const file = normalize(join(dir, rel));
      if (!file.startsWith(normalize(dir)) || !isFile(file)) break;
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
      return;
    }
    res.writeHead(404);
    res.end('not found');
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  const a = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${a.port}`, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}
