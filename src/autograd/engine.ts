// Reverse-mode automatic differentiation over the recorded graph.
//
// backward(root, seed): sort the op nodes that root depends on topologically (iteratively: an LSTM over
// 1000 steps builds graphs far deeper than JS's call stack), then visit them from root towards the leaves,
// handing each node the summed gradients of its outputs (the multivariate chain rule: a tensor used twice
// receives the sum of both uses' gradients) and accumulating what it returns. Leaves that require grad
// receive the result in `.grad`, added to any gradient already there (PyTorch semantics).

import { Tensor, allocate } from '../tensor/tensor.js';
import { sameShape, shapeStr, fail } from '../tensor/shape.js';
import type { GraphNode } from './node.js';
import { noGrad } from './mode.js';

function topoOrder(root: GraphNode): GraphNode[] {
  const order: GraphNode[] = [];
  const visited = new Set<GraphNode>();
  // Explicit stack of [node, next input index] pairs: post-order DFS without recursion.
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

export function runBackward(root: Tensor, seed?: Tensor): void {
  let g: Tensor;
  if (seed === undefined) {
    if (root.size !== 1) {
      fail('backward', `called on a tensor of shape ${shapeStr(root.shape)} without a seed gradient; ` +
        'backward() without a seed needs a scalar (one element); pass a seed of the same shape');
    }
    const one = allocate(root.dtype, root.size);
    one[0] = 1;
    g = new Tensor(one, root.shape);
  } else {
    if (!(seed instanceof Tensor)) fail('backward', 'seed must be a Tensor');
    if (!sameShape(seed.shape, root.shape)) {
      fail('backward', `seed shape ${shapeStr(seed.shape)} does not match tensor shape ${shapeStr(root.shape)}`);
    }
    for (let i = 0; i < seed.size; i++) {
      if (!Number.isFinite(seed.data[i])) fail('backward', `seed contains a non-finite value (${seed.data[i]}) at flat index ${i}`);
    }
    g = seed.dtype === root.dtype ? seed : seed.cast(root.dtype);
  }
  if (!root.requiresGrad) {
    fail('backward', 'the tensor does not require grad: no input of the computation had requiresGrad set ' +
      '(or it was computed inside noGrad)');
  }
  if (root.gradFn === null) {
    root.grad = root.grad === null ? ownedCopy(g) : (addInto(root.grad, g), root.grad);
    return;
  }

  noGrad(() => {
    const grads = new Map<Tensor, Tensor>();
    const owned = new Set<Tensor>();
    const accumulate = (t: Tensor, gt: Tensor, op: string): void => {
      if (!sameShape(gt.shape, t.shape)) {
        fail('backward', `op '${op}' returned a gradient of shape ${shapeStr(gt.shape)} for an input of shape ${shapeStr(t.shape)}`);
      }
      if (t.gradFn === null) {
        if (!t.requiresGrad) return;
        if (t.grad === null) t.grad = ownedCopy(gt);
        else addInto(t.grad, gt);
        return;
      }
      const prev = grads.get(t);
      if (prev === undefined) {
        grads.set(t, gt);
      } else if (owned.has(prev)) {
        addInto(prev, gt);
      } else {
        const sum = ownedCopy(prev);
        addInto(sum, gt);
        owned.add(sum);
        grads.set(t, sum);
      }
    };

    grads.set(root, g);
    const order = topoOrder(root.gradFn!);
    for (let k = order.length - 1; k >= 0; k--) {
      const node = order[k];
      const outGrads = node.outputs.map((o) => grads.get(o) ?? null);
      if (outGrads.every((x) => x === null)) continue;
      for (const o of node.outputs) grads.delete(o); // free memory as we go
      const inGrads = node.backward(outGrads);
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
