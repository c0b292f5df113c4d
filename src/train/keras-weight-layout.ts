// Where Keras 3 keeps a model's variables in a `.weights.h5` file (keras/src/saving/saving_lib.py `_save_state`
// walking the saveable tree). Every saveable object gets a group `<path>/vars` holding its OWN variables as
// datasets "0", "1", … in its `variables` order (an attribute `name` = the object's name); its child objects
// follow under their attribute names, and lists of children under the list's attribute name, each child named
// by its class in snake case, numbered for repeats (`_save_container_state`). For the layers lstm-ts has:
//   layers/<key>/vars                          Dense, Embedding (their weights); Masking, Dropout (none)
//   layers/<key>/vars + cell/vars              LSTM, SimpleRNN, RNN(cell): the layer holds none, the cell all
//   layers/<key>/cell/vars + cell/cells/<k>/vars   RNN([cells]): StackedRNNCells holds none, each cell its own
//   layers/<key>/forward_layer/…, backward_layer/…  Bidirectional (each an RNN as above)
//   layers/<key>/layer/…                       TimeDistributed (the inner layer as above)
//   layers/<key>/layers/<key2>/…               a nested model (Functional or Sequential): its layers as above
// where <key> = kerasSaveName(class) over the model's layer list. Import (keras-import.ts) and export
// (keras-export.ts) both walk this one description, so the order of stacked cells comes from the model, not
// from the names in the file (which sort differently: cells/lstm_cell < cells/simple_rnn_cell).

import type { Tensor } from '../tensor/tensor.js';
import type { Layer, WeightGroupSpec } from '../keras/engine/layer.js';
import { RNN } from '../keras/layers/recurrent/rnn.js';
import { StackedRNNCells } from '../keras/layers/recurrent/stacked-cells.js';
import { Bidirectional } from '../keras/layers/recurrent/bidirectional.js';
import { TimeDistributed } from '../keras/layers/core/time-distributed.js';
import { Model } from './model.js';

/**
 * The group Keras 3 stores a layer's weights under (saving_lib `_save_container_state`): not the layer's name,
 * which is auto-generated and not reproducible, but its class name in snake case (`naming.to_snake_case`:
 * LSTM → lstm, SimpleRNN → simple_rnn, TimeDistributed → time_distributed), numbered _1, _2, … for repeats of
 * a class in the same list (`_get_unique_name`).
 */
export function kerasSaveName(className: string, used: Map<string, number>): string {
  const snake = className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  const n = used.get(snake);
  used.set(snake, n === undefined ? 0 : n + 1);
  return n === undefined ? snake : `${snake}_${n + 1}`;
}

/** One `vars` group: its path relative to the layer's group ('' = the layer's own), owner name, variables. */
export interface WeightGroup {
  path: string;
  name: string;
  weights: Tensor[];
}

const join = (a: string, b: string): string => (a ? `${a}/${b}` : b);

/** The `vars` groups of one layer in Keras's layout, in the order of `layer.weights`. */
export function kerasWeightGroups(layer: Layer, at = ''): WeightGroup[] {
  // A nested model (Functional or Sequential): its own empty vars, then each of its layers under
  // layers/<key>, keyed by class and position within the nested model.
  if (layer instanceof Model) {
    const used = new Map<string, number>();
    return [{ path: at, name: layer.name, weights: [] },
      ...layer.layers.flatMap((l) => kerasWeightGroups(l, join(at, `layers/${kerasSaveName(l.className, used)}`)))];
  }
  if (layer instanceof Bidirectional) {
    return [{ path: at, name: layer.name, weights: [] },
      ...kerasWeightGroups(layer.forwardLayer, join(at, 'forward_layer')),
      ...kerasWeightGroups(layer.backwardLayer, join(at, 'backward_layer'))];
  }
  if (layer instanceof TimeDistributed) {
    return [{ path: at, name: layer.name, weights: [] }, ...kerasWeightGroups(layer.layer, join(at, 'layer'))];
  }
  if (layer instanceof RNN) return [{ path: at, name: layer.name, weights: [] }, ...cellGroups(layer.cell, join(at, 'cell'))];
  // A layer that describes its own groups (MultiHeadAttention: query_dense, key_dense, … under its group)
  const own = (layer as { kerasSaveGroups?: () => WeightGroupSpec[] }).kerasSaveGroups;
  if (typeof own === 'function') {
    return own.call(layer).map((g) => ({ path: join(at, g.path), name: g.path ? g.path.split('/').pop()! : layer.name, weights: [...g.weights] }));
  }
  return [{ path: at, name: layer.name, weights: [...layer.weights] }];
}

function cellGroups(cell: Layer, at: string): WeightGroup[] {
  if (!(cell instanceof StackedRNNCells)) return [{ path: at, name: cell.name, weights: [...cell.weights] }];
  const used = new Map<string, number>();
  return [{ path: at, name: cell.name, weights: [] },
    ...cell.cells.flatMap((c) => cellGroups(c, `${at}/cells/${kerasSaveName(c.className, used)}`))];
}
