// Recycling of the arrays a native-cpu training forward keeps for its backward (gates, h_prev, c_prev, tanh(c')
// per step: T·B·7H floats for the LSTM, 92 MB for the medium benchmark config).
//
// Why: an array of that size is fresh memory from the OS on every call (V8 gets it from calloc, which maps new
// zeroed pages above glibc's mmap threshold), so the forward pays one page fault per 4 KiB before it writes a
// value: 22 ms of a 720 ms medium training step on the Zen 4 machine of docs/benchmarks.md ("Saved-state
// recycling"), against 12 ms to write the same bytes into warm memory. PyTorch's CPU caching allocator avoids the
// same cost the same way.
//
// Safety: an array comes back only through `give`, which the backend's release() calls when the autograd node
// that owned the forward is released (after a backward without retainGraph, src/autograd/engine.ts), and
// release() also detaches the array from the forward's result, so nothing that could still read it keeps it.
// A recycled array holds an earlier call's numbers: the kernels write every element their backward reads, and
// test/native/saved-pool.test.ts fills recycled arrays with NaN to prove it.

/** At most this many arrays and bytes wait in the pool; beyond that, released arrays go to the GC as before. */
export const SAVED_POOL_MAX_ARRAYS = 8;
export const SAVED_POOL_MAX_BYTES = 512 * 1024 * 1024;

export class SavedPool {
  private readonly free: Float32Array[] = [];  // oldest first
  private readonly inPool = new WeakSet<Float32Array>();
  private bytes = 0;
  /** Test hook: called on every array handed out again (test/native/saved-pool.test.ts fills it with NaN). */
  onReuse: ((a: Float32Array) => void) | null = null;

  constructor(readonly maxArrays = SAVED_POOL_MAX_ARRAYS, readonly maxBytes = SAVED_POOL_MAX_BYTES) {}

  /** A released array of exactly `length` floats (the most recently released one), or undefined. */
  take(length: number): Float32Array | undefined {
    for (let i = this.free.length - 1; i >= 0; i--) {
      const a = this.free[i];
      if (a.length !== length) continue;
      this.free.splice(i, 1);
      this.inPool.delete(a);
      this.bytes -= a.byteLength;
      this.onReuse?.(a);
      return a;
    }
    return undefined;
  }

  /** Takes back an array no one reads any more. Giving the same array twice keeps it once. */
  give(a: Float32Array): void {
    if (this.inPool.has(a) || a.byteLength === 0 || a.byteLength > this.maxBytes) return;
    // A view into a larger buffer (never made by the addon) could alias live memory: only whole buffers come in.
    if (a.byteOffset !== 0 || a.buffer.byteLength !== a.byteLength) return;
    this.free.push(a);
    this.inPool.add(a);
    this.bytes += a.byteLength;
    while (this.free.length > this.maxArrays || this.bytes > this.maxBytes) {
      const old = this.free.shift()!;
      this.inPool.delete(old);
      this.bytes -= old.byteLength;
    }
  }

  /** Drops every waiting array (to the GC). */
  clear(): void {
    for (const a of this.free) this.inPool.delete(a);
    this.free.length = 0;
    this.bytes = 0;
  }

  get size(): { arrays: number; bytes: number } {
    return { arrays: this.free.length, bytes: this.bytes };
  }
}

/** The one pool of the native-cpu backends (LSTM, GRU, SimpleRNN share it: arrays are matched by length). */
export const nativeSavedPool = new SavedPool();
