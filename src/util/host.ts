// What lstm-ts needs from its host, reached at call time instead of by static imports.
//
// Why: `import * as lt from 'lstm-ts'` must bundle for a browser (esbuild, Vite) with no bundler-specific
// configuration in user code (issue #17). A static `import … from 'node:fs'` anywhere in the graph breaks that:
// the bundler cannot resolve it, or resolves it to an empty stub that fails later. So Node's built-in modules are
// fetched with `process.getBuiltinModule` (Node ≥ 20.16; our engines field says ≥ 20.19), which a bundler does
// not follow, only by the functions that touch files, the native addon or the terminal; the tensor core, the
// layers, autograd and training never do. Nothing here reads `process` at import time.
//
// In a browser every `nodeModule()` call fails with a LstmTsError naming the operation and the browser-side
// alternative (bytes instead of paths), rather than a bundler's "module not found".
import type * as Fs from 'node:fs';
import type * as Path from 'node:path';
import type * as Os from 'node:os';
import type * as Url from 'node:url';
import type * as Module from 'node:module';
import type * as Zlib from 'node:zlib';
import { fail } from '../tensor/shape.js';

interface NodeProcess {
  getBuiltinModule?(id: string): unknown;
  env: Record<string, string | undefined>;
  platform: string;
  arch: string;
  versions: Record<string, string | undefined>;
  stdout?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  emitWarning?(message: string): void;
}

/** Node's `process` when running on Node (or a runtime that provides it), else null (a browser). */
export function nodeProcess(): NodeProcess | null {
  const p = (globalThis as { process?: NodeProcess }).process;
  return typeof p === 'object' && p !== null && typeof p.versions === 'object' && p.versions !== null && typeof p.versions.node === 'string'
    ? p : null;
}

/** True on Node (file system, native addon, terminal available). */
export function isNode(): boolean {
  return nodeProcess()?.getBuiltinModule !== undefined;
}

/** An environment variable, or undefined (always undefined in a browser). */
export function envVar(name: string): string | undefined {
  return nodeProcess()?.env?.[name];
}

interface Builtins {
  'node:fs': typeof Fs;
  'node:path': typeof Path;
  'node:os': typeof Os;
  'node:url': typeof Url;
  'node:module': typeof Module;
  'node:zlib': typeof Zlib;
}

/**
 * A Node built-in module, for `op` (named in the error). In a browser: an error that says the operation needs
 * Node and what to use instead (`instead`, e.g. "pass the file's bytes").
 */
export function nodeModule<K extends keyof Builtins>(id: K, op: string, instead?: string): Builtins[K] {
  const p = nodeProcess();
  const m = p?.getBuiltinModule?.(id);
  if (m === undefined || m === null) {
    fail(op, `needs Node.js (${id}), which this environment does not provide${instead ? `; ${instead}` : ''}`);
  }
  return m as Builtins[K];
}

/** The file system, for `op`; in a browser the error suggests the byte-based form of the call. */
export function nodeFs(op: string, instead = 'in a browser, pass the bytes (Uint8Array / ArrayBuffer) instead of a path'): typeof Fs {
  return nodeModule('node:fs', op, instead);
}

/** node:path, for `op`. */
export function nodePath(op: string): typeof Path {
  return nodeModule('node:path', op);
}

/** `require` relative to `moduleUrl` (a CommonJS package or a `.node` addon), for `op`. */
export function nodeRequire(moduleUrl: string, op: string): NodeJS.Require {
  return nodeModule('node:module', op).createRequire(moduleUrl);
}

/** Where text output goes by default: process.stdout on Node; in a browser, console.log line by line. */
export function defaultStream(): { write(s: string): unknown } {
  const out = nodeProcess()?.stdout;
  if (out) return out;
  let pending = '';
  return {
    write(s: string) {
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) console.log(l.replace(/\r/g, ''));
      return true;
    },
  };
}

/** A warning: process.emitWarning on Node (what Keras's warnings.warn maps to), console.warn elsewhere. */
export function warn(message: string): void {
  const p = nodeProcess();
  if (p?.emitWarning) p.emitWarning(message);
  else console.warn(message);
}

/** path.join on Node; '/'-joined elsewhere (paths only mean something on Node, but error messages use them). */
export function pathJoin(...parts: string[]): string {
  const path = nodeProcess()?.getBuiltinModule?.('node:path') as typeof Path | undefined;
  return path ? path.join(...parts) : parts.join('/').replace(/\/+/g, '/');
}

/** path.dirname on Node; the part before the last '/' elsewhere. */
export function pathDirname(p: string): string {
  const path = nodeProcess()?.getBuiltinModule?.('node:path') as typeof Path | undefined;
  if (path) return path.dirname(p);
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}
