#!/usr/bin/env bash
# The classification recipe of docs/recipes.md, names → language: the 18 files of ../shared/data/names_by_language/names
# as given, every 10th name per class for test (2,012 test / 18,038 train), character vocabulary
# from train, embedding 64, LSTM hidden 128, last-state pooling, Adam 1e-3, batch 64, no
# clipping, 10 epochs (282 steps each) in SplitMix64 order. Prints test accuracy and macro-F1 at
# epochs 1 / 3 / 10 for the LSTM and the BiLSTM next to PyTorch 2.13 (seed 0).
# Usage: scripts/names-quality.sh [lstm|bilstm ...]   (default: both; about a minute each in release)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${RECUR_NAMES:-../shared/data/names_by_language/names}"
[ -d "$data" ] || { echo "missing $data (set RECUR_NAMES)"; exit 1; }
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
variants=("$@"); [ ${#variants[@]} -eq 0 ] && variants=(lstm bilstm)
out=workspace/quality
mkdir -p "$out"
declare -A reference=([lstm]="74.30 81.56 84.44 | 28.03 43.52 55.04" [bilstm]="77.73 83.35 84.24 | 35.74 46.88 55.26")
printf "%-7s %21s   %21s   %s\n" "" "accuracy % @ep1/3/10" "macro-F1 % @ep1/3/10" "PyTorch 2.13 seed 0 (acc | F1)"
for variant in "${variants[@]}"; do
  run="$out/names-$variant"
  flags=(); [ "$variant" = bilstm ] && flags=(--bidirectional)
  "$recur" run classification --data "$data" --cell lstm --hidden 128 --embedding 64 --pool last "${flags[@]}" \
    --batch 64 --lr 0.001 --clip 0 --epochs 10 --eval-every 282 --checkpoint-every 2820 --seed 0 --threads "${THREADS:-1}" \
    --run-dir "$run" --overwrite > "$run.out" 2>&1
  row=$(python3 - "$run/log.jsonl" <<'PY'
import json, sys
acc, f1 = {}, {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "val_accuracy" in o: acc[o["step"]], f1[o["step"]] = 100 * o["val_accuracy"], 100 * o["val_macro_f1"]
steps = (282, 846, 2820)
print(" ".join(f"{acc.get(s, float('nan')):6.2f}" for s in steps) + "    " + " ".join(f"{f1.get(s, float('nan')):6.2f}" for s in steps))
PY
)
  printf "%-7s %s   %s\n" "$variant" "$row" "${reference[$variant]}"
done
