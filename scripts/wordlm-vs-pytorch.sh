#!/usr/bin/env bash
# word-lm against PyTorch's examples/word_language_model, both with that example's recipe
# (tied LSTM 2×200, embedding 200, dropout 0.2, bptt 35, batch 20, SGD lr 20, clip 0.25), the
# same epochs, on the tinyshakespeare split of RECIPES Task 1 (first ⌊9N/10⌋ characters train,
# the rest validation), on this machine.
#
#   scripts/wordlm-vs-pytorch.sh path/to/examples/word_language_model
#
# The example is not part of Recur: fetch pytorch/examples and point at its folder. PYTHON needs
# torch, safetensors and zstandard (default scripts/.venv/bin/python). EPOCHS (default 6),
# THREADS (default 1, each side), DATA (default ../shared/data/tinyshakespeare/input.txt), SEED
# (given to both as --seed; default: each side's own, Recur 0 and the example 1111).
#
# Same data for both: Recur trains first; its vocabulary (the --max-vocab 10,000 most frequent
# training words, <eos>, <unk>) then writes train.txt / valid.txt / test.txt for the example's
# data.Corpus with every other word replaced by <unk> (test.txt = valid.txt: the split has no
# test part), so both read the same token stream with the same vocabulary: whitespace-separated
# words and <eos> per line. The figures printed:
#   * per epoch, each side's own validation perplexity (Recur: one stream, batch 1, state
#     carried; the example: its evaluate(), 10 parallel streams);
#   * at the end, one evaluator for both (batch 1, one stream over valid.txt): Recur's bundle
#     loaded into the example's RNNModel(tie_weights=True), and the example's saved model.
# The example also divides its lr by 4 after an epoch whose validation loss is worse than the
# best, and keeps the best epoch's model; Recur keeps lr 20 and the last epoch. The log says
# whether that happened.
set -euo pipefail
cd "$(dirname "$0")/.."
EXAMPLE=$(realpath "${1:?usage: scripts/wordlm-vs-pytorch.sh path/to/examples/word_language_model}")
EPOCHS=${EPOCHS:-6}
THREADS=${THREADS:-1}
SEED_FLAGS=(${SEED:+--seed "$SEED"})
DATA=$(realpath "${DATA:-../shared/data/tinyshakespeare/input.txt}")
PYTHON=$(realpath -s "${PYTHON:-scripts/.venv/bin/python}")  # -s: a venv's python is a symlink
[[ -f "$EXAMPLE/main.py" && -f "$EXAMPLE/model.py" ]] || { echo "$EXAMPLE: not examples/word_language_model (no main.py, model.py)" >&2; exit 1; }
"$PYTHON" -c 'import torch, safetensors, zstandard' || { echo "$PYTHON lacks torch, safetensors or zstandard" >&2; exit 1; }
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-$(scripts/blas-coretype.sh)}
swift build -c release >/dev/null
RECUR=.build/release/recur
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Steps per epoch, as Recur's contiguous streams count them: ⌊(⌊tokens / 20⌋ − 1) / 35⌋.
per_epoch=$("$PYTHON" - "$DATA" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf8").read()
lines = text[: len(text) * 9 // 10].split("\n")
if lines[-1] == "":
    lines.pop()
print((sum(len(line.split()) + 1 for line in lines) // 20 - 1) // 35)
EOF
)

echo "== Recur word-lm --tied, $EPOCHS epochs of $per_epoch steps, $THREADS thread(s)${SEED:+, seed $SEED}"
start=$(date +%s)
"$RECUR" run word-lm --data "$DATA" --tied --epochs "$EPOCHS" --eval-every "$per_epoch" --checkpoint-every "$per_epoch" \
    --threads "$THREADS" "${SEED_FLAGS[@]}" --run-dir "$work/recur" --json > "$work/recur.json"
recur_seconds=$(( $(date +%s) - start ))
"$RECUR" export "$work/recur" -o "$work/recur.recur" >/dev/null

"$PYTHON" - "$DATA" "$work/recur/vocab.json" "$work/corpus" <<'EOF'
import json, os, sys
text = open(sys.argv[1], encoding="utf8").read()
vocab = set(json.load(open(sys.argv[2], encoding="utf8")))
os.makedirs(sys.argv[3])
cut = len(text) * 9 // 10
def mapped(part):
    # Recur's reading: lines end at \n (a last one without it counts); words outside the vocabulary are <unk>.
    lines = part.split("\n")
    if lines[-1] == "":
        lines.pop()
    return "".join(" ".join(w if w in vocab else "<unk>" for w in line.split()) + "\n" for line in lines)
for name, part in [("train.txt", text[:cut]), ("valid.txt", text[cut:]), ("test.txt", text[cut:])]:
    with open(os.path.join(sys.argv[3], name), "w", encoding="utf8") as f:
        f.write(mapped(part))
EOF

echo "== PyTorch word_language_model --tied, $EPOCHS epochs, $THREADS thread(s)${SEED:+, seed $SEED}"
start=$(date +%s)
(cd "$work" && OMP_NUM_THREADS=$THREADS MKL_NUM_THREADS=$THREADS "$PYTHON" "$EXAMPLE/main.py" --data "$work/corpus" --tied \
    --epochs "$EPOCHS" "${SEED_FLAGS[@]}" --save "$work/model.pt" > "$work/pytorch.log")
pytorch_seconds=$(( $(date +%s) - start ))

OMP_NUM_THREADS=$THREADS "$PYTHON" - "$work" "$EXAMPLE" "$EPOCHS" "$recur_seconds" "$pytorch_seconds" <<'EOF'
import json, math, re, subprocess, sys
import torch
work, example, epochs, recur_s, torch_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sys.path.insert(0, example)
import data, model  # the example's own Corpus and RNNModel

recur_log = [json.loads(l) for l in open(f"{work}/recur/log.jsonl") if "val_ppl" in l]
torch_log = open(f"{work}/pytorch.log").read()
torch_ppl = [float(x) for x in re.findall(r"valid ppl\s+([0-9.]+)", torch_log)]
lrs = re.findall(r"lr ([0-9.]+) \|", torch_log)
print(f"{'epoch':>5}  {'Recur val_ppl':>13}  {'PyTorch valid ppl':>17}")
for e in range(epochs):
    r = recur_log[e]["val_ppl"] if e < len(recur_log) else float("nan")
    t = torch_ppl[e] if e < len(torch_ppl) else float("nan")
    print(f"{e + 1:>5}  {r:>13.2f}  {t:>17.2f}")
print(f"PyTorch learning rates seen in its log: {sorted(set(lrs), key=float, reverse=True)}")

def stream_ppl(net, ids):
    net.eval()
    with torch.no_grad():
        out, _ = net.rnn(net.encoder(ids[:-1].unsqueeze(1)))
        return math.exp(torch.nn.functional.cross_entropy(net.decoder(out).squeeze(1), ids[1:]).item())

corpus = data.Corpus(f"{work}/corpus")
with torch.serialization.safe_globals([model.RNNModel, torch.nn.Dropout, torch.nn.Linear, torch.nn.LSTM, torch.nn.Embedding]):
    theirs = torch.load(f"{work}/model.pt")
loaded = json.loads(subprocess.run([sys.executable, "scripts/load_in_pytorch.py", f"{work}/recur.recur", example,
                                    "--text", f"{work}/corpus/valid.txt", "--json"], check=True, capture_output=True, text=True).stdout)
print(f"one evaluator (batch 1, one stream of {len(corpus.valid)} validation tokens):")
print(f"  Recur bundle in RNNModel(tie_weights=True): ppl {loaded['ppl']:.2f}  ({loaded['load']})")
print(f"  PyTorch's saved (best-epoch) model:          ppl {stream_ppl(theirs, corpus.valid):.2f}")
print(f"vocabulary: Recur {len(json.load(open(f'{work}/recur/vocab.json')))}, PyTorch {len(corpus.dictionary)}")
print(f"wall time (side note): Recur {recur_s} s, PyTorch {torch_s} s")
EOF
