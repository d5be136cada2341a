"""PyTorch dropout throughput for bench/dropout.bench.ts: argv[1] is JSON
{"sizes": [...], "threads": [...], "p": 0.5, "quick": bool}; prints JSON rows."""
import json
import sys

import torch

from common import time_it

args = json.loads(sys.argv[1])
rows = []
for threads in args["threads"]:
    torch.set_num_threads(threads)
    for n in args["sizes"]:
        x = torch.randn(n)
        fwd = time_it(lambda: torch.nn.functional.dropout(x, args["p"], training=True),
                      samples=3 if args.get("quick") else 11)
        rows.append({"threads": threads, "n": n, "forward_s": fwd})
print(json.dumps({"torch": torch.__version__, "rows": rows}))
