#!/usr/bin/env bash
# The LSTM-variants finding of docs/arena-lstm-variants.md, with the arena: lstm, lstm with
# forget_bias=1, gru, cifg and peephole, 3 seeds, parameters matched, on char-lm (tinyshakespeare,
# recurrent stacks of ~330k parameters = the LSTM 256 of RECIPES Task 1), adding at T = 200 and
# copy (stacks of ~20k parameters). STEPS per job (default 400; the recipe's full budget is 2000,
# about five times as long). Usage: scripts/arena-lstm-variants.sh [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${STEPS:-400}
out=${1:-workspace/arena-lstm-variants}
data="${RECUR_SHAKESPEARE:-../shared/data/tinyshakespeare/input.txt}"
[ -f "$data" ] || { echo "missing $data (set RECUR_SHAKESPEARE)"; exit 1; }
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
cells=lstm,lstm:forget_bias=1,gru,cifg,peephole
common=(--cells "$cells" --seeds 3 --steps "$steps" --eval-every 100 --baseline lstm)
"$recur" arena "${common[@]}" --tasks char-lm --params 330k --data "char-lm=$data" --out "$out/char-lm"
"$recur" arena "${common[@]}" --tasks adding --params 20k --task-option adding.length=200 --out "$out/adding"
"$recur" arena "${common[@]}" --tasks copy --params 20k --out "$out/copy"
