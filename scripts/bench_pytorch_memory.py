"""PyTorch counterpart of `recur bench memory`: peak resident memory of training steps.

One-hot input over V symbols -> nn.LSTM/GRU/RNN stack -> Linear -> cross-entropy -> backward ->
clip 5 -> Adam step, on random data, `--steps` times; prints the process's peak resident set
(VmHWM from /proc/self/status, the same figure `/usr/bin/time -v` calls "Maximum resident set
size") and the time per step.

    python3 scripts/bench_pytorch_memory.py --cell lstm --hidden 512 --batch 32 --seq-len 10000 --steps 2
Needs torch (pip install torch); not used by the tests.
"""
import argparse
import json
import time

import torch


def peak_rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise RuntimeError("no VmHWM in /proc/self/status")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=100)
    p.add_argument("--vocab", type=int, default=65)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=3)
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[a.cell](a.vocab, a.hidden, a.layers)
    head = torch.nn.Linear(a.hidden, a.vocab)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    ids = torch.randint(0, a.vocab, (a.seq_len, a.batch))
    x = torch.nn.functional.one_hot(ids, a.vocab).float()
    y = torch.roll(ids.flatten(), -1)
    before = peak_rss_kib()
    times = []
    for _ in range(a.steps):
        start = time.perf_counter()
        opt.zero_grad()
        out, _ = rnn(x)
        torch.nn.functional.cross_entropy(head(out.reshape(-1, a.hidden)), y).backward()
        torch.nn.utils.clip_grad_norm_(params, 5)
        opt.step()
        times.append(time.perf_counter() - start)
    peak = peak_rss_kib()
    result = {"framework": f"pytorch {torch.__version__}", "cell": a.cell, "hidden": a.hidden, "layers": a.layers,
              "batch": a.batch, "seq_len": a.seq_len, "vocab": a.vocab, "steps": a.steps,
              "peak_rss_mib": round(peak / 1024, 1), "rss_before_training_mib": round(before / 1024, 1),
              "best_ms_per_step": round(min(times) * 1000, 1)}
    if a.json:
        print(json.dumps(result))
    else:
        print(f"{result['framework']} {a.cell} H={a.hidden} L={a.layers} B={a.batch} T={a.seq_len} V={a.vocab}: "
              f"peak RSS {result['peak_rss_mib']} MiB (before training {result['rss_before_training_mib']} MiB), "
              f"best {result['best_ms_per_step']} ms/step of {a.steps}")


if __name__ == "__main__":
    main()
