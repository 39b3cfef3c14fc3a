#!/usr/bin/env bash
# Issue 9's bar on the adding problem, T = 100: hidden 128, batch 64, Adam 3e-3, clip 5,
# 3,000 steps, seed 0, test MSE every 250 steps. LSTM should end below 0.01, a vanilla RNN
# above 0.1 (answering 1 always scores 0.167). Release build; about 5-15 minutes per cell.
# Usage: scripts/adding-quality.sh [cell ...]   (default: rnn lstm gru). Runs go to workspace/quality/.
set -euo pipefail
cd "$(dirname "$0")/.."
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
cells=("$@"); [ ${#cells[@]} -eq 0 ] && cells=(rnn lstm gru)
out=workspace/quality
mkdir -p "$out"
printf "%-5s %8s %8s %8s %8s %8s %8s  %s\n" cell "@250" "@500" "@1000" "@2000" "@3000" "best" "minutes"
for cell in "${cells[@]}"; do
  run="$out/adding-$cell"
  start=$(date +%s)
  "$recur" run adding --cell "$cell" --length 100 --hidden 128 --batch 64 --lr 0.003 --clip 5 --steps 3000 \
    --eval-every 250 --seed 0 --run-dir "$run" --overwrite > "$run.out" 2>&1
  minutes=$(( ($(date +%s) - start + 30) / 60 ))
  python3 - "$run/log.jsonl" "$cell" "$minutes" <<'PY'
import json, sys
rows = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "val_mse" in o: rows[o["step"]] = o["val_mse"]
cells = " ".join(f"{rows.get(s, float('nan')):8.4f}" for s in (250, 500, 1000, 2000, 3000))
print(f"{sys.argv[2]:<5} {cells} {min(rows.values()):8.4f}  {sys.argv[3]}")
PY
done
