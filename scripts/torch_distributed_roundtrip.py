#!/usr/bin/env python3
"""Continue training a dropnet model in PyTorch with torch.distributed; write the weights back.

    /usr/bin/python3 scripts/torch_distributed_roundtrip.py DIR [--world-size 2] [--epochs 5]

DIR holds what scripts/torch-distributed-roundtrip.ts wrote: start.safetensors (dropnet's state
dict, PyTorch names), data.safetensors (x [N, 20], y [N] class indices as float32) and
probe.safetensors (x [M, 20]). The model is examples/mlp.ts's network in PyTorch:
Sequential(Linear(20, 64), ReLU(), Dropout(0.5), Linear(64, 2)).

`--world-size` processes (torch.multiprocessing.spawn) join one gloo group over loopback
(127.0.0.1, a free port). Each wraps the model in DistributedDataParallel and trains on its own
shard of the data (DistributedSampler); DDP averages the gradients, so the replicas stay equal,
which is checked at the end by gathering every rank's parameters. Rank 0 writes
trained.safetensors (the state dict, for model.loadWeights in dropnet), torch_output.safetensors
(the eval-mode output on the probe) and report.json.

Debian's python3-torch has no `safetensors` package: the float32 subset of the format is read and
written here with struct and json (8-byte little-endian header length, JSON header, raw data).
"""
import argparse
import json
import os
import socket
import struct
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: {name} is {entry['dtype']}; this script reads F32 only")
        begin, end = entry["data_offsets"]
        raw = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(raw, dtype=torch.float32).reshape(entry["shape"]).clone()
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.float32).contiguous().cpu()
        raw = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def build_model():
    return nn.Sequential(nn.Linear(20, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 2))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(rank, world_size, port, directory, epochs):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    try:
        torch.manual_seed(1234 + rank)  # each rank's own dropout masks
        model = build_model()
        model.load_state_dict(read_safetensors(directory / "start.safetensors"))  # strict: every key matches
        ddp = DistributedDataParallel(model)
        data = read_safetensors(directory / "data.safetensors")
        dataset = TensorDataset(data["x"], data["y"].long())
        sampler = DistributedSampler(dataset, num_replicas=world_size, rank=rank, shuffle=True, seed=0)
        loader = DataLoader(dataset, batch_size=32, sampler=sampler)
        optimizer = torch.optim.SGD(ddp.parameters(), lr=0.05)
        loss_fn = nn.CrossEntropyLoss()

        def mean_loss():
            model.eval()
            with torch.no_grad():
                return loss_fn(model(data["x"]), data["y"].long()).item()

        before = mean_loss()
        samples_seen = 0
        for epoch in range(epochs):
            sampler.set_epoch(epoch)
            ddp.train()
            for x, y in loader:
                optimizer.zero_grad()
                loss_fn(ddp(x), y).backward()  # DDP all-reduces (averages) the gradients over gloo here
                optimizer.step()
                samples_seen += len(y)
        after = mean_loss()

        # Every replica must hold the same weights: gather them all and compare with rank 0's.
        flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        gathered = [torch.empty_like(flat) for _ in range(world_size)]
        dist.all_gather(gathered, flat)
        max_spread = max((g - gathered[0]).abs().max().item() for g in gathered)
        seen = torch.tensor([samples_seen])
        dist.all_reduce(seen)

        if rank == 0:
            write_safetensors(directory / "trained.safetensors", model.state_dict())
            model.eval()
            with torch.no_grad():
                y = model(read_safetensors(directory / "probe.safetensors")["x"])
            write_safetensors(directory / "torch_output.safetensors", {"y": y})
            report = {
                "torch": torch.__version__, "backend": dist.get_backend(), "world_size": world_size,
                "epochs": epochs, "samples_per_rank": samples_seen, "samples_all_ranks": int(seen.item()),
                "loss_before": before, "loss_after": after, "replica_max_abs_difference": max_spread,
            }
            (directory / "report.json").write_text(json.dumps(report, indent=2))
    finally:
        dist.destroy_process_group()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--world-size", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    if not dist.is_available():
        print("torch.distributed is not available in this PyTorch build", file=sys.stderr)
        return 2
    started = time.time()
    mp.spawn(worker, args=(args.world_size, free_port(), args.dir.resolve(), args.epochs), nprocs=args.world_size, join=True)
    report = json.loads((args.dir / "report.json").read_text())
    report["seconds"] = round(time.time() - started, 2)
    (args.dir / "report.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
