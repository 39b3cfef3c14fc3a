"""Trains the captioning task's model in PyTorch on a folder written by `recur data shapes`, with
the recipe of `recur run captioning` (batch 32, Adam 2e-3, clip 5, one random reference per image
per step, greedy decoding scored by exact match against all references), so that Recur's
learning curve can be set beside PyTorch's on the same data.

    recur data shapes --out workspace/shapes --images 12000
    python3 scripts/captioning_pytorch.py workspace/shapes --steps 1000 --eval-every 250
Needs torch, numpy and Pillow; not used by the tests.
"""
import argparse
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from bench_pytorch_captioning import Captioner


def read(folder):
    captions = {}
    for line in (folder / "captions.tsv").read_text().splitlines():
        name, caption = line.split("\t")
        captions.setdefault(name, []).append(caption.split())
    names = list(captions)
    images = np.stack([np.asarray(Image.open(folder / n).convert("RGB"), dtype=np.float32).transpose(2, 0, 1) / 255 for n in names])
    return torch.from_numpy(images), [captions[n] for n in names]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--steps", type=int, default=1000)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--alpha-penalty", type=float, default=1.0)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rng = random.Random(0)
    train_images, train_captions = read(Path(a.folder) / "train")
    val_images, val_captions = read(Path(a.folder) / "val")
    words = ["<pad>", "<bos>", "<eos>", "<unk>"] + sorted({w for refs in train_captions for c in refs for w in c})
    ids = {w: i for i, w in enumerate(words)}
    model = Captioner(len(words))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    longest = max(len(c) for refs in train_captions for c in refs) + 1

    def batch(captions):
        t = max(len(c) for c in captions) + 1
        inputs = torch.zeros(t, len(captions), dtype=torch.long)
        targets = torch.zeros(t, len(captions), dtype=torch.long)
        for b, c in enumerate(captions):
            inputs[: len(c) + 1, b] = torch.tensor([1] + [ids.get(w, 3) for w in c])
            targets[: len(c) + 1, b] = torch.tensor([ids.get(w, 3) for w in c] + [2])
        return inputs, targets

    def greedy(images):
        with torch.no_grad():
            out = [[] for _ in range(len(images))]
            done = [False] * len(images)
            tokens = torch.ones(1, len(images), dtype=torch.long)
            for _ in range(longest):
                logits, _ = model(images, tokens)
                best = logits[-1].argmax(-1)
                for b, w in enumerate(best.tolist()):
                    if not done[b]:
                        if w == 2:
                            done[b] = True
                        else:
                            out[b].append(words[w])
                tokens = torch.cat([tokens, best.unsqueeze(0)])
                if all(done):
                    break
            return out

    order, cursor, start = [], 0, time.perf_counter()
    for step in range(1, a.steps + 1):
        if cursor + 32 > len(order):
            order, cursor = list(range(len(train_captions))), 0
            rng.shuffle(order)
        chosen = order[cursor:cursor + 32]
        cursor += 32
        inputs, targets = batch([rng.choice(train_captions[i]) for i in chosen])
        logits, alphas = model(train_images[chosen], inputs)
        mask = (targets != 0).float()
        loss = F.cross_entropy(logits.reshape(-1, len(words)), targets.reshape(-1), ignore_index=0)
        if a.alpha_penalty > 0:
            loss = loss + a.alpha_penalty * ((1 - (alphas * mask.unsqueeze(-1)).sum(0)) ** 2).mean()
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5)
        opt.step()
        if step % a.eval_every == 0:
            model.eval()
            exact = sum(c in refs for i in range(0, len(val_captions), 64)
                        for c, refs in zip(greedy(val_images[i:i + 64]), val_captions[i:i + 64]))
            model.train()
            print(f"step {step}: loss {loss.item():.4f}  val_exact_match {exact / len(val_captions):.2%}  "
                  f"({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
