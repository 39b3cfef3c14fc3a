"""Loads a Recur bundle's weights into a plain PyTorch module and checks it scores as `recur eval` does.

Tasks: char-lm, word-lm, classification, tagging and translation.

    scripts/.venv/bin/pip install torch safetensors zstandard    (or any Python with those three)
    python3 scripts/load_in_pytorch.py BUNDLE.recur [path/to/word_language_model] [--text FILE] [--json]
                                       [--recur .build/debug/recur]
                                       [--save-state-dict OUT.safetensors] [--logits PRIME --logits-json OUT.json]

char-lm and word-lm: the module is examples/word_language_model's RNNModel (its model.py from the folder
given, or --model-dir, else the stand-in scripts/word_language_model/model.py with the same names and
tying), built with dropout 0 and put in eval mode; a run trained with --tied is built with
tie_weights=True, so decoder.weight and encoder.weight are one tensor that both keys load into. Prints the
strict load result and the cross-entropy on --text (default: a probe), read as Recur reads it: characters
for char-lm; for word-lm each line's whitespace-separated words then <eos>, words outside the vocabulary
as <unk>. --json prints one object (load, tied, shared, tokens, loss, bpc, ppl). With --recur, also
`recur eval BUNDLE --data TEXT` and the difference in loss, exiting 1 above 1e-4.
--save-state-dict writes the module's state_dict with safetensors.torch.save_file (what `recur
import-weights` reads); --logits writes the logits of each character of PRIME as JSON rows.

classification: nn.Embedding → nn.LSTM/GRU/RNN (layers, bidirectional) → the run's pooling (last, mean,
max, attention) → nn.Linear, under the bundle's names (encoder.weight, rnn.*, attention.query,
classifier.*). --text is a label<TAB>text file (required); prints accuracy and mean cross-entropy, and
with --recur compares them with `recur eval BUNDLE --data FILE`.

tagging: nn.Embedding (+ the character BiLSTM of --char-features) → cell stack → nn.Linear per token
(+ a linear-chain CRF with Viterbi decoding, pytorch-crf's names). --text is a CoNLL file (token<TAB>tag
lines, a blank line between sentences); prints token accuracy and loss per token and compares them
with `recur eval`.

translation: encoder (nn.Embedding → cell stack) and decoder (nn.Embedding → cell stack from the encoder's
final state, the run's attention — dot, general, additive or none — combine, output; input feeding) under
the bundle's names. --text is a source<TAB>target file (word tokens, the run's --lowercase); prints the
teacher-forced loss per target token and compares it with `recur eval`'s eval_loss (greedy decoding and
BLEU are not rebuilt here).
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
WORD_PROBE = "First Citizen:\nBefore we proceed any further, hear me speak.\n"


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


def language_model(state, stack, model_dir=None, tied=False):
    """word_language_model's RNNModel holding the weights (char-lm, word-lm), in eval mode, and the load result."""
    sys.path.insert(0, model_dir or os.path.join(HERE, "word_language_model"))
    import model  # examples/word_language_model/model.py, or the stand-in

    kind = {"lstm": "LSTM", "gru": "GRU", "rnn": "RNN_TANH"}[stack["cell"]]
    ntoken = state["decoder.weight"].shape[0]
    if "encoder.weight" in state:
        # RNNModel defaults to dropout 0.5, between layers too: a loaded model must not drop anything.
        net = model.RNNModel(kind, ntoken, state["encoder.weight"].shape[1], stack["hiddenSize"], stack["layers"], dropout=0.0,
                             tie_weights=tied)
    else:
        rnn_class = {"LSTM": torch.nn.LSTM, "GRU": torch.nn.GRU, "RNN_TANH": torch.nn.RNN}[kind]
        net = OneHotCharLM(rnn_class(ntoken, stack["hiddenSize"], stack["layers"]), ntoken, stack["hiddenSize"])
    result = net.load_state_dict(state, strict=True)
    return net.eval(), result


