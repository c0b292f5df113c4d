// Reverse-mode automatic differentiation over the recorded graph.
//
// backward(root, seed): sort the op nodes that root depends on topologically (iteratively: an LSTM over
// 1000 steps builds graphs far deeper than JS's call stack), then visit them from root towards the leaves,
// handing each node the summed gradients of its outputs (the multivariate chain rule: a tensor used twice
// receives the sum of both uses' gradients) and accumulating what it returns. Leaves that require grad
// receive the result in `.grad`, added to any gradient already there (PyTorch semantics).
//
// Two guards make a wrong gradient impossible to get silently (docs/autodiff.md):
// - in-place writes: each node recorded the versions of the tensors its backward reads; if one was written
//   in place since (assign, an optimizer step, a stored RNN state), backward throws and names the tensor,
//   the op and both versions (PyTorch: "one of the variables needed for gradient computation has been
//   modified by an inplace operation").
// - backward twice: a pass releases every node it went through (their closures and saved values), as
//   PyTorch does without retain_graph; going through a released node again throws. `retainGraph: true`
//   keeps the nodes, and a second pass then accumulates into .grad again.

import { Tensor, allocate } from '../tensor/tensor.js';
import { sameShape, shapeStr, fail } from '../tensor/shape.js';
import type { GraphNode } from './node.js';
import { noGrad } from './mode.js';
import { checkOptions } from '../util/options.js';
import { getIndexedSlices, setIndexedSlices, mergeIndexedSlices } from './indexed-slices.js';

