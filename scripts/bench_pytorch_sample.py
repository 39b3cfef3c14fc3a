"""PyTorch's batch-1 sampling loop beside `recur bench sample`: nn.Embedding → nn.LSTM → nn.Linear
(char-lm's shapes), torch.no_grad(), one step per character, a multinomial draw from the
softmax. Runs with oneDNN (torch.backends.mkldnn) off and on, and with the LSTM and the decoder
dynamically quantized to int8 (torch.ao.quantization.quantize_dynamic: int8 weights, as
`recur sample --int8` keeps them); prints one JSON object."""
import argparse
import json
import time

import torch
from torch import nn

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def chars_per_second(model, vocab, length, repetitions=2):
    embedding, rnn, decoder = model
    best = float("inf")
    with torch.no_grad():
        for repetition in range(repetitions + 1):
            token, state = torch.zeros(1, 1, dtype=torch.long), None
            count = 50 if repetition == 0 else length  # the first pass only warms up
            start = time.perf_counter()
            for _ in range(count):
                output, state = rnn(embedding(token), state)
                logits = decoder(output[-1])
                token = torch.multinomial(torch.softmax(logits, dim=-1), 1).view(1, 1)
            elapsed = time.perf_counter() - start
            if repetition > 0:
                best = min(best, elapsed)
    return length / best


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cell", default="lstm", choices=sorted(CELLS))
    parser.add_argument("--hidden", type=int, default=512)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--vocab", type=int, default=65)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = (nn.Embedding(args.vocab, args.embedding), CELLS[args.cell](args.embedding, args.hidden, args.layers),
             nn.Linear(args.hidden, args.vocab))
    result = {"torch": torch.__version__, "cell": args.cell, "hidden": args.hidden, "layers": args.layers,
              "vocab": args.vocab, "threads": args.threads, "length": args.length}
    for name, enabled in [("onednn_off", False), ("onednn_on", True)]:
        torch.backends.mkldnn.enabled = enabled
        result[f"{name}_chars_per_second"] = round(chars_per_second(model, args.vocab, args.length))
    torch.backends.mkldnn.enabled = True
    quantized = torch.ao.quantization.quantize_dynamic(nn.ModuleDict({"rnn": model[1], "decoder": model[2]}),
                                                       {nn.LSTM, nn.GRU, nn.RNN, nn.Linear}, dtype=torch.qint8)
    result["int8_dynamic_chars_per_second"] = round(chars_per_second((model[0], quantized["rnn"], quantized["decoder"]),
                                                                     args.vocab, args.length))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