def token_ids(task, text, vocab):
    """Ids as Recur reads the text: characters (those in the vocabulary) for char-lm, words + <eos> per line for word-lm."""
    if task == "word-lm":
        index = {w: i for i, w in enumerate(vocab)}
        words = [w for line in text.splitlines() for w in line.split() + ["<eos>"]]
        return [index.get(w, index["<unk>"]) for w in words]
    return [vocab.index(c) for c in text if c in vocab]


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


class Tagger(torch.nn.Module):
    """Recur's tagging model in PyTorch: [embedding ; char BiLSTM] → cell stack → linear (→ CRF)."""

    def __init__(self, state, stack):
        super().__init__()
        rnn_class = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[stack["cell"]]
        vocabulary, width = state["encoder.weight"].shape
        self.encoder = torch.nn.Embedding(vocabulary, width, padding_idx=0)
        features = width
        if "chars.embedding.weight" in state:
            self.chars = torch.nn.Module()
            self.chars.embedding = torch.nn.Embedding(*state["chars.embedding.weight"].shape, padding_idx=0)
            char_hidden = state["chars.rnn.weight_hh_l0"].shape[1]
            self.chars.rnn = torch.nn.LSTM(state["chars.embedding.weight"].shape[1], char_hidden, bidirectional=True)
            features += 2 * char_hidden
        self.rnn = rnn_class(features, stack["hiddenSize"], stack["layers"], bidirectional=stack["bidirectional"])
        self.tagger = torch.nn.Linear((2 if stack["bidirectional"] else 1) * stack["hiddenSize"], state["tagger.weight"].shape[0])
        if "crf.transitions" in state:
            tags = state["crf.transitions"].shape[0]
            self.crf = torch.nn.Module()
            self.crf.transitions = torch.nn.Parameter(torch.zeros(tags, tags))
            self.crf.start_transitions = torch.nn.Parameter(torch.zeros(tags))
            self.crf.end_transitions = torch.nn.Parameter(torch.zeros(tags))

    def emissions(self, ids, spellings):
        """ids [T] of one sentence, spellings its words' character ids → emission scores [T, K]."""
        inputs = self.encoder(ids)
        if hasattr(self, "chars"):
            words = []
            for spelling in spellings:
                _, (h_n, _) = self.chars.rnn(self.chars.embedding(torch.tensor(spelling or [0])).unsqueeze(1))
                words.append(torch.cat([h_n[0, 0], h_n[1, 0]]))
            inputs = torch.cat([inputs, torch.stack(words)], dim=-1)
        outputs, _ = self.rnn(inputs.unsqueeze(1))
        return self.tagger(outputs.squeeze(1))

    def loss_and_path(self, emissions, gold):
        """Summed loss over the sentence (softmax cross-entropy, or the CRF's −log p(gold)) and the predicted tags."""
        if not hasattr(self, "crf"):
            return torch.nn.functional.cross_entropy(emissions, gold, reduction="sum"), emissions.argmax(-1).tolist()
        crf = self.crf
        score = crf.start_transitions[gold[0]] + emissions[0, gold[0]]
        for t in range(1, len(gold)):
            score = score + crf.transitions[gold[t - 1], gold[t]] + emissions[t, gold[t]]
        score = score + crf.end_transitions[gold[-1]]
        alpha = crf.start_transitions + emissions[0]
        best, back = crf.start_transitions + emissions[0], []
        for t in range(1, len(gold)):
            alpha = torch.logsumexp(alpha.unsqueeze(1) + crf.transitions, dim=0) + emissions[t]
            scores = best.unsqueeze(1) + crf.transitions
            back.append(scores.argmax(0))
            best = scores.max(0).values + emissions[t]
        log_partition = torch.logsumexp(alpha + crf.end_transitions, dim=0)
        path = [int((best + crf.end_transitions).argmax())]
        for pointers in reversed(back):
            path.append(int(pointers[path[-1]]))
        return log_partition - score, path[::-1]