function topoOrder(roots: readonly GraphNode[]): GraphNode[] {
  const order: GraphNode[] = [];
  const visited = new Set<GraphNode>();
  // Explicit stack of [node, next input index] pairs: post-order DFS without recursion. With a shared visited
  // set, the post-orders of several roots concatenate into one valid topological order.
  for (const root of roots) {
    if (visited.has(root)) continue;
    const stack: [GraphNode, number][] = [[root, 0]];
    visited.add(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1] = i + 1;
        const child = node.inputs[i].gradFn;
        if (child !== null && !visited.has(child)) {
          visited.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order; // children before parents; we walk it backwards
}

function addInto(dst: Tensor, src: Tensor): void {
  const d = dst.data;
  const s = src.data;
  for (let i = 0; i < d.length; i++) d[i] += s[i];
}

function ownedCopy(t: Tensor): Tensor {
  const out = allocate(t.dtype, t.size);
  out.set(t.data);
  return new Tensor(out, t.shape);
}

/** Options of `Tensor.backward` (PyTorch's `retain_graph`). */
export interface BackwardOptions {
  /** Keep the graph (and what ops saved) so that backward can run through it again. Default false. */
  retainGraph?: boolean;
}

function describeSaved(node: GraphNode, t: Tensor): string {
  const i = node.inputs.indexOf(t);
  const o = node.outputs.indexOf(t);
  const role = i >= 0 ? `input ${i}` : o >= 0 ? `output ${o}` : 'a saved tensor';
  return `${role} of op '${node.op}' (${t.toString()}${t.name ? ` '${t.name}'` : ''})`;
}

/** Throws when a tensor the node's backward reads was written in place after the op ran. */
function checkSavedVersions(node: GraphNode): void {
  for (let k = 0; k < node.saved.length; k++) {
    const t = node.saved[k];
    if (t.version !== node.savedVersions[k]) {
      fail('backward', `${describeSaved(node, t)} was modified in place after the op used it: it is at version ` +
        `${t.version}, the op saved version ${node.savedVersions[k]}, so its gradient would use the new values. ` +
        'Write to it after backward(), or give the op a clone()');
    }
  }
}

/** The seed of one root: 1 for a one-element tensor without a seed, else a checked seed of its shape and dtype. */
function seedFor(root: Tensor, seed: Tensor | undefined, what: string): Tensor {
  if (!(root instanceof Tensor)) fail('backward', `${what} must be a Tensor, got ${root === null ? 'null' : typeof root}`);
  if (!root.requiresGrad) {
    fail('backward', `${what} does not require grad: no input of the computation had requiresGrad set ` +
      '(or it was computed inside noGrad)');
  }
  if (seed === undefined) {
    if (root.size !== 1) {
      fail('backward', `called on a tensor of shape ${shapeStr(root.shape)} without a seed gradient; ` +
        'backward() without a seed needs a scalar (one element); pass a seed of the same shape');
    }
    const one = allocate(root.dtype, root.size);
    one[0] = 1;
    return new Tensor(one, root.shape);
  }
  if (!(seed instanceof Tensor)) fail('backward', `the seed of ${what} must be a Tensor, got ${seed === null ? 'null' : typeof seed}`);
  if (!sameShape(seed.shape, root.shape)) {
    fail('backward', `seed shape ${shapeStr(seed.shape)} does not match tensor shape ${shapeStr(root.shape)}`);
  }
  for (let i = 0; i < seed.size; i++) {
    if (!Number.isFinite(seed.data[i])) fail('backward', `seed contains a non-finite value (${seed.data[i]}) at flat index ${i}`);
  }
  if (seed.dtype !== root.dtype) {
    fail('backward', `seed dtype ${seed.dtype} does not match the tensor's dtype ${root.dtype}; cast the seed`);
  }
  return seed;
}

function checkBackwardOptions(options: BackwardOptions): boolean {
  checkOptions('backward', options, ['retainGraph']);  // also refuses a non-object
  if (options.retainGraph !== undefined && typeof options.retainGraph !== 'boolean') {
    fail('backward', `retainGraph must be a boolean, got ${typeof options.retainGraph}`);
  }
  return options.retainGraph === true;
}

/** `root.backward(seed, options)`. */
export function runBackward(root: Tensor, seed?: Tensor, options: BackwardOptions = {}): void {
  backwardMany([root], [seed], options);
}

/**
 * One backward pass from several roots at once (PyTorch `torch.autograd.backward(tensors, grad_tensors)`):
 * the same as summing `Σ ⟨seed_k, root_k⟩` and calling backward on that scalar, so a multi-output op
 * (split, lstmSequence) is differentiated through once. `seeds[k]` may be omitted for one-element roots.
 */
export function backwardMany(roots: readonly Tensor[], seeds: readonly (Tensor | undefined | null)[] = [], options: BackwardOptions = {}): void {
  const retain = checkBackwardOptions(options);
  if (!Array.isArray(roots) || roots.length === 0) fail('backward', 'roots must be a non-empty array of Tensors');
  if (!Array.isArray(seeds)) fail('backward', `seeds must be an array (one per root), got ${typeof seeds}`);
  if (seeds.length > roots.length) fail('backward', `got ${seeds.length} seeds for ${roots.length} roots`);
  const gs = roots.map((r, k) => seedFor(r, seeds[k] ?? undefined, roots.length === 1 ? 'the tensor' : `roots[${k}]`));
  const inner: Tensor[] = [];
  const innerSeeds: Tensor[] = [];
  roots.forEach((r, k) => {
    if (r.gradFn === null) r.grad = r.grad === null ? ownedCopy(gs[k]) : (addInto(r.grad, gs[k]), r.grad);
    else {
      inner.push(r);
      innerSeeds.push(gs[k]);
    }
  });
  if (inner.length === 0) return;

  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    const owned = new Set<Tensor>();
    const accumulate = (t: Tensor, gt: Tensor, op: string): void => {
      if (!sameShape(gt.shape, t.shape)) {
        fail('backward', `op '${op}' returned a gradient of shape ${shapeStr(gt.shape)} for an input of shape ${shapeStr(t.shape)}`);
      }
      // A gather's gradient carries TF's IndexedSlices along (autograd/indexed-slices.ts): summing two keeps
      // both sets of slices, adding a dense gradient drops them, as TF's AddN densifies.
      const slices = getIndexedSlices(gt);
      if (t.gradFn === null) {
        if (!t.requiresGrad) return;
        if (t.grad === null) {
          t.grad = ownedCopy(gt);
          setIndexedSlices(t.grad, slices);
        } else {
          const merged = mergeIndexedSlices(getIndexedSlices(t.grad), slices);
          addInto(t.grad, gt);
          setIndexedSlices(t.grad, merged);
        }
        return;
      }
      const prev = grads.get(t);
      if (prev === undefined) {
        grads.set(t, gt);
      } else {
        const merged = mergeIndexedSlices(getIndexedSlices(prev), slices);
        const sum = owned.has(prev) ? prev : ownedCopy(prev);
        addInto(sum, gt);
        setIndexedSlices(sum, merged);
        owned.add(sum);
        grads.set(t, sum);
      }
    };

    inner.forEach((r, k) => accumulate(r, innerSeeds[k], 'seed'));  // a root given twice gets both seeds
    const order = topoOrder(inner.map((r) => r.gradFn!));
    // Check the whole graph before touching any .grad: a refused pass must leave no partial gradients.
    for (let k = order.length - 1; k >= 0; k--) {  // from the roots down: name the first op a pass would hit
      const node = order[k];
      if (node.released) {
        fail('backward', `trying to backward through op '${node.op}' a second time, but its saved values were ` +
          'freed by the first backward(). Pass { retainGraph: true } to the first backward() to run it again ' +
          '(PyTorch retain_graph), or recompute the forward');
      }
      checkSavedVersions(node);
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const outGrads = node.outputs.map((o) => grads.get(o) ?? null);
      if (outGrads.every((x) => x === null)) {
        if (!retain) node.release();
        continue;
      }
      for (const o of node.outputs) grads.delete(o); // free memory as we go
      const inGrads = node.backward(outGrads, { retainGraph: retain });
      if (!retain) node.release();
      if (inGrads.length !== node.inputs.length) {
        fail('backward', `op '${node.op}' returned ${inGrads.length} gradients for ${node.inputs.length} inputs`);
      }
      for (let i = 0; i < inGrads.length; i++) {
        const gi = inGrads[i];
        const inp = node.inputs[i];
        if (gi === null || !inp.requiresGrad) continue;
        accumulate(inp, gi, node.op);
      }
    }
  });
}
