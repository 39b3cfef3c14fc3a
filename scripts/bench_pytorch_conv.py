"""PyTorch counterpart of `recur bench conv`, for a ratio on the same machine.

Random images [B, 3, S, S] -> nn.Sequential(Conv2d 3x3 pad 1, ReLU, MaxPool2d 2, ...) -> backward
with a fixed random gradient of the features (as Recur's side), timed per iteration after 3
warm-up ones; prints one JSON object with the best and median iteration.

    scripts/.venv/bin/python scripts/bench_pytorch_conv.py --batch 32 --image-size 64 --conv 32,64,64 --threads 1
Used by scripts/bench-conv.sh; not by the tests.
"""
import argparse
import json
import time

import torch
from torch import nn


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--image-size", type=int, default=64)
    p.add_argument("--conv", default="32,64,64")
    p.add_argument("--iterations", type=int, default=20)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    layers, previous = [], 3
    for width in (int(c) for c in a.conv.split(",")):
        layers += [nn.Conv2d(previous, width, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        previous = width
    model = nn.Sequential(*layers)
    images = torch.rand(a.batch, 3, a.image_size, a.image_size)
    with torch.no_grad():
        seed = torch.rand_like(model(images)) * 2 - 1

    def iteration():
        model.zero_grad(set_to_none=True)
        model(images).backward(seed)

    for _ in range(3):
        iteration()
    seconds = []
    for _ in range(a.iterations):
        start = time.perf_counter()
        iteration()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    best, median = seconds[0], seconds[len(seconds) // 2]
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "mkldnn": torch.backends.mkldnn.is_available(),
                      "best_ms": best * 1000, "median_ms": median * 1000,
                      "images_per_second": round(a.batch / best), "median_images_per_second": round(a.batch / median)}))


if __name__ == "__main__":
    main()
