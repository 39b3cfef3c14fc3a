"""PyTorch counterpart of `recur bench cell`, for a ratio on the same machine.

One-hot input over V symbols (or nn.Embedding with --embedding E) -> nn.LSTM/GRU/RNN stack -> Linear -> cross-entropy -> backward ->
clip 5 -> Adam step, on random data; prints chars/s (best of the timed window, after warm-up).

    python3 scripts/bench_pytorch.py --cell lstm --hidden 128 --layers 1 --batch 32 --seq-len 64 --threads 1
Needs torch (pip install torch); not used by the tests.
"""
import argparse
import time

import torch


def time_training(loss, params, opt, seconds):
    """Steps of backward -> clip 5 -> optimizer for at least `seconds` after 3 warm-up steps:
    (steps, elapsed seconds)."""
    def step():
        opt.zero_grad()
        loss().backward()
        torch.nn.utils.clip_grad_norm_(params, 5)
        opt.step()

    for _ in range(3):
        step()
    steps, start = 0, time.perf_counter()
    while steps < 3 or time.perf_counter() - start < seconds:
        step()
        steps += 1
    return steps, time.perf_counter() - start


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--vocab", type=int, default=65)
    p.add_argument("--embedding", type=int, default=0, help="embedding width (0: one-hot input)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--cell-loop", action="store_true",
                   help="an nn.LSTMCell/GRUCell/RNNCell stepped in Python (what a custom cell gets in PyTorch)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    width = a.embedding or a.vocab
    rnn = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[a.cell](width, a.hidden, a.layers)
    if a.cell_loop:
        cell = {"lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell, "rnn": torch.nn.RNNCell}[a.cell](width, a.hidden)

        def loop(x):
            h = torch.zeros(x.shape[1], a.hidden)
            state = (h, torch.zeros_like(h)) if a.cell == "lstm" else h
            outputs = []
            for x_t in x:
                state = cell(x_t, state)
                outputs.append(state[0] if a.cell == "lstm" else state)
            return torch.stack(outputs), state

        rnn = cell
        rnn.forward_sequence = loop
    head = torch.nn.Linear(a.hidden, a.vocab)
    encoder = torch.nn.Embedding(a.vocab, a.embedding) if a.embedding else None
    params = list(rnn.parameters()) + list(head.parameters()) + (list(encoder.parameters()) if encoder else [])
    opt = torch.optim.Adam(params, lr=1e-3)
    ids = torch.randint(0, a.vocab, (a.seq_len, a.batch))
    one_hot = None if encoder else torch.nn.functional.one_hot(ids, a.vocab).float()
    y = torch.roll(ids.flatten(), -1)

    def loss():
        x = encoder(ids) if encoder else one_hot
        out, _ = rnn.forward_sequence(x) if a.cell_loop else rnn(x)
        return torch.nn.functional.cross_entropy(head(out.reshape(-1, a.hidden)), y)

    steps, elapsed = time_training(loss, params, opt, a.seconds)
    print(f"pytorch {torch.__version__} {a.cell}{' cell loop' if a.cell_loop else ''} H={a.hidden} L={a.layers} B={a.batch} T={a.seq_len} "
          f"V={a.vocab}{f' E={a.embedding}' if a.embedding else ''}, {a.threads} thread(s): {elapsed / steps * 1000:.1f} ms/step, "
          f"{steps * a.batch * a.seq_len / elapsed:.0f} chars/s")


if __name__ == "__main__":
    main()
