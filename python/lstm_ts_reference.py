"""Keras side of `lstm-ts compare` (issue #19): every layer output of a saved Keras model on given inputs, written
to an .npz whose names match lstm-ts's traceLayerOutputs (src/train/compare.ts): `layer/node/index`, the
keras_history triple (layer name, node index within the model, output index).

usage: python lstm_ts_reference.py MODEL(.keras|.h5|.json) INPUTS.npz OUT.npz [--grads] [--train-step] [--weights W.weights.h5]
MODEL.json is a `model.to_json()` file; its weights come from --weights (`model.save_weights`).
INPUTS.npz holds the model's inputs by input name (or `x` for a single input), and for --train-step the targets
as `target/0`, `target/1`, ... in output order. Needs TensorFlow / Keras 3.

Which outputs: for a Functional model, every call (inbound node) of every layer that belongs to this model's
graph, in the model's layer order, with all its output tensors (an LSTM with return_state gives 3); for a
Sequential model, each layer's output (node 0). A nested model counts as one layer, as in lstm-ts.

--grads: gradients of L = sum_o sum_i y_o[i] * c_o[i] (training=False) with c_o from `grad_seed` (the same
integer formula as lstm-ts's gradSeed), as `grad/<layer>/<i>` for the i-th of layer.trainable_weights (zeros
where L does not reach a weight) and `grad_input/<input name>` for float inputs.
--train-step: one `train_on_batch` of the compiled optimizer and loss (run last), then `step/<layer>/<i>` for the
i-th of layer.weights and `step/loss`.
Always: `__meta__`, a JSON object (as uint8 bytes) with the versions, devices and settings that explain
expected differences (oneDNN, TensorFloat-32, XLA).
"""
import json
import os
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


def grad_seed(shape, output):
    """c_o: ((i*40503 + o*7919 + 1) mod 65536) / 32768 - 1 over the C-order index i; exact in float32."""
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(n, dtype=np.int64)
    return (((i * 40503 + output * 7919 + 1) % 65536).astype(np.float64) / 32768 - 1).astype(np.float32).reshape(shape)


def gradients(model, inputs, input_names):
    """{key: array}: d/dw and d/dx of sum_o <y_o, grad_seed(y_o)>, in inference mode."""
    import tensorflow as tf

    xs = [tf.convert_to_tensor(a) for a in (inputs if isinstance(inputs, (list, tuple)) else [inputs])]
    watched = [(n, x) for n, x in zip(input_names, xs) if x.dtype.is_floating]
    with tf.GradientTape() as tape:
        for _, x in watched:
            tape.watch(x)
        ys = tf.nest.flatten(model(xs if len(xs) > 1 else xs[0], training=False))
        loss = tf.add_n([tf.reduce_sum(y * grad_seed(tuple(y.shape), o)) for o, y in enumerate(ys)])
    pairs = [(f"grad/{layer.name}/{i}", w) for layer in reversed(model.layers) for i, w in enumerate(layer.trainable_weights)]
    gs = tape.gradient(loss, [w for _, w in pairs] + [x for _, x in watched])
    out = {}
    for (key, w), g in zip(pairs, gs[: len(pairs)]):
        out[key] = np.zeros(tuple(w.shape), np.float32) if g is None else np.asarray(tf.convert_to_tensor(g))
    for (n, x), g in zip(watched, gs[len(pairs):]):
        out[f"grad_input/{n}"] = np.zeros(tuple(x.shape), np.float32) if g is None else np.asarray(g)
    return out


def train_step(model, inputs, targets):
    """{key: array}: the loss of one train_on_batch and every layer weight after it."""
    logs = model.train_on_batch(inputs, targets if len(targets) > 1 else targets[0], return_dict=True)
    out = {"step/loss": np.asarray(logs["loss"], np.float32)}
    for layer in model.layers:
        for i, w in enumerate(layer.weights):
            out[f"step/{layer.name}/{i}"] = np.asarray(w)
    return out


def meta(model, args):
    import keras
    import tensorflow as tf

    gpus = [d.name for d in tf.config.list_physical_devices("GPU")]
    onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    m = {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "gpus": gpus,
        # TF's default on x86 Linux CPUs is on ("oneDNN custom operations are on"); the variable turns it off.
        "onednn": onednn != "0" if onednn is not None else True,
        "tf32": bool(tf.config.experimental.tensor_float_32_execution_enabled()),
        "grads": "--grads" in args,
        "train_step": "--train-step" in args,
    }
    if "--train-step" in args:
        m["jit_compile"] = bool(getattr(model, "jit_compile", False))
    return np.frombuffer(json.dumps(m).encode(), dtype=np.uint8)


def main(argv):
    rest = list(argv[4:])
    weights = None
    if "--weights" in rest:
        k = rest.index("--weights")
        weights = rest[k + 1] if k + 1 < len(rest) else None
        del rest[k : k + 2]
    flags = [a for a in rest if a in ("--grads", "--train-step")]
    if len(argv) < 4 or len(flags) != len(rest) or (argv[1].endswith(".json") != (weights is not None)):
        print(__doc__)
        return 2
    import keras

    train = "--train-step" in flags
    if argv[1].endswith(".json"):
        # model_from_json also compiles when the JSON has a compile_config (Keras 3 deserialization)
        with open(argv[1]) as f:
            model = keras.models.model_from_json(f.read())
        model.load_weights(weights)
    else:
        model = keras.saving.load_model(argv[1], compile=train)
    z = np.load(argv[2])
    names = [t.name.split(":")[0] for t in model.inputs]
    arrays = [k for k in z.files if not k.startswith("target/")]
    if len(names) == 1:
        # by the input's name, else `x`, else the one array there is (as lstm-ts reads it)
        key = names[0] if names[0] in arrays else "x" if "x" in arrays else arrays[0] if len(arrays) == 1 else None
        if key is None:
            print(f"INPUTS.npz has {arrays}; expected one array, or one named x or {names[0]}", file=sys.stderr)
            return 2
        inputs, names = z[key], [key]
    else:
        inputs = [z[n] for n in names]
    out = reference(model, inputs)
    if "--grads" in flags:
        out.update(gradients(model, inputs, names))
    if train:
        targets = [z[k] for k in sorted((k for k in z.files if k.startswith("target/")), key=lambda k: int(k.split("/")[1]))]
        if not targets:
            print("--train-step needs the targets in INPUTS.npz as target/0, target/1, ...", file=sys.stderr)
            return 2
        if getattr(model, "optimizer", None) is None:
            print("--train-step needs a compiled model (saved after compile())", file=sys.stderr)
            return 2
        out.update(train_step(model, inputs, targets))
    out["__meta__"] = meta(model, flags)
    np.savez(argv[3], **out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
