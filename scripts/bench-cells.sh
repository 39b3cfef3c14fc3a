#!/usr/bin/env bash
# The cell-speed table of the README: `recur bench cell` (release) on the SMALL and MEDIUM shapes
# for each built-in cell, 1 and 2 threads, fused path (and generic for LSTM SMALL); and the same
# shapes in PyTorch when `python3 -c "import torch"` works.
set -euo pipefail
cd "$(dirname "$0")/.."
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
seconds="${SECONDS_PER_CASE:-5}"
small=(--hidden 128 --layers 1 --batch 32 --seq-len 64)
medium=(--hidden 512 --layers 2 --batch 64 --seq-len 100)
torch_ok=0; python3 -c "import torch" 2>/dev/null && torch_ok=1
for shape in small medium; do
  declare -n args=$shape
  for cell in lstm gru rnn; do
    for threads in 1 2; do
      "$recur" bench cell --cell "$cell" "${args[@]}" --threads "$threads" --seconds "$seconds"
      [ $torch_ok = 1 ] && python3 scripts/bench_pytorch.py --cell "$cell" "${args[@]}" --threads "$threads" --seconds "$seconds"
    done
  done
done
"$recur" bench cell --cell lstm "${small[@]}" --threads 1 --no-fused --seconds "$seconds"
