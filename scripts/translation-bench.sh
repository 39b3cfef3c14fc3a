#!/usr/bin/env bash
# Training throughput of the translation task at the issue's benchmark shape: GRU hidden 256,
# embedding 128, vocabularies 1000/1000, batch 64, source and target length 20 (PyTorch 2.13:
# 12,000 target tokens/s on 1 thread, 17,000 on 2). Synthetic pairs of random words, so every
# batch has exactly that shape; prints target tokens/s (each sentence's 20 tokens + <eos>).
# Usage: scripts/translation-bench.sh [threads] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}"; steps="${2:-60}"
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
data=workspace/bench/translation-20x20.tsv
mkdir -p workspace/bench
if [ ! -f "$data" ]; then
  python3 - "$data" <<'PY'
import random, sys
rng = random.Random(0)
words = [f"w{i}" for i in range(996)]   # + <pad> <bos> <eos> <unk> = 1000 ids per side
with open(sys.argv[1], "w") as f:
    for _ in range(6400):
        f.write(" ".join(rng.choice(words) for _ in range(20)) + "\t" + " ".join(rng.choice(words) for _ in range(20)) + "\n")
PY
fi
head -64 "$data" > workspace/bench/translation-valid.tsv
"$recur" run translation --data "$data" --valid workspace/bench/translation-valid.tsv --cell gru --hidden 256 --embedding 128 --batch 64 \
  --steps "$steps" --eval-every 100000 --checkpoint-every 100000 --log-every 10 --threads "$threads" \
  --run-dir workspace/bench/translation --overwrite --json 2>/dev/null \
  | python3 -c "import json,sys; o=json.load(sys.stdin); print(f\"threads $threads: {o['tokens_per_second']:.0f} target tokens/s over {o['steps']} steps\")"