def conll_sentences(path):
    """(tokens, tags) per sentence of a token<TAB>tag file, as `recur eval` reads CoNLL."""
    sentences, tokens, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n") + [""]:
            line = line.rstrip("\r")
            fields = line.split("\t") if "\t" in line else line.split()
            if not line.strip() or fields[0] == "-DOCSTART-":
                if tokens:
                    sentences.append((tokens, tags))
                tokens, tags = [], []
                continue
            tokens.append(fields[0])
            tags.append(fields[1])
    return sentences


def tagging_scores(net, vocab, tag_names, characters, path):
    """Token accuracy and loss per token over a CoNLL file."""
    index = {token: i for i, token in enumerate(vocab)}
    char_index = {c: i for i, c in enumerate(characters or [])}
    correct, loss, count = 0, 0.0, 0
    for tokens, tags in conll_sentences(path):
        ids = torch.tensor([index.get(token, index["<unk>"]) for token in tokens])
        spellings = [[char_index.get(c, char_index.get("<unk>", 0)) for c in token] for token in tokens]
        gold = torch.tensor([tag_names.index(tag) for tag in tags])
        with torch.no_grad():
            sentence_loss, path = net.loss_and_path(net.emissions(ids, spellings), gold)
        loss += sentence_loss.item()
        correct += sum(int(p == g) for p, g in zip(path, gold.tolist()))
        count += len(tokens)
    return correct / count, loss / count


class Translator(torch.nn.Module):
    """Recur's encoder–decoder with attention in PyTorch (teacher-forced scoring)."""

    def __init__(self, state, stack, attention, input_feeding):
        super().__init__()
        rnn_class = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[stack["cell"]]
        width = state["encoder.embedding.weight"].shape[1]
        directions = 2 if stack["bidirectional"] else 1
        hidden = directions * stack["hiddenSize"]
        self.encoder, self.decoder = torch.nn.Module(), torch.nn.Module()
        self.encoder.embedding = torch.nn.Embedding(*state["encoder.embedding.weight"].shape)
        self.encoder.rnn = rnn_class(width, stack["hiddenSize"], stack["layers"], bidirectional=stack["bidirectional"])
        self.decoder.embedding = torch.nn.Embedding(*state["decoder.embedding.weight"].shape)
        self.decoder.rnn = rnn_class(width + (hidden if input_feeding else 0), hidden, stack["layers"])
        if attention == "general":
            self.decoder.attention = torch.nn.Linear(hidden, hidden, bias=False)
        elif attention == "additive":
            size = state["decoder.attention.key.weight"].shape[0]
            self.decoder.attention = torch.nn.Module()
            self.decoder.attention.query = torch.nn.Linear(hidden, size, bias=False)
            self.decoder.attention.key = torch.nn.Linear(hidden, size, bias=False)
            self.decoder.attention.v = torch.nn.Linear(size, 1, bias=False)
        self.decoder.combine = torch.nn.Linear(hidden if attention == "none" else 2 * hidden, hidden)
        self.decoder.output = torch.nn.Linear(hidden, state["decoder.output.weight"].shape[0])
        self.attention, self.input_feeding, self.directions, self.hidden = attention, input_feeding, directions, hidden

    def initial_state(self, final):
        """The decoder starts from the encoder's final state, per layer the directions concatenated."""
        def join(h):
            layers = h.shape[0] // self.directions
            return torch.stack([torch.cat(list(h[l * self.directions:(l + 1) * self.directions, 0]), -1) for l in range(layers)]).unsqueeze(1)
        return tuple(join(h) for h in final) if isinstance(final, tuple) else join(final)

    def attend(self, queries, memory):
        """õ = tanh(W_c [a ; s] + b_c) for decoder outputs s [T, H] over encoder outputs [S, H]."""
        if self.attention == "none":
            return torch.tanh(self.decoder.combine(queries))
        if self.attention == "additive":
            a = self.decoder.attention
            scores = a.v(torch.tanh(a.query(queries).unsqueeze(1) + a.key(memory).unsqueeze(0))).squeeze(-1)
        else:
            keys = self.decoder.attention(memory) if self.attention == "general" else memory
            scores = queries @ keys.T
        context = torch.softmax(scores, dim=-1) @ memory
        return torch.tanh(self.decoder.combine(torch.cat([context, queries], dim=-1)))

    def forward(self, source, decoder_input):
        """Logits [T, Vt] for one pair: source ids (with <eos>), decoder input ids (<bos> + target)."""
        memory, final = self.encoder.rnn(self.encoder.embedding(source).unsqueeze(1))
        memory, state = memory.squeeze(1), self.initial_state(final)
        embedded = self.decoder.embedding(decoder_input)
        if not self.input_feeding:
            outputs, _ = self.decoder.rnn(embedded.unsqueeze(1), state)
            return self.decoder.output(self.attend(outputs.squeeze(1), memory))
        feed, logits = torch.zeros(self.hidden), []
        for t in range(len(decoder_input)):
            output, state = self.decoder.rnn(torch.cat([embedded[t], feed]).view(1, 1, -1), state)
            feed = self.attend(output.view(1, -1), memory)[0]
            logits.append(self.decoder.output(feed))
        return torch.stack(logits)


