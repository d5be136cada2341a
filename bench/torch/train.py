"""PyTorch training throughput for bench/train.bench.ts: argv[1] is JSON
{"models": ["mlp", "cnn"], "batches": {...}, "threads": [...], "steps": int}; prints samples/s, by the
wall clock and by the process's CPU time (time.process_time: every thread of the process, counted
only while it runs, so a loaded machine changes it far less than the wall clock)."""
import json
import sys
import time

import torch
import torch.nn as nn

args = json.loads(sys.argv[1])


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 128), nn.ReLU(),
                         nn.Dropout(0.3), nn.Linear(128, 10)), (784,)


def cnn():
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4096, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10)), (3, 32, 32)


rows = []
for threads in args["threads"]:
    torch.set_num_threads(threads)
    for name in args["models"]:
        for batch in args["batches"][name]:
            torch.manual_seed(0)
            model, shape = mlp() if name == "mlp" else cnn()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            loss_fn = nn.CrossEntropyLoss()
            x = torch.randn(batch, *shape)
            y = torch.randint(0, 10, (batch,))
            model.train()

            def step():
                opt.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                opt.step()

            for _ in range(5):
                step()
            steps = args["steps"]
            samples = []
            cpu = []
            for _ in range(7):
                t0 = time.perf_counter()
                c0 = time.process_time()
                for _ in range(steps):
                    step()
                cpu.append(batch * steps / (time.process_time() - c0))
                samples.append(batch * steps / (time.perf_counter() - t0))
            samples.sort()
            cpu.sort()
            rows.append({"threads": threads, "model": name, "batch": batch, "samples_per_s": samples[len(samples) // 2],
                         "cpu_samples_per_s": cpu[len(cpu) // 2]})
print(json.dumps({"torch": torch.__version__, "rows": rows}))
