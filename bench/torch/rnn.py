"""PyTorch recurrent timings for bench/rnn.bench.ts: argv[1] is JSON
{"cases": [{"name", "kind", "input", "hidden", "layers", "steps", "batch", "train"}], "threads": [...],
"reps": int}; prints the median milliseconds per training step (forward, sum(out * w), backward,
Adam) or per inference call (eval, no_grad). Cases slower than a second per call run 3 or more
samples instead of `reps` (about 20 s per case)."""
import json
import sys
import time

import torch
import torch.nn as nn

args = json.loads(sys.argv[1])
rows = []
for threads in args["threads"]:
    torch.set_num_threads(threads)
    for c in args["cases"]:
        torch.manual_seed(0)
        cls = nn.LSTM if c["kind"] == "lstm" else nn.GRU
        m = cls(c["input"], c["hidden"], c["layers"])
        x = torch.randn(c["steps"], c["batch"], c["input"])
        if c["train"]:
            m.train()
            opt = torch.optim.Adam(m.parameters(), lr=1e-3)
            w = torch.randn(c["steps"], c["batch"], c["hidden"])

            def fn():
                out, _ = m(x)
                loss = (out * w).sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
        else:
            m.eval()

            def fn():
                with torch.no_grad():
                    m(x)
        t0 = time.perf_counter()
        fn()
        first = time.perf_counter() - t0
        # Slow cases (seconds per call) get fewer samples: at least 3, about 20 s in all.
        reps = max(3, min(args["reps"], int(20 / max(first, 1e-6))))
        for _ in range(2 if first < 1 else 0):
            fn()
        samples = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - t0) * 1000)
        samples.sort()
        rows.append({"threads": threads, "name": c["name"], "ms": samples[len(samples) // 2]})


def blas():
    """The BLAS library this process loaded (Debian's torch calls the libblas.so.3 alternative)."""
    import os

    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line.rsplit("/", 1)[-1]}
    return sorted(os.path.realpath(p) for p in libs)


print(json.dumps({"torch": torch.__version__, "blas": blas(), "rows": rows}))
