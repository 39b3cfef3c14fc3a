#!/usr/bin/env bash
# conditional-lm on its default data (Debian word lists, one language per class): validation
# bits/char with the class given and withheld, then how often a classifier trained with
# `recur run classification` on the same word lists labels 500 generated words (an equal share
# per language, distinct within a language) with the language they were generated for.
# Usage: scripts/conditional-lm-quality.sh   (release build; several minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
out=workspace/quality
mkdir -p "$out"
"$recur" run conditional-lm --seed 0 --run-dir "$out/conditional-lm" --overwrite --json > "$out/conditional-lm.json" 2> "$out/conditional-lm.out"
"$recur" run classification --seed 0 --run-dir "$out/words-classifier" --overwrite --json > "$out/words-classifier.json" 2> "$out/words-classifier.out"
languages=$(python3 -c "import json; print(' '.join(json.load(open('$out/conditional-lm/labels.json'))))")
set -- $languages
per=$(( (500 + $# - 1) / $# ))
: > "$out/generated.tsv"
for language in $languages; do
  "$recur" sample "$out/conditional-lm" --condition "$language" -n "$per" --seed 1 | sed "s/^/$language\t/" >> "$out/generated.tsv"
done
head -n 500 "$out/generated.tsv" > "$out/generated-500.tsv"
cut -f2 "$out/generated-500.tsv" > "$out/generated-words.txt"
"$recur" classify "$out/words-classifier" --input "$out/generated-words.txt" --json > "$out/generated-classified.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
lm = json.load(open(f"{out}/conditional-lm.json"))
classifier = json.load(open(f"{out}/words-classifier.json"))
wanted = [line.split("\t")[0] for line in open(f"{out}/generated-500.tsv", encoding="utf-8")]
got = [r["label"] for r in json.load(open(f"{out}/generated-classified.json"))["results"]]
agree = sum(a == b for a, b in zip(wanted, got))
print(f"conditional-lm: val_bpc {lm['val_bpc']:.3f} with the class, {lm['val_bpc_withheld']:.3f} withheld (gain {lm['val_bpc_gain']:.3f} bits/char)")
print(f"classifier: val_accuracy {100 * classifier['val_accuracy']:.1f}% on real words")
print(f"{agree}/{len(got)} generated words ({100 * agree / len(got):.1f}%) are labelled with the requested language (chance {100 / len(set(wanted)):.1f}%)")
for language in sorted(set(wanted)):
    rows = [(a, b) for a, b in zip(wanted, got) if a == language]
    print(f"  {language:<11} {sum(a == b for a, b in rows):3d}/{len(rows)}")
PY
