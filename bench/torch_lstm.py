"""PyTorch CPU nn.LSTM timing peer for bench/native.ts (one thread).

usage: python bench/torch_lstm.py B T I H [budget_seconds] [cpu|cuda] [serve]
Prints one JSON line: {"version", "threads", "infer": [ms...], "train": [ms...], "inferCpu": [...], "trainCpu": [...]},
on cuda also "inferHost"/"trainHost" (+ "...Cpu"): the same ops with host tensors in and out, as lstm-ts's cudnn
backend is called (x up; y, hT, cT down; dy up; dx and weight gradients down).
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
    # Threads: $LSTM_TS_BENCH_THREADS (bench/paired.ts --threads), else 1.
    torch.set_num_threads(int(__import__("os").environ.get("LSTM_TS_BENCH_THREADS", "1")))
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

    # The same two ops with lstm-ts's cudnn data flow: the library's tensors are host typed arrays, so every call
    # copies x up and y (and hT, cT) down; backward copies dy up, takes dL/dy from the host, and copies dx and the
    # weight gradients down. Timing these beside the device-resident ops above separates cuDNN's compute from the
    # PCIe copies that a host-resident library cannot avoid (on cpu these are the same ops, the copies no-ops).
    x_host = x.cpu()

    def infer_host() -> None:
        with torch.no_grad():
            y, (h, c) = lstm(x_host.to(device))
            y.cpu(), h.cpu(), c.cpu()
        sync()

    def train_host() -> None:
        lstm.zero_grad(set_to_none=True)
        xd = x_host.to(device).requires_grad_(True)
        y, _ = lstm(xd)
        y_host = y.detach().cpu()
        dy = y_host * (2.0 / y_host.numel())  # d mean(y²)/dy, computed on the host like the Node side
        y.backward(dy.to(device))
        xd.grad.cpu()
        for p in lstm.parameters():
            p.grad.cpu()
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
    for name, fn in (("infer", infer), ("train", train), ("inferHost", infer_host), ("trainHost", train_host)):
        if name.endswith("Host") and device == "cpu":
            continue  # identical to the ops above on cpu
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
