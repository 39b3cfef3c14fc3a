"""Loads a char-lm bundle's weights into PyTorch's examples/word_language_model RNNModel.

    pip install torch safetensors zstandard
    python3 scripts/load_in_pytorch.py workspace/bundles/RUN.recur [path/to/word_language_model]

With the example's directory given, its own model.py is used; otherwise a class with the same
module names (encoder, rnn, decoder) stands in. Prints the strict load result and the model's
bits per character on a short text, to show the weights work there as they do in Recur.
"""
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
    """The module names of word_language_model's RNNModel (dropout has no parameters)."""

    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers):
        super().__init__()
        self.encoder = torch.nn.Embedding(ntoken, ninp)
        self.rnn = getattr(torch.nn, rnn_type)(ninp, nhid, nlayers)
        self.decoder = torch.nn.Linear(nhid, ntoken)


def main():
    members = read_bundle(sys.argv[1])
    manifest = json.loads(members["manifest.json"])
    state = load(members["weights.safetensors"])
    stack = manifest["config"]["stack"]
    rnn_type = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[stack["cell"]]
    ntoken, ninp = state["encoder.weight"].shape
    if len(sys.argv) > 2:
        sys.path.insert(0, sys.argv[2])
        import model  # examples/word_language_model/model.py
        # RNNModel defaults to dropout 0.5, between layers too: a loaded model must not drop anything.
        net = model.RNNModel("RNN_TANH" if rnn_type == "RNN" else rnn_type, ntoken, ninp, stack["hiddenSize"], stack["layers"],
                             dropout=0.0)
    else:
        net = StandIn(rnn_type, ntoken, ninp, stack["hiddenSize"], stack["layers"])
    print(net.load_state_dict(state, strict=True))
    net.eval()
    vocab = json.loads(members["vocab.json"])
    text = "".join(c for c in "The quick brown fox jumps over the lazy dog.\n" if c in vocab)
    ids = torch.tensor([vocab.index(c) for c in text]).unsqueeze(1)
    with torch.no_grad():
        out, _ = net.rnn(net.encoder(ids[:-1]))
        loss = torch.nn.functional.cross_entropy(net.decoder(out).squeeze(1), ids[1:].squeeze(1))
    print(f"bits per character on a probe sentence: {loss.item() / math.log(2):.4f}")


if __name__ == "__main__":
    main()
