"""Independent oracle for the native backends: PyTorch nn.LSTM on the same weights (on a GPU it runs cuDNN).

usage:  python bench/torch_compare.py /tmp/lstm-ts-torch-compare.json [--device cuda|cpu]
The JSON comes from `npx tsx bench/torch_compare_dump.ts` (weights, inputs, seeds, and the ts / native-cpu /
cudnn results). For each case this builds nn.LSTM(I, H) with
    weight_ih_l0 = Kᵀ, weight_hh_l0 = Rᵀ  (Keras [in, 4H] → PyTorch [4H, in]; gate order i,f,c,o = i,f,g,o)
    bias_ih_l0 = b, bias_hh_l0 = 0          (Keras has one bias)
runs x (time-major) from (h0, c0) — masked cases through pack_padded_sequence — differentiates
L = Σ dy⊙y + Σ dhT⊙h_T + Σ dcT⊙c_T, and compares every output and gradient with each backend's.
Tolerances (as the JS property tests): outputs ≤ 1e-5 abs, gradients ≤ 1e-4 · max(1, max|torch|).
Exit status 1 if any backend is outside them. TF32 is disabled (FMA math, like the cuDNN backend's default).
"""
import json
import sys

import torch


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else "/tmp/lstm-ts-torch-compare.json"
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if "--device" in sys.argv:
        device = sys.argv[sys.argv.index("--device") + 1]
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    print(f"torch {torch.__version__} on {device}" + (f" ({torch.cuda.get_device_name()}, cuDNN {torch.backends.cudnn.version()})" if device == "cuda" else ""))
    data = json.load(open(path))
    bad = 0
    for c in data["cases"]:
        T, B, I, H, lens = c["T"], c["B"], c["I"], c["H"], c["lens"]
        f = lambda k, *shape: torch.tensor(c[k], dtype=torch.float32, device=device).reshape(*shape)
        K, R, b = f("kernel", I, 4 * H), f("recurrentKernel", H, 4 * H), f("bias", 4 * H)
        lstm = torch.nn.LSTM(I, H).to(device)
        with torch.no_grad():
            lstm.weight_ih_l0.copy_(K.t())
            lstm.weight_hh_l0.copy_(R.t())
            lstm.bias_ih_l0.copy_(b)
            lstm.bias_hh_l0.zero_()
        x = f("x", T, B, I).requires_grad_(True)
        h0 = f("h0", 1, B, H).requires_grad_(True)
        c0 = f("c0", 1, B, H).requires_grad_(True)
        if lens is None:
            y, (hT, cT) = lstm(x, (h0, c0))
        else:
            packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lens), enforce_sorted=False)
            yp, (hT, cT) = lstm(packed, (h0, c0))
            y, _ = torch.nn.utils.rnn.pad_packed_sequence(yp, total_length=T)
        loss = (y * f("dy", T, B, H)).sum() + (hT * f("dhT", 1, B, H)).sum() + (cT * f("dcT", 1, B, H)).sum()
        loss.backward()
        ref = {
            "y": y.detach(), "hT": hT.detach(), "cT": cT.detach(),
            "dx": x.grad, "dh0": h0.grad, "dc0": c0.grad,
            "dKernel": lstm.weight_ih_l0.grad.t(), "dRecurrentKernel": lstm.weight_hh_l0.grad.t(), "dBias": lstm.bias_ih_l0.grad,
        }
        mask = None
        if lens is not None:  # Keras repeats the previous output at padded steps; PyTorch writes zeros: compare valid steps
            mask = (torch.arange(T, device=device)[:, None] < torch.tensor(lens, device=device)[None, :]).float()[:, :, None]
        for name, res in c["results"].items():
            if "skipped" in res:
                print(f"  case T={T} B={B} I={I} H={H} lens={'yes' if lens else 'no'}: {name} skipped ({res['skipped']})")
                continue
            worst_out, worst_grad = 0.0, 0.0
            for k, r in ref.items():
                got = torch.tensor(res[k], dtype=torch.float32, device=device).reshape(r.shape)
                diff = (got - r).abs()
                if k == "y" and mask is not None:
                    diff = diff * mask
                if k in ("y", "hT", "cT"):
                    worst_out = max(worst_out, diff.max().item())
                else:
                    worst_grad = max(worst_grad, diff.max().item() / max(1.0, r.abs().max().item()))
            ok = worst_out <= 1e-5 and worst_grad <= 1e-4
            bad += not ok
            print(f"  case T={T} B={B} I={I} H={H} lens={'yes' if lens else 'no'}: {name:10s} max|Δout| {worst_out:.2e}  max rel|Δgrad| {worst_grad:.2e}  {'ok' if ok else 'FAIL'}")
    print("ALL OK" if bad == 0 else f"{bad} FAILED")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
