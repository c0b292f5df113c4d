"""TF 2.21 / Keras 3 CPU training-throughput peer for bench/training.ts (the adding problem).

usage: [BENCH_THREADS=n] /opt/tfenv/bin/python bench/tf_training.py T H B [seconds]
Model: Input((T, 2)) -> LSTM(H) -> Dense(1), MSE, Adam(1e-3). One training step = forward + backward + Adam
update on one batch of B sequences, run as a compiled tf.function (the fastest way Keras 3 trains on TF;
jit_compile off, as model.fit's default on CPU). Batches are pre-generated (the adding problem with two
markers), so data generation is not timed. Prints one JSON line:
  {"framework", "version", "threads", "steps", "seconds", "seq_per_s", "ms_per_step"}.
"""
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "-1")

import numpy as np
import tensorflow as tf
import keras

from adding_data import adding

if os.environ.get("BENCH_THREADS"):  # set before any op runs
    tf.config.threading.set_intra_op_parallelism_threads(int(os.environ["BENCH_THREADS"]))
    tf.config.threading.set_inter_op_parallelism_threads(int(os.environ["BENCH_THREADS"]))


def main():
    T, H, B = (int(v) for v in sys.argv[1:4])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((T, 2)), keras.layers.LSTM(H), keras.layers.Dense(1)])
    opt = keras.optimizers.Adam(1e-3)
    loss_fn = keras.losses.MeanSquaredError()
    rng = np.random.default_rng(0)
    batches = [tuple(tf.constant(a) for a in adding(rng, B, T)) for _ in range(8)]

    @tf.function(jit_compile=False)
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply(grads, model.trainable_variables)
        return loss

    for i in range(3):  # trace + warm-up
        step(*batches[i % len(batches)]).numpy()
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds or n < 3:
        step(*batches[n % len(batches)]).numpy()
        n += 1
    dt = time.perf_counter() - t0
    print(json.dumps({
        "framework": "tensorflow-cpu", "version": tf.__version__, "keras": keras.__version__,
        "threads": {"intra_op": tf.config.threading.get_intra_op_parallelism_threads(),
                    "inter_op": tf.config.threading.get_inter_op_parallelism_threads(), "cpus": os.cpu_count()},
        "steps": n, "seconds": dt, "seq_per_s": n * B / dt, "ms_per_step": 1000 * dt / n,
    }))


if __name__ == "__main__":
    main()
