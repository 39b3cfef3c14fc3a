#!/usr/bin/env bash
# The char-lm recipe of docs/recipes.md on tinyshakespeare for each built-in cell: 1 layer, hidden 256, embedding 64,
# batch 32, seq-len 100, Adam 2e-3, clip 5, 2,000 steps, state carried; validation bits/char
# (carried) at steps 250, 500, 1000, 2000. Prints one table and the PyTorch reference.
# Usage: scripts/charlm-quality.sh [cell ...]   (default: lstm gru rnn; about 3-6 minutes per cell)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${RECUR_SHAKESPEARE:-../shared/data/tinyshakespeare/input.txt}"
[ -f "$data" ] || { echo "missing $data (set RECUR_SHAKESPEARE)"; exit 1; }
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
cells=("$@"); [ ${#cells[@]} -eq 0 ] && cells=(lstm gru rnn)
out=workspace/quality
mkdir -p "$out"
declare -A reference=([lstm]="2.750 2.520 2.344 2.234" [gru]="2.646 2.428 2.295 2.229" [rnn]="2.777 2.592 2.456 2.374")
printf "%-5s %8s %8s %8s %8s   %s\n" cell "@250" "@500" "@1000" "@2000" "PyTorch 2.13 seed 0 (@250 @500 @1000 @2000)"
for cell in "${cells[@]}"; do
  run="$out/charlm-$cell"
  "$recur" run char-lm --cell "$cell" --hidden 256 --embedding 64 --batch 32 --seq-len 100 --lr 0.002 --clip 5 \
    --steps 2000 --eval-every 250 --checkpoint-every 500 --seed 0 --data "$data" --run-dir "$run" --overwrite > "$run.out" 2>&1
  bpc=$(python3 - "$run/log.jsonl" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "val_bpc" in o: rows[o["step"]] = o["val_bpc"]
print(" ".join(f"{rows.get(s, float('nan')):8.3f}" for s in (250, 500, 1000, 2000)))
PY
)
  printf "%-5s %s   %s\n" "$cell" "$bpc" "${reference[$cell]:-}"
done
