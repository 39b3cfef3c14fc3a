#!/usr/bin/env bash
# The classification performance bar of issue 7: bidirectional 2-layer LSTM, hidden 256,
# embedding 128, vocabulary 5,000, batch 64, length 128, 5 classes, mean pooling. Trains on a
# synthetic word-token set (every text exactly 128 words drawn from 5,000) and prints training
# sequences per second on 1 and 2 threads (evaluation excluded). PyTorch 2.13: 46 (1 thread), 69 (2).
# Usage: scripts/classification-bench.sh [steps]   (default 10; release build)
set -euo pipefail
cd "$(dirname "$0")/.."
steps="${1:-10}"
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
out=workspace/bench
mkdir -p "$out"
python3 - "$out/classification-bench.tsv" <<'PY'
import random, sys
random.seed(0)
with open(sys.argv[1], "w") as f:
    for i in range(720):
        f.write(f"c{i % 5}\t" + " ".join(f"w{random.randrange(5000)}" for _ in range(128)) + "\n")
PY
for threads in 1 2; do
  "$recur" run classification --data "$out/classification-bench.tsv" --tokens word --cell lstm --layers 2 --hidden 256 \
    --embedding 128 --bidirectional --pool mean --batch 64 --steps "$steps" --eval-every 100000 --checkpoint-every 100000 \
    --threads "$threads" --run-dir "$out/classification-$threads" --overwrite --json 2>/dev/null |
    python3 -c "import json,sys; o=json.load(sys.stdin); print(f'{$threads} thread(s): {o[\"examples_per_second\"]:.1f} sequences/s  (PyTorch 2.13: {46 if $threads == 1 else 69})')"
done
