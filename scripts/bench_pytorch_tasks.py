"""PyTorch counterparts of scripts/translation-bench.sh and scripts/classification-bench.sh,
for a same-machine ratio (the issues' PyTorch figures were measured on another CPU).

    python3 scripts/bench_pytorch_tasks.py translation --threads 1
    python3 scripts/bench_pytorch_tasks.py classification --threads 2
Needs torch; not used by the tests.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

from bench_pytorch import time_training


class Seq2Seq(nn.Module):
    """GRU encoder-decoder with Luong dot attention, as docs/recipes.md, translation (teacher forcing)."""

    def __init__(self, vs, vt, emb, hidden):
        super().__init__()
        self.src, self.tgt = nn.Embedding(vs, emb, padding_idx=0), nn.Embedding(vt, emb, padding_idx=0)
        self.enc, self.dec = nn.GRU(emb, hidden), nn.GRU(emb, hidden)
        self.wc, self.out = nn.Linear(2 * hidden, hidden), nn.Linear(hidden, vt)

    def forward(self, src, tgt_in):
        h, last = self.enc(self.src(src))                     # [S, B, H]
        s, _ = self.dec(self.tgt(tgt_in), last)               # [T, B, H]
        scores = torch.einsum("tbh,sbh->bts", s, h)
        context = torch.einsum("bts,sbh->tbh", scores.softmax(-1), h)
        return self.out(torch.tanh(self.wc(torch.cat([context, s], -1))))


class Classifier(nn.Module):
    def __init__(self, vocab, emb, hidden, layers, classes):
        super().__init__()
        self.emb = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnn = nn.LSTM(emb, hidden, layers, bidirectional=True)
        self.head = nn.Linear(2 * hidden, classes)

    def forward(self, x):
        out, _ = self.rnn(self.emb(x))
        return self.head(out.mean(0))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("task", choices=["translation", "classification"])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=8)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if a.task == "translation":
        model, B, L = Seq2Seq(1000, 1000, 128, 256), 64, 20
        src, tgt = torch.randint(4, 1000, (L + 1, B)), torch.randint(4, 1000, (L + 1, B))
        loss_fn = lambda: F.cross_entropy(model(src, tgt).reshape(-1, 1000), tgt.flatten())
        items, unit = B * (L + 1), "target tokens/s"
    else:
        model, B, L = Classifier(5000, 128, 256, 2, 5), 64, 128
        x, y = torch.randint(1, 5000, (L, B)), torch.randint(0, 5, (B,))
        loss_fn = lambda: F.cross_entropy(model(x), y)
        items, unit = B, "sequences/s"
    params = list(model.parameters())
    steps, elapsed = time_training(loss_fn, params, torch.optim.Adam(params, lr=1e-3), a.seconds)
    print(f"pytorch {torch.__version__} {a.task}, {a.threads} thread(s): {steps * items / elapsed:.1f} {unit}")


if __name__ == "__main__":
    main()
