#!/usr/bin/env bash
# The eng→fra recipe of docs/recipes.md (eng→fra) exactly: fra.txt read from fra-eng.zip, the PyTorch tutorial's
# normalisation, pairs under 10 tokens whose English starts with one of the 12 prefixes
# (10,840 in file order), test = kept pair i % 10 == 0, GRU 256 encoder and decoder, embedding
# 256, batch 64, Adam 1e-3, clip 5, the SplitMix64 epoch order, 10 epochs × 153 steps, greedy
# decoding up to 10 tokens. Runs dot attention and --attention none, then prints test BLEU-4 and
# exact match at epochs 2 / 5 / 10 next to PyTorch 2.13's.
# Usage: scripts/translation-quality.sh [dot none general ...]   (several minutes per variant)
set -euo pipefail
cd "$(dirname "$0")/.."
data="${RECUR_FRA_ENG:-../shared/data/eng_fra_manythings/fra-eng.zip}"
[ -f "$data" ] || { echo "missing $data (set RECUR_FRA_ENG)"; exit 1; }
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
variants=("$@"); [ ${#variants[@]} -eq 0 ] && variants=(dot none)
out=workspace/quality
mkdir -p "$out"
declare -A reference=([dot]="10.47 20.12 30.86" [none]="9.13 15.29 25.34")
for attention in "${variants[@]}"; do
  run="$out/translation-$attention"
  "$recur" run translation --data "$data" --member fra.txt --normalize tutorial --prefixes tutorial --max-len 9 \
    --cell gru --hidden 256 --embedding 256 --attention "$attention" --batch 64 --lr 0.001 --clip 5 \
    --epochs 10 --eval-every 153 --checkpoint-every 765 --decode-len 10 --seed 0 --threads "${THREADS:-1}" \
    --run-dir "$run" --overwrite > "$run.out" 2>&1
done
printf "%-9s %-22s %-22s %-12s %s\n" attention "BLEU @ep2 / 5 / 10" "exact % @ep2 / 5 / 10" "tokens/s" "PyTorch 2.13 BLEU (seed 0)"
for attention in "${variants[@]}"; do
  python3 - "$out/translation-$attention/log.jsonl" "$attention" "${reference[$attention]:-}" <<'PY'
import json, sys
bleu, exact, rates = {}, {}, []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if "val_bleu" in o: bleu[o["step"]] = o["val_bleu"]; exact[o["step"]] = 100 * o["val_exact_match"]
    if "tokens_per_second" in o: rates.append(o["tokens_per_second"])
steps = (306, 765, 1530)
b = " / ".join(f"{bleu.get(s, float('nan')):5.2f}" for s in steps)
e = " / ".join(f"{exact.get(s, float('nan')):5.2f}" for s in steps)
rate = sorted(rates)[len(rates) // 2] if rates else float("nan")
print(f"{sys.argv[2]:<9} {b:<22} {e:<22} {rate:<12.0f} {sys.argv[3]}")
PY
done
