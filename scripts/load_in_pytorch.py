"""Loads a Recur bundle's weights into a plain PyTorch module and checks it scores as `recur eval` does.

Tasks: char-lm and classification (the other tasks' weights load by the same names — README,
"Weights in PyTorch" — but their decoding is not rebuilt here).

    scripts/.venv/bin/pip install torch safetensors zstandard    (or any Python with those three)
    python3 scripts/load_in_pytorch.py BUNDLE.recur [--text FILE] [--recur .build/debug/recur]
                                       [--model-dir path/to/word_language_model]
                                       [--save-state-dict OUT.safetensors] [--logits PRIME --logits-json OUT.json]

char-lm: the module is examples/word_language_model's RNNModel (its model.py from --model-dir, else the
stand-in scripts/word_language_model/model.py with the same names), built with dropout 0 and put in eval
mode. Prints the strict load result and bits per character on --text (default: a probe sentence); with
--recur, also `recur eval BUNDLE --data TEXT` and the difference, and exits 1 if they differ by more than 1e-4.
--save-state-dict writes the module's state_dict with safetensors.torch.save_file (what `recur
import-weights` reads); --logits writes the logits of each character of PRIME as JSON rows.

classification: nn.Embedding → nn.LSTM/GRU/RNN (layers, bidirectional) → the run's pooling (last, mean,
max, attention) → nn.Linear, under the bundle's names (encoder.weight, rnn.*, attention.query,
classifier.*). --text is a label<TAB>text file (required); prints accuracy and mean cross-entropy, and
with --recur compares them with `recur eval BUNDLE --data FILE`.
"""
import argparse
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile

import torch
import zstandard
from safetensors.torch import load, save_file

HERE = os.path.dirname(os.path.abspath(__file__))
PROBE = "The quick brown fox jumps over the lazy dog.\n"


def read_bundle(path):
    """Every member of a .recur bundle (tar + zstd), by name."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:4] == b"\x28\xb5\x2f\xfd":  # zstd frame
        raw = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw)).read()
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


class OneHotCharLM(torch.nn.Module):
    """A char-lm trained with --input one-hot: no encoder; the RNN reads one-hot rows."""

    def __init__(self, rnn, ntoken, nhid):
        super().__init__()
        self.ntoken = ntoken
        self.rnn = rnn
        self.decoder = torch.nn.Linear(nhid, ntoken)

    def forward(self, ids, hidden=None):
        output, hidden = self.rnn(torch.nn.functional.one_hot(ids, self.ntoken).float(), hidden)
        return torch.log_softmax(self.decoder(output).view(-1, self.ntoken), dim=1), hidden


def char_lm(state, stack, model_dir=None):
    """word_language_model's RNNModel holding the weights, in eval mode."""
    sys.path.insert(0, model_dir or os.path.join(HERE, "word_language_model"))
    import model  # examples/word_language_model/model.py, or the stand-in

    kind = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN_TANH"}[stack["cell"]]
    ntoken = state["decoder.weight"].shape[0]
    if "encoder.weight" in state:
        # RNNModel defaults to dropout 0.5, between layers too: a loaded model must not drop anything.
        net = model.RNNModel(kind, ntoken, state["encoder.weight"].shape[1], stack["hiddenSize"], stack["layers"], dropout=0.0)
    else:
        rnn_class = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN_TANH": torch.nn.RNN}[kind]
        net = OneHotCharLM(rnn_class(ntoken, stack["hiddenSize"], stack["layers"]), ntoken, stack["hiddenSize"])
    print(net.load_state_dict(state, strict=True))
    return net.eval()


class Classifier(torch.nn.Module):
    """Recur's classification model in PyTorch: embedding → cell stack → pooling → linear."""

    def __init__(self, state, stack, pooling):
        super().__init__()
        rnn_class = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[stack["cell"]]
        vocabulary, width = state["encoder.weight"].shape
        self.encoder = torch.nn.Embedding(vocabulary, width, padding_idx=0)
        self.rnn = rnn_class(width, stack["hiddenSize"], stack["layers"], bidirectional=stack["bidirectional"])
        self.directions = 2 if stack["bidirectional"] else 1
        self.pooling = pooling
        if pooling == "attention":
            self.attention = torch.nn.Module()
            self.attention.query = torch.nn.Parameter(state["attention.query"].clone())
        self.classifier = torch.nn.Linear(self.directions * stack["hiddenSize"], state["classifier.weight"].shape[0])

    def forward(self, ids):
        """ids [T] of one text → logits [C] (one text at a time: no padding, so no masks)."""
        outputs, final = self.rnn(self.encoder(ids).unsqueeze(1))
        outputs = outputs.squeeze(1)
        if self.pooling == "last":
            h_n = final[0] if isinstance(final, tuple) else final
            pooled = torch.cat(list(h_n[-self.directions:, 0]), dim=-1)
        elif self.pooling == "mean":
            pooled = outputs.mean(0)
        elif self.pooling == "max":
            pooled = outputs.max(0).values
        else:
            weights = torch.softmax(outputs @ self.attention.query, dim=0)
            pooled = (weights.unsqueeze(1) * outputs).sum(0)
        return self.classifier(pooled)