def word_tokens(text, lowercase):
    """Recur's word tokenizer: letters, digits and marks make words; every other non-space character is a token."""
    import unicodedata
    words, current = [], ""
    for c in text.lower() if lowercase else text:
        if c.isspace():
            if current:
                words.append(current)
            current = ""
        elif c.isalpha() or unicodedata.numeric(c, None) is not None or unicodedata.category(c) in ("Mn", "Mc"):
            current += c
        else:
            if current:
                words.append(current)
            words, current = words + [c], ""
    return words + ([current] if current else [])


def translation_loss(net, vocabularies, options, path):
    """Teacher-forced cross-entropy per target token (<eos> included) over a source<TAB>target file."""
    source_index = {t: i for i, t in enumerate(vocabularies["source"])}
    target_index = {t: i for i, t in enumerate(vocabularies["target"])}
    lowercase, max_len = options.get("lowercase", True), options.get("max-len", 0)
    nats, tokens = 0.0, 0
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            line = line.rstrip("\r")
            if "\t" not in line:
                continue
            source, target = (word_tokens(side, lowercase) for side in line.split("\t")[:2])
            if max_len and (len(source) > max_len or len(target) > max_len):
                continue
            src = torch.tensor([source_index.get(t, source_index["<unk>"]) for t in source] + [source_index["<eos>"]])
            tgt = [target_index.get(t, target_index["<unk>"]) for t in target]
            with torch.no_grad():
                logits = net(src, torch.tensor([target_index["<bos>"]] + tgt))
            nats += torch.nn.functional.cross_entropy(logits, torch.tensor(tgt + [target_index["<eos>"]]), reduction="sum").item()
            tokens += len(tgt) + 1
    return nats / tokens


