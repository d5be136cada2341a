"""SGEMM peers for bench/gemm.bench.ts, one thread: numpy's matmul (OpenBLAS when numpy's BLAS is
OpenBLAS: reported from the loaded library), torch.mm, and oneDNN's inner product through
torch's mkldnn_linear (x (m, k) . w^T with w stored (n, k), the layout oneDNN prefers).
argv[1] is JSON {"shapes": [[m, n, k], ...], "quick": bool}; prints JSON. The caller chooses the
peers' instruction set through OPENBLAS_CORETYPE and DNNL_MAX_CPU_ISA."""
import ctypes
import json
import sys

import numpy as np
import torch

from common import time_it


def blas_name():
    for lib in ("libopenblas.so.0", "libopenblasp-r0.3.21.so"):
        try:
            so = ctypes.CDLL(lib)
            so.openblas_get_corename.restype = ctypes.c_char_p
            return "OpenBLAS " + so.openblas_get_corename().decode()
        except (OSError, AttributeError):
            continue
    return "numpy's BLAS (not OpenBLAS)"


args = json.loads(sys.argv[1])
samples = 3 if args.get("quick") else 9
torch.set_num_threads(1)
rows = []
for (m, n, k) in args["shapes"]:
    a = (np.sin(np.arange(m * k, dtype=np.float32)) * 0.5).reshape(m, k)
    b = (np.cos(np.arange(k * n, dtype=np.float32)) * 0.5).reshape(k, n)
    c = np.empty((m, n), np.float32)
    blas = time_it(lambda: np.matmul(a, b, out=c), samples=samples)
    ta, tb, tc = torch.from_numpy(a), torch.from_numpy(b), torch.empty(m, n)
    mm = time_it(lambda: torch.mm(ta, tb, out=tc), samples=samples)
    x, w = ta.to_mkldnn(), tb.t().contiguous().to_mkldnn()
    with torch.no_grad():
        dnnl = time_it(lambda: torch._C._nn.mkldnn_linear(x, w, None), samples=samples)
    rows.append({"shape": [m, n, k], "blas_s": blas, "mm_s": mm, "onednn_s": dnnl})
print(json.dumps({"torch": torch.__version__, "blas": blas_name(), "rows": rows}))
