"""Timing helpers shared by the PyTorch peer scripts: warm-up, repeated samples, medians, the
same rules as bench/harness.ts so the two sides are measured alike."""
import statistics
import time


def time_it(fn, samples=11, min_sample_s=0.025, warmup_s=0.05):
    end = time.perf_counter() + warmup_s
    calls = 0
    t0 = time.perf_counter()
    while True:
        fn()
        calls += 1
        if time.perf_counter() >= end:
            break
    per_call = (time.perf_counter() - t0) / calls
    reps = max(1, int(min_sample_s / max(per_call, 1e-9)) + 1)
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        times.append((time.perf_counter() - t0) / reps)
    return statistics.median(times)
