"""PyTorch layer norm and embedding lookup for bench/seq-layers.bench.ts: argv[1] is JSON
{"shapes": [[rows, n], ...], "vocab": V, "threads": [...], "quick": bool}; prints JSON rows."""
import json
import sys

import torch

from common import time_it

args = json.loads(sys.argv[1])
samples = 3 if args.get("quick") else 11
rows = []
for threads in args["threads"]:
    torch.set_num_threads(threads)
    for r, n in args["shapes"]:
        ln = torch.nn.LayerNorm(n)
        x = torch.randn(r, n, requires_grad=True)
        dy = torch.randn(r, n)
        with torch.no_grad():
            fwd = time_it(lambda: ln(x), samples=samples)

        def step():
            x.grad = None
            ln.zero_grad()
            ln(x).backward(dy)

        both = time_it(step, samples=samples)
        emb = torch.nn.Embedding(args["vocab"], n)
        ids = torch.randint(0, args["vocab"], (r,))
        with torch.no_grad():
            look = time_it(lambda: emb(ids), samples=samples)
        rows.append({"threads": threads, "rows": r, "n": n, "layernorm_forward_s": fwd,
                     "layernorm_forward_backward_s": both, "embedding_forward_s": look})
print(json.dumps({"torch": torch.__version__, "rows": rows}))
