#!/usr/bin/env bash
# Training throughput of the captioning task (default model: conv 16,32,64 on 64×64 images, LSTM
# 128 decoder with additive attention and β, batch 32) beside the same model in PyTorch
# (scripts/bench_pytorch_captioning.py), in one sitting; prints images/s for both and the ratio.
# Recur trains on the shapes world (captions pad to 12–13 decoder steps a batch); PyTorch on
# random images and captions of 12 steps.
# Usage: scripts/captioning-bench.sh [threads] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
threads="${1:-1}"; steps="${2:-300}"
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
python="${RECUR_PYTHON:-scripts/.venv/bin/python}"
mkdir -p workspace/bench
ours=$("$recur" run captioning --steps "$steps" --eval-every 100000 --checkpoint-every 100000 --threads "$threads" \
  --run-dir workspace/bench/captioning --overwrite --json 2>/dev/null \
  | python3 -c "import json,sys; print(f\"{json.load(sys.stdin)['images_per_second']:.1f}\")")
theirs=$(cd scripts && "../$python" bench_pytorch_captioning.py --threads "$threads" --seconds 20 | sed -E 's/.*: ([0-9.]+) images\/s.*/\1/')
echo "captioning training, $threads thread(s): Recur $ours images/s, PyTorch $theirs images/s, ratio $(python3 -c "print(f'{$ours/$theirs:.2f}')")"
