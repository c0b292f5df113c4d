"""torch's own LSTM speed with and without GOMP_SPINCOUNT, alternating fresh processes (docs/benchmarks.md
"Torch's spinning threads"): bench/paired.ts --torch-spincount must not change how fast torch itself runs.

    /opt/torchenv/bin/python bench/torch_spincount_ab.py <spincount> [infer|train] [threads] [rounds]

libgomp reads GOMP_SPINCOUNT once, when it starts, so each setting needs its own process: every round starts one
`bench/torch_lstm.py ... serve` child (small config) without the variable and one with it, times 40 ops in each
(torch's own timing, the first 5 dropped) and prints the ratio of medians; the last line is the median ratio.
"""
import json
import os
import statistics
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def median_ms(env_extra, what, threads, n=40):
    env = {k: v for k, v in os.environ.items() if k != "GOMP_SPINCOUNT"}  # the default side: libgomp's own count
    env.update(LSTM_TS_BENCH_THREADS=str(threads), **env_extra)
    p = subprocess.Popen([sys.executable, os.path.join(here, "torch_lstm.py"), "32", "50", "64", "128", "1", "cpu", "serve"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
    p.stdout.readline()  # {"ready": ...}
    ms = []
    for _ in range(n):
        p.stdin.write(what + "\n")
        p.stdin.flush()
        ms.append(json.loads(p.stdout.readline())["ms"])
    p.stdin.write("quit\n")
    p.stdin.flush()
    p.wait()
    return statistics.median(ms[5:])


def main():
    count = sys.argv[1]
    what = sys.argv[2] if len(sys.argv) > 2 else "infer"
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 6
    ratios = []
    for r in range(rounds):
        a = median_ms({}, what, threads)
        b = median_ms({"GOMP_SPINCOUNT": count}, what, threads)
        ratios.append(b / a)
        print(f"{what} round {r}: default {a:.3f} ms, GOMP_SPINCOUNT={count} {b:.3f} ms, ratio {b / a:.3f}", flush=True)
    print(f"{what} {threads} threads: median time ratio GOMP_SPINCOUNT={count} / default = {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
