"""Writes test/native/fixtures/torch_lstm.json: PyTorch nn.LSTM (float64, CPU) outputs and gradients for fixed
cases, so that `npm test` checks the native kernels against an implementation we did not write, without Python.

usage: /opt/torchenv/bin/python bench/torch_fixture.py [out.json]
Weights are drawn here (numpy, seed 7) in Keras layout (kernel [I,4H], recurrent [H,4H], bias [4H], gates
i,f,c,o) and loaded as weight_ih_l0 = Kᵀ, weight_hh_l0 = Rᵀ, bias_ih_l0 = b, bias_hh_l0 = 0. Masked cases run
through pack_padded_sequence; their output seed dy is zero at padded steps (PyTorch outputs zeros there, Keras
the previous output: with dy = 0 there both define the same loss L = Σ dy⊙y + Σ dhT⊙h_T + Σ dcT⊙c_T).
go_backwards is expressed as a per-row reversal of the valid prefix (tf.reverse_sequence) before the LSTM and
of y after it (Keras's go_backwards returns y in processing order; masked cases keep dy = 0 at the padded
steps, which Keras processes first).
"""
import json
import sys

import numpy as np
import torch

CASES = [
    dict(T=6, B=3, I=4, H=5, lens=None, back=False),
    dict(T=9, B=4, I=3, H=6, lens=[9, 4, 1, 7], back=False),
    dict(T=8, B=3, I=5, H=4, lens=None, back=True),
    dict(T=10, B=5, I=6, H=8, lens=[10, 3, 6, 1, 8], back=True),
    dict(T=20, B=2, I=7, H=16, lens=[20, 11], back=False),
]


def rev(a, lens):  # reverse each row's valid prefix along time (axis 0), a: [T, B, ...]
    out = a.copy()
    for b, n in enumerate(lens):
        out[:n, b] = a[:n, b][::-1]
    return out


def main() -> None:
    out_path = sys.argv[1] if len(sys.argv) > 1 else "test/native/fixtures/torch_lstm.json"
    rng = np.random.default_rng(7)
    torch.set_default_dtype(torch.float64)
    cases = []
    for c in CASES:
        T, B, I, H = c["T"], c["B"], c["I"], c["H"]
        lens = c["lens"] or [T] * B
        u = lambda *s, sc=1.0: (rng.uniform(-sc, sc, size=s)).astype(np.float32).astype(np.float64)
        x, h0, c0 = u(T, B, I), u(B, H, sc=0.5), u(B, H, sc=0.5)
        K, R, bias = u(I, 4 * H, sc=0.7), u(H, 4 * H, sc=0.7), u(4 * H, sc=0.5)
        dy, dhT, dcT = u(T, B, H), u(B, H), u(B, H)
        for b, n in enumerate(lens):  # zero seeds at padded steps (processing order)
            if c["back"]:
                dy[: T - n, b] = 0
            else:
                dy[n:, b] = 0
        lstm = torch.nn.LSTM(I, H)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(torch.tensor(K.T))
            lstm.weight_hh_l0.copy_(torch.tensor(R.T))
            lstm.bias_ih_l0.copy_(torch.tensor(bias))
            lstm.bias_hh_l0.zero_()
        xt = torch.tensor(rev(x, lens) if c["back"] else x, requires_grad=True)
        h0t = torch.tensor(h0[None], requires_grad=True)
        c0t = torch.tensor(c0[None], requires_grad=True)
        packed = torch.nn.utils.rnn.pack_padded_sequence(xt, torch.tensor(lens), enforce_sorted=False)
        yp, (hT, cT) = lstm(packed, (h0t, c0t))
        y, _ = torch.nn.utils.rnn.pad_packed_sequence(yp, total_length=T)  # cuDNN-style: zeros after len
        # Keras processing order: forward = y; go_backwards = padded steps first (zeros), then y' in order.
        if c["back"]:
            idx = torch.zeros(T, B, dtype=torch.long)
            valid = torch.zeros(T, B, 1)
            for b, n in enumerate(lens):
                for s in range(T - n, T):
                    idx[s, b] = s - (T - n)
                    valid[s, b] = 1
            yk = torch.gather(y, 0, idx[:, :, None].expand(T, B, H)) * valid
        else:
            yk = y
        loss = (yk * torch.tensor(dy)).sum() + (hT[0] * torch.tensor(dhT)).sum() + (cT[0] * torch.tensor(dcT)).sum()
        loss.backward()
        dx = xt.grad.numpy()
        if c["back"]:
            dx = rev(dx, lens)
        for b, n in enumerate(lens):
            dx[n:, b] = 0
        flat = lambda a: [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]
        valid_y = np.zeros((T, B), dtype=np.float64)
        for b, n in enumerate(lens):
            if c["back"]:
                valid_y[T - n:, b] = 1
            else:
                valid_y[:n, b] = 1
        cases.append(dict(
            T=T, B=B, I=I, H=H, lens=c["lens"], goBackwards=c["back"],
            x=flat(x), h0=flat(h0), c0=flat(c0), kernel=flat(K), recurrentKernel=flat(R), bias=flat(bias),
            dy=flat(dy), dhT=flat(dhT), dcT=flat(dcT), validY=flat(valid_y),
            y=flat(yk.detach()), hT=flat(hT.detach()[0]), cT=flat(cT.detach()[0]),
            dx=flat(dx), dh0=flat(h0t.grad[0]), dc0=flat(c0t.grad[0]),
            dKernel=flat(lstm.weight_ih_l0.grad.T), dRecurrentKernel=flat(lstm.weight_hh_l0.grad.T), dBias=flat(lstm.bias_ih_l0.grad),
        ))
    meta = dict(generator="bench/torch_fixture.py", torch=torch.__version__, dtype="float64",
                note="PyTorch nn.LSTM (CPU, float64) on Keras-layout weights; see the docstring of the generator")
    with open(out_path, "w") as f:
        json.dump(dict(meta=meta, cases=cases), f)
    print(f"wrote {len(cases)} cases to {out_path}")


if __name__ == "__main__":
    main()
