#!/usr/bin/env bash
# Part of `make test`: builds the example out-of-tree cell (plugins/mingru) in the host's
# configuration, then runs the conformance suite on it and a short char-lm training with it,
# through the `recur` given as $1 (which loads plugins/*/.build/<its configuration> itself).
set -euo pipefail
recur=${1:?usage: scripts/check-mingru.sh PATH/TO/recur}
cd "$(dirname "$0")/.."
configuration=$(basename "$(dirname "$recur")")
"$recur" plugin build mingru -c "$configuration"
"$recur" check-cell mingru
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 60); do echo "the quick brown fox jumps over the lazy dog, again and again."; done > "$work/corpus.txt"
"$recur" run char-lm --cell mingru --hidden 32 --batch 4 --seq-len 16 --steps 20 --eval-every 20 \
    --data "$work/corpus.txt" --run-dir "$work/run" --json > "$work/summary.json"
grep -q '"steps":20' "$work/summary.json" || { echo "mingru training did not finish: $(cat "$work/summary.json")" >&2; exit 1; }
echo "mingru: conformance passed and 20 training steps ran ($(grep -o '"train_loss":[0-9.]*' "$work/summary.json"))"
