"""Keras side of `lstm-ts compare` (issue #19): every layer output of a saved Keras model on given inputs, written
to an .npz whose names match lstm-ts's traceLayerOutputs (src/train/compare.ts): `layer/node/index`, the
keras_history triple (layer name, node index within the model, output index).

usage: python lstm_ts_reference.py MODEL(.keras|.h5) INPUTS.npz OUT.npz
INPUTS.npz holds the model's inputs by input name (or `x` for a single input). Needs TensorFlow / Keras 3.

Which outputs: for a Functional model, every call (inbound node) of every layer that belongs to this model's
graph, in the model's layer order, with all its output tensors (an LSTM with return_state gives 3); for a
Sequential model, each layer's output (node 0). A nested model counts as one layer, as in lstm-ts.
"""
import sys

import numpy as np


def layer_outputs(model):
    """[(key, symbolic tensor)] in model.layers order."""
    import keras

    out = []
    if isinstance(model, keras.Sequential):
        for layer in model.layers:
            ts = layer.output if isinstance(layer.output, (list, tuple)) else [layer.output]
            for i, t in enumerate(ts):
                out.append((f"{layer.name}/0/{i}", t))
        return out
    # Only the nodes of this graph: a layer shared with another model has nodes of that model too.
    graph_nodes = set()
    for nodes in model._nodes_by_depth.values():
        for n in nodes:
            graph_nodes.add(id(n))
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        k = 0
        for node in layer._inbound_nodes:
            if id(node) not in graph_nodes:
                continue
            for i, t in enumerate(node.output_tensors):
                out.append((f"{layer.name}/{k}/{i}", t))
            k += 1
    return out


def reference(model, inputs):
    """{key: array} of every layer output for the given inputs (a dict by input name, or one array)."""
    import keras

    pairs = layer_outputs(model)
    probe = keras.Model(model.inputs, [t for _, t in pairs])
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]  # the probe's inputs are a list, even of one
    ys = probe(inputs, training=False)
    ys = ys if isinstance(ys, (list, tuple)) else [ys]
    return {k: np.asarray(y) for (k, _), y in zip(pairs, ys)}


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    import keras

    model = keras.saving.load_model(argv[1], compile=False)
    z = np.load(argv[2])
    names = [t.name.split(":")[0] for t in model.inputs]
    if len(names) == 1:
        key = names[0] if names[0] in z.files else "x"
        inputs = z[key]
    else:
        inputs = [z[n] for n in names]
    np.savez(argv[3], **reference(model, inputs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
