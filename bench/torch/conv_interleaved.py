"""PyTorch's conv2d forward (3x3, pad 1, one thread) against an addon build's conv2dForward, sample
by sample in turn: the addon runs in a node child (conv_worker.mjs) that times a sample whenever
asked, PyTorch here by this thread's CPU time; medians of the samples. On a machine shared with
other work, separate runs swing by 10-20%; alternating sample by sample, both see the same load.
  python3 bench/torch/conv_interleaved.py ADDON.node ISA ROUNDS N,C,H,W,K [ALGO ...]
ALGO is a forward algorithm name (DROPNET_CONV_ALGO) or "auto" (the default). Cap PyTorch's ISA
with ONEDNN_MAX_CPU_ISA / DNNL_MAX_CPU_ISA (e.g. AVX2)."""
import json
import os
import statistics
import subprocess
import sys
import time

import torch
import torch.nn.functional as F

addon, isa, rounds, shape = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
algos = sys.argv[5:] or ["auto"]
n, c, h, w, k = (int(v) for v in shape.split(","))
torch.set_num_threads(1)
x, wt, b = torch.randn(n, c, h, w), torch.randn(k, c, 3, 3), torch.randn(k)
worker = os.path.join(os.path.dirname(os.path.abspath(__file__)), "conv_worker.mjs")
child = subprocess.Popen(["node", worker, addon, isa, shape], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
times = {"torch": []}
ran = {}
with torch.no_grad():
    for _ in range(10):
        F.conv2d(x, wt, b, padding=1)
    for _ in range(rounds):
        for a in algos:
            child.stdin.write(a + "\n")
            child.stdin.flush()
            ms, which = child.stdout.readline().split()
            times.setdefault(a, []).append(float(ms))
            ran[a] = which
        t0 = time.thread_time()
        for _ in range(10):
            F.conv2d(x, wt, b, padding=1)
        times["torch"].append((time.thread_time() - t0) / 10 * 1e3)
child.stdin.close()
child.wait()
med = {a: statistics.median(v) for a, v in times.items()}
print(json.dumps({"shape": shape, "isa": isa, "torch_ms": med["torch"],
                  "dropnet": [{"algo": a, "ran": ran[a], "ms": med[a], "vs_torch": med["torch"] / med[a]} for a in algos]}))
