"""The captioning task's model in PyTorch, for a same-machine training throughput beside
`recur run captioning` (scripts/captioning-bench.sh runs both).

Same architecture and sizes as Recur's defaults: conv 16,32,64 (3x3, ReLU, 2x2 max pool) on 64x64
RGB, regions tagged with their x and y, an LSTMCell decoder (hidden 128, embedding 64) with
additive attention (size 128), the beta gate and the doubly stochastic penalty, teacher forcing,
Adam, clip 5. Random images and captions of `--steps` decoder steps (the shapes world's batches
pad to 12-13: 11 words and <eos>).

    python3 scripts/bench_pytorch_captioning.py --threads 1
Needs torch; not used by the tests.
"""
import argparse

import torch
import torch.nn as nn
import torch.nn.functional as F

from bench_pytorch import time_training


class Captioner(nn.Module):
    def __init__(self, vocab, emb=64, hidden=128, att=128, conv=(16, 32, 64)):
        super().__init__()
        layers, c = [], 3
        for o in conv:
            layers += [nn.Conv2d(c, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
            c = o
        self.encoder = nn.Sequential(*layers)
        d = c + 2
        self.embed = nn.Embedding(vocab, emb, padding_idx=0)
        self.init = nn.Linear(d, hidden)
        self.q, self.k, self.v = nn.Linear(hidden, att, bias=False), nn.Linear(d, att, bias=False), nn.Linear(att, 1, bias=False)
        self.beta = nn.Linear(hidden, 1)
        self.cell = nn.LSTMCell(emb + d, hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, images, inputs):
        f = self.encoder(images)
        b, _, h, w = f.shape
        regions = f.flatten(2).transpose(1, 2)
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
        a = torch.cat([regions, torch.stack([xs.flatten(), ys.flatten()], -1).expand(b, -1, -1)], -1)
        keys = self.k(a)
        hx = torch.tanh(self.init(a.mean(1)))
        cx = torch.zeros_like(hx)
        embedded = self.embed(inputs)
        logits, alphas = [], []
        for t in range(inputs.shape[0]):
            alpha = self.v(torch.tanh(self.q(hx).unsqueeze(1) + keys)).squeeze(-1).softmax(-1)
            z = torch.sigmoid(self.beta(hx)) * (alpha.unsqueeze(-1) * a).sum(1)
            hx, cx = self.cell(torch.cat([embedded[t], z], -1), (hx, cx))
            logits.append(self.out(hx))
            alphas.append(alpha)
        return torch.stack(logits), torch.stack(alphas)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--steps", type=int, default=12, help="decoder steps per caption (words + <eos>)")
    p.add_argument("--vocab", type=int, default=28)
    p.add_argument("--seconds", type=float, default=10)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Captioner(a.vocab)
    images = torch.rand(a.batch, 3, 64, 64)
    inputs = torch.randint(4, a.vocab, (a.steps, a.batch))
    targets = torch.randint(4, a.vocab, (a.steps, a.batch))
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)

    def loss():
        logits, alphas = model(images, inputs)
        penalty = ((1 - alphas.sum(0)) ** 2).mean()
        return F.cross_entropy(logits.reshape(-1, a.vocab), targets.reshape(-1)) + penalty

    steps, elapsed = time_training(loss, list(model.parameters()), opt, a.seconds)
    print(f"pytorch {torch.__version__} captioning, {a.threads} thread(s): {steps * a.batch / elapsed:.1f} images/s "
          f"({steps} steps of {a.batch} images, {a.steps} decoder steps)")


if __name__ == "__main__":
    main()
