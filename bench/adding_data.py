"""The adding problem (Hochreiter & Schmidhuber 1997, as src/train/datasets/adding.ts builds it) for the Python
training-throughput peers bench/tf_training.py and bench/torch_training.py: one generator, so both train on
the same kind of batches. A module: importing it runs nothing."""
import numpy as np


def adding(rng, B, T):
    """x [B, T, 2]: channel 0 uniform values, channel 1 marks one step in each half; y [B, 1]: the marked sum."""
    x = np.zeros((B, T, 2), dtype=np.float32)
    x[:, :, 0] = rng.random((B, T))
    half = T // 2
    p1 = rng.integers(0, half, B)
    p2 = rng.integers(half, T, B)
    x[np.arange(B), p1, 1] = 1
    x[np.arange(B), p2, 1] = 1
    y = (x[np.arange(B), p1, 0] + x[np.arange(B), p2, 0])[:, None]
    return x, y.astype(np.float32)
