"""PyTorch CPU nn.GRU / nn.RNN timing peer for bench/paired-cells.ts (one thread), in the serve protocol of
bench/torch_lstm.py: prints {"ready": ...}, then answers each stdin line "infer" / "train" with {"ms", "cpuMs"}.

usage: python bench/torch_cell.py gru|rnn B T I H
Inference = forward of the whole [T, B, I] sequence under no_grad; training step = forward + backward of mean(y**2)
with every weight gradient and x's — the work the native side does.
"""
import json
import sys
import time

import torch


def main() -> None:
    kind = sys.argv[1]
    B, T, I, H = (int(v) for v in sys.argv[2:6])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    net = torch.nn.GRU(I, H) if kind == "gru" else torch.nn.RNN(I, H, nonlinearity="tanh")
    x = torch.rand(T, B, I) - 0.5
    xg = x.clone().requires_grad_(True)

    def infer() -> None:
        with torch.no_grad():
            net(x)

    def train() -> None:
        net.zero_grad(set_to_none=True)
        xg.grad = None
        y, _ = net(xg)
        (y * y).mean().backward()

    for fn in (infer, infer, train, train):
        fn()
    print(json.dumps({"ready": {"version": torch.__version__, "threads": torch.get_num_threads()}}), flush=True)
    ops = {"infer": infer, "train": train}
    for line in sys.stdin:
        fn = ops.get(line.strip())
        if fn is None:
            break
        c0 = time.process_time()
        t0 = time.perf_counter()
        fn()
        print(json.dumps({"ms": (time.perf_counter() - t0) * 1e3, "cpuMs": (time.process_time() - c0) * 1e3}), flush=True)


if __name__ == "__main__":
    main()