def classification_scores(net, vocab, labels, tokens, path):
    """Accuracy and mean cross-entropy over a label<TAB>text file, as `recur eval --data` reads it."""
    index = {token: i for i, token in enumerate(vocab)}
    unknown = index["<unk>"]
    correct, loss, count = 0, 0.0, 0
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            line = line.rstrip("\r")
            if not line:
                continue
            label, text = line.split("\t", 1)
            pieces = list(text) if tokens == "char" else text.split()
            ids = torch.tensor([index.get(piece, unknown) for piece in pieces])
            with torch.no_grad():
                logits = net(ids)
            target = labels.index(label)
            loss += torch.nn.functional.cross_entropy(logits.unsqueeze(0), torch.tensor([target])).item()
            correct += int(logits.argmax().item() == target)
            count += 1
    return correct / count, loss / count


def bits_per_char(net, vocab, text):
    ids = torch.tensor([vocab.index(c) for c in text]).unsqueeze(1)
    with torch.no_grad():
        log_probs, _ = net(ids[:-1])
        return torch.nn.functional.nll_loss(log_probs, ids[1:].squeeze(1)).item() / math.log(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("--text", help="UTF-8 text to score (default: a probe sentence)")
    parser.add_argument("--recur", help="a recur executable: compare with `recur eval BUNDLE --data TEXT`")
    parser.add_argument("--model-dir", help="examples/word_language_model, for its own model.py")
    parser.add_argument("--save-state-dict", help="write the module's state_dict here (safetensors)")
    parser.add_argument("--logits", help="a prime whose per-character logits to write to --logits-json")
    parser.add_argument("--logits-json")
    args = parser.parse_args()

    members = read_bundle(args.bundle)
    manifest = json.loads(members["manifest.json"])
    task = manifest["config"]["task"]
    state = load(members["weights.safetensors"])
    stack = manifest["config"]["stack"]
    if task == "classification":
        return check_classification(args, members, manifest, state, stack)
    if task != "char-lm":
        sys.exit(f"{args.bundle}: task {task}; this script rebuilds char-lm and classification (README, 'Weights in PyTorch', for the names of the others)")
    net = char_lm(state, stack, args.model_dir)
    vocab = json.loads(members["vocab.json"])

    if args.text:
        with open(args.text, encoding="utf-8") as f:
            text = f.read()
    else:
        text = "".join(c for c in PROBE if c in vocab)
    bpc = bits_per_char(net, vocab, text)
    print(f"PyTorch bits per character: {bpc:.6f}")
    if args.recur:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            f.write(text)
        try:
            recur_bpc = recur_eval(args.recur, args.bundle, f.name)["eval_bpc"]
        finally:
            os.unlink(f.name)
        print(f"recur eval bits per character: {recur_bpc:.6f} (difference {abs(bpc - recur_bpc):.2e})")
        if abs(bpc - recur_bpc) > 1e-4:
            sys.exit(1)
    if args.save_state_dict:
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, args.save_state_dict)
    if args.logits is not None:
        ids = torch.tensor([vocab.index(c) for c in args.logits]).unsqueeze(1)
        # Raw logits (the decoder's output), as `recur predict --show-scores` prints them; RNNModel's
        # forward returns log-probabilities, which differ by a constant per row.
        with torch.no_grad():
            inputs = net.encoder(ids) if hasattr(net, "encoder") else torch.nn.functional.one_hot(ids, net.ntoken).float()
            logits = net.decoder(net.rnn(inputs)[0]).squeeze(1)
        with open(args.logits_json, "w") as f:
            json.dump(logits.tolist(), f)


def recur_eval(recur, bundle, data):
    out = subprocess.run([recur, "eval", bundle, "--data", data, "--json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def check_classification(args, members, manifest, state, stack):
    if not args.text:
        sys.exit("classification: pass --text FILE (label<TAB>text lines) to score")
    options = manifest["config"]["taskOptions"]
    net = Classifier(state, stack, options.get("pool", "last"))
    print(net.load_state_dict(state, strict=True))
    net.eval()
    vocab, labels = json.loads(members["vocab.json"]), json.loads(members["labels.json"])
    accuracy, loss = classification_scores(net, vocab, labels, options.get("tokens", "char"), args.text)
    print(f"PyTorch accuracy {accuracy:.6f}, cross-entropy {loss:.6f}")
    if args.recur:
        recur = recur_eval(args.recur, args.bundle, args.text)
        difference = max(abs(accuracy - recur["eval_accuracy"]), abs(loss - recur["eval_loss"]))
        print(f"recur eval accuracy {recur['eval_accuracy']:.6f}, cross-entropy {recur['eval_loss']:.6f} (difference {difference:.2e})")
        if difference > 1e-4:
            sys.exit(1)
    if args.save_state_dict:
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, args.save_state_dict)


if __name__ == "__main__":
    main()
