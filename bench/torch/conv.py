"""PyTorch conv2d forward/backward timings for bench/conv.bench.ts: argv[1] is JSON
{"shapes": [[N,C,H,W,K,k,s,p], ...], "threads": [...], "quick": bool}; prints JSON rows."""
import json
import sys

import torch
import torch.nn.functional as F

from common import time_it

args = json.loads(sys.argv[1])
samples = 3 if args.get("quick") else 7
rows = []
for threads in args["threads"]:
    torch.set_num_threads(threads)
    for (n, c, h, w, k, ks, s, p) in args["shapes"]:
        x = torch.randn(n, c, h, w, requires_grad=True)
        wt = torch.randn(k, c, ks, ks, requires_grad=True)
        b = torch.randn(k, requires_grad=True)
        with torch.no_grad():
            fwd = time_it(lambda: F.conv2d(x, wt, b, stride=s, padding=p), samples=samples)
        out = F.conv2d(x, wt, b, stride=s, padding=p)
        dy = torch.randn(out.shape)
        # Backward alone: the graph is kept, so each call runs only the input, weight and bias gradients.
        bwd = time_it(lambda: torch.autograd.grad(out, (x, wt, b), dy, retain_graph=True), samples=samples)
        rows.append({"threads": threads, "shape": [n, c, h, w, k, ks, s, p], "forward_s": fwd,
                     "backward_s": bwd})
print(json.dumps({"torch": torch.__version__, "mkldnn": torch.backends.mkldnn.is_available(), "rows": rows}))
