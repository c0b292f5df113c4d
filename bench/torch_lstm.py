"""PyTorch CPU nn.LSTM timing peer for bench/native.ts (one thread).

usage: python bench/torch_lstm.py B T I H [budget_seconds] [cpu|cuda] [serve]
Prints one JSON line: {"version", "threads", "infer": [ms...], "train": [ms...], "inferCpu": [...], "trainCpu": [...]}.
Inference = forward of the whole [T, B, I] sequence under no_grad; training step = forward + backward of
mean(y**2) (gradients of all weights and of x; no optimizer update) — the same work as the native side.

With the 7th argument `serve` (used by bench/paired.ts) it warms both ops up, prints {"ready": ...} and then
answers each stdin line "infer" or "train" by running that op once and printing {"ms", "cpuMs"}, so that the
caller can interleave single torch ops with its own and compare them under the same machine load.
"""
import json
import sys
import time

import torch


def main() -> None:
    B, T, I, H = (int(v) for v in sys.argv[1:5])
    budget = float(sys.argv[5]) if len(sys.argv) > 5 else 20.0
    device = sys.argv[6] if len(sys.argv) > 6 else "cpu"
    torch.set_num_threads(1)
    torch.backends.cudnn.allow_tf32 = False  # strict fp32, like the cuDNN backend's default FMA math
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(I, H).to(device)  # time-major input [T, B, I], as the native kernel
    x = (torch.rand(T, B, I) - 0.5).to(device)
    xg = x.clone().requires_grad_(True)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)

    def infer() -> None:
        with torch.no_grad():
            lstm(x)
        sync()

    def train() -> None:
        lstm.zero_grad(set_to_none=True)
        xg.grad = None
        y, _ = lstm(xg)
        (y * y).mean().backward()
        sync()

    out = {"version": torch.__version__, "threads": torch.get_num_threads(), "device": device}
    if len(sys.argv) > 7 and sys.argv[7] == "serve":
        for fn in (infer, infer, train, train):  # warm-up (oneDNN primitive creation)
            fn()
        print(json.dumps({"ready": out}), flush=True)
        ops = {"infer": infer, "train": train}
        for line in sys.stdin:
            fn = ops.get(line.strip())
            if fn is None:
                break
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn()
            print(json.dumps({"ms": (time.perf_counter() - t0) * 1000, "cpuMs": (time.process_time() - c0) * 1000}), flush=True)
        return
    for name, fn in (("infer", infer), ("train", train)):
        t0 = time.perf_counter()
        fn()  # warm-up (oneDNN primitive creation)
        first = time.perf_counter() - t0
        fn()
        reps = max(3, min(9, int(budget / max(first, 1e-3))))
        wall, cpu = [], []
        for _ in range(reps):
            c0 = time.process_time()
            t0 = time.perf_counter()
            fn()
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        out[name] = wall
        out[name + "Cpu"] = cpu
    print(json.dumps(out))


if __name__ == "__main__":
    main()
