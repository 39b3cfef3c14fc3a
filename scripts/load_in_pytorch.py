"""Loads a char-lm or word-lm bundle's weights into PyTorch's examples/word_language_model RNNModel.

    pip install torch safetensors zstandard
    python3 scripts/load_in_pytorch.py workspace/bundles/RUN.recur [path/to/word_language_model] [--text FILE] [--json]

With the example's directory given, its own model.py is used; otherwise a class with the same
module names (encoder, rnn, decoder) and the same tying stands in. A run trained with --tied is
built with tie_weights=True, so its decoder.weight and encoder.weight are one tensor that both
keys load into. Prints the strict load result and the model's cross-entropy on a short probe
(or on --text FILE, read as Recur reads it: characters for char-lm; for word-lm each line's
whitespace-separated words then <eos>, words outside the vocabulary as <unk>), so the numbers
can be set beside `recur eval RUN --data FILE`.
"""
import argparse
import io
import json
import math
import sys
import tarfile

import torch
import zstandard
from safetensors.torch import load


def read_bundle(path):
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] == b"\x28\xb5\x2f\xfd":  # zstd frame
        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


class StandIn(torch.nn.Module):
    """The module names and tying of word_language_model's RNNModel (dropout has no parameters)."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, tie_weights):
        super().__init__()
        self.encoder = torch.nn.Embedding(ntoken, ninp)
        self.rnn = getattr(torch.nn, rnn_type)(ninp, nhid, nlayers)
        self.decoder = torch.nn.Linear(nhid, ntoken)
        if tie_weights:
            self.decoder.weight = self.encoder.weight


def token_ids(task, text, vocab):
    if task == "word-lm":
        index = {w: i for i, w in enumerate(vocab)}
        words = [w for line in text.splitlines() for w in line.split() + ["<eos>"]]
        return [index.get(w, index["<unk>"]) for w in words]
    return [vocab.index(c) for c in text if c in vocab]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bundle")
    parser.add_argument("example", nargs="?", help="examples/word_language_model, to use its model.py")
    parser.add_argument("--text", help="score this file instead of the probe sentence")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    members = read_bundle(args.bundle)
    manifest = json.loads(members["manifest.json"])
    config = manifest["config"]
    task, stack = config["task"], config["stack"]
    tied = bool(config.get("taskOptions", {}).get("tied", False))
    state = load(members["weights.safetensors"])
    rnn_type = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[stack["cell"]]
    ntoken, ninp = state["encoder.weight"].shape
    if args.example:
        sys.path.insert(0, args.example)
        import model  # examples/word_language_model/model.py
        # RNNModel defaults to dropout 0.5, between layers too: a loaded model must not drop anything.
        net = model.RNNModel("RNN_TANH" if rnn_type == "RNN" else rnn_type, ntoken, ninp, stack["hiddenSize"], stack["layers"],
                             dropout=0.0, tie_weights=tied)
    else:
        net = StandIn(rnn_type, ntoken, ninp, stack["hiddenSize"], stack["layers"], tied)
    result = net.load_state_dict(state, strict=True)
    net.eval()
    vocab = json.loads(members["vocab.json"])
    if args.text:
        with open(args.text, encoding="utf8") as f:
            text = f.read()
    else:
        text = "First Citizen:\nBefore we proceed any further, hear me speak.\n"
    ids = torch.tensor(token_ids(task, text, vocab)).unsqueeze(1)
    with torch.no_grad():
        out, _ = net.rnn(net.encoder(ids[:-1]))
        nats = torch.nn.functional.cross_entropy(net.decoder(out).squeeze(1), ids[1:].squeeze(1)).item()
    summary = {"load": str(result), "tied": tied, "shared": net.decoder.weight is net.encoder.weight,
               "tokens": len(ids), "loss": nats, "bpc": nats / math.log(2), "ppl": math.exp(nats)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(result)
        print(f"decoder.weight is encoder.weight: {summary['shared']}")
        print(f"cross-entropy over {len(ids) - 1} predictions: {nats:.4f} nats, {nats / math.log(2):.4f} bits, perplexity {math.exp(nats):.2f}")


if __name__ == "__main__":
    main()
