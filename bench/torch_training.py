"""PyTorch CPU training-throughput peer for bench/training.ts (the adding problem).

usage: [BENCH_THREADS=n] /opt/torchenv/bin/python bench/torch_training.py T H B [seconds]
Model: nn.LSTM(2, H, batch_first) -> last h -> nn.Linear(H, 1), MSE, Adam(1e-3). One training step = forward +
backward + Adam update on one batch of B sequences; torch's default thread count (all cores). Batches are
pre-generated, so data generation is not timed. Prints one JSON line (same keys as tf_training.py).
"""
import json
import os
import sys
import time

import numpy as np
import torch

from adding_data import adding


class Model(torch.nn.Module):
    def __init__(self, H):
        super().__init__()
        self.lstm = torch.nn.LSTM(2, H, batch_first=True)
        self.out = torch.nn.Linear(H, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.out(h[-1])


def main():
    T, H, B = (int(v) for v in sys.argv[1:4])
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 20.0
    if os.environ.get("BENCH_THREADS"):
        torch.set_num_threads(int(os.environ["BENCH_THREADS"]))
    torch.manual_seed(0)
    model = Model(H)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    batches = [tuple(torch.from_numpy(a) for a in adding(rng, B, T)) for _ in range(8)]

    def step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for i in range(3):
        step(*batches[i % len(batches)])
    n = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds or n < 3:
        step(*batches[n % len(batches)])
        n += 1
    dt = time.perf_counter() - t0
    print(json.dumps({
        "framework": "pytorch-cpu", "version": torch.__version__, "threads": {"intra_op": torch.get_num_threads(), "cpus": os.cpu_count()},
        "steps": n, "seconds": dt, "seq_per_s": n * B / dt, "ms_per_step": 1000 * dt / n,
    }))


if __name__ == "__main__":
    main()