def cross_entropy(net, ids):
    """Nats per predicted token over one stream of ids (batch 1, state carried), as `recur eval` scores it."""
    ids = torch.tensor(ids).unsqueeze(1)
    with torch.no_grad():
        log_probs, _ = net(ids[:-1])
        return torch.nn.functional.nll_loss(log_probs, ids[1:].squeeze(1)).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("bundle")
    parser.add_argument("example", nargs="?", help="examples/word_language_model, for its own model.py (as --model-dir)")
    parser.add_argument("--json", action="store_true", help="char-lm, word-lm: print one JSON object")
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
    if task == "tagging":
        return check_tagging(args, members, state, stack)
    if task == "translation":
        return check_translation(args, members, manifest, state, stack)
    if task not in ("char-lm", "word-lm"):
        sys.exit(f"{args.bundle}: task {task}; this script rebuilds char-lm, word-lm, classification, tagging and translation")
    tied = bool(manifest["config"].get("taskOptions", {}).get("tied", False))
    net, result = language_model(state, stack, args.example or args.model_dir, tied)
    vocab = json.loads(members["vocab.json"])

    if args.text:
        with open(args.text, encoding="utf-8") as f:
            text = f.read()
    else:
        text = WORD_PROBE if task == "word-lm" else PROBE
    ids = token_ids(task, text, vocab)
    nats = cross_entropy(net, ids)
    summary = {"load": str(result), "tied": tied, "shared": hasattr(net, "encoder") and net.decoder.weight is net.encoder.weight,
               "tokens": len(ids), "loss": nats, "bpc": nats / math.log(2), "ppl": math.exp(nats)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(result)
        if tied:
            print(f"decoder.weight is encoder.weight: {summary['shared']}")
        print(f"PyTorch cross-entropy over {len(ids) - 1} predictions: {nats:.6f} nats, {summary['bpc']:.6f} bits, perplexity {summary['ppl']:.4f}")
    if args.recur:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
            f.write(text)
        try:
            recur_loss = recur_eval(args.recur, args.bundle, f.name)["eval_loss"]
        finally:
            os.unlink(f.name)
        if not args.json:
            print(f"recur eval cross-entropy: {recur_loss:.6f} nats (difference {abs(nats - recur_loss):.2e})")
        if abs(nats - recur_loss) > 1e-4:
            sys.exit(1)
    if args.save_state_dict:
        # clone(): safetensors refuses tensors that share storage, as tied weights do.
        save_file({k: v.clone().contiguous() for k, v in net.state_dict().items()}, args.save_state_dict)
    if args.logits is not None:
        ids = torch.tensor(token_ids(task, args.logits, vocab)).unsqueeze(1)
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


def compare_and_save(args, net, scores):
    """With --recur, checks `scores` (recur eval key -> (label, PyTorch value)) against `recur eval`
    on --text and exits 1 beyond 1e-4; with --save-state-dict, saves the module's state dict."""
    if args.recur:
        recur = recur_eval(args.recur, args.bundle, args.text)
        difference = max(abs(value - recur[key]) for key, (_, value) in scores.items())
        shown = ", ".join(f"{label} {recur[key]:.6f}" for key, (label, _) in scores.items())
        print(f"recur eval {shown} (difference {difference:.2e})")
        if difference > 1e-4:
            sys.exit(1)
    if args.save_state_dict:
        save_file({k: v.contiguous() for k, v in net.state_dict().items()}, args.save_state_dict)


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
    compare_and_save(args, net, {"eval_accuracy": ("accuracy", accuracy), "eval_loss": ("cross-entropy", loss)})


def check_tagging(args, members, state, stack):
    if not args.text:
        sys.exit("tagging: pass --text FILE (token<TAB>tag lines, a blank line between sentences) to score")
    net = Tagger(state, stack)
    print(net.load_state_dict(state, strict=True))
    net.eval()
    characters = json.loads(members["chars.json"]) if "chars.json" in members else None
    accuracy, loss = tagging_scores(net, json.loads(members["vocab.json"]), json.loads(members["tags.json"]), characters, args.text)
    print(f"PyTorch token accuracy {accuracy:.6f}, loss per token {loss:.6f}")
    compare_and_save(args, net, {"eval_token_accuracy": ("token accuracy", accuracy), "eval_loss": ("loss per token", loss)})


def check_translation(args, members, manifest, state, stack):
    if not args.text:
        sys.exit("translation: pass --text FILE (source<TAB>target lines) to score")
    options = manifest["config"]["taskOptions"]
    if options.get("tokens", "word") != "word" or options.get("normalize", "none") != "none":
        sys.exit("translation: this script tokenises words (--tokens word, --normalize none) only")
    net = Translator(state, stack, options.get("attention", "dot"), options.get("input-feeding", False))
    print(net.load_state_dict(state, strict=True))
    net.eval()
    loss = translation_loss(net, json.loads(members["vocab.json"]), options, args.text)
    print(f"PyTorch teacher-forced loss per target token {loss:.6f}")
    compare_and_save(args, net, {"eval_loss": ("loss per target token", loss)})


if __name__ == "__main__":
    main()
