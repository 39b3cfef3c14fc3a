#!/usr/bin/env bash
# Renders `recur report` and `recur compare` pages in headless Chromium (Debian `chromium`) and
# checks that the browser's DOM has the expected sections and inline SVG plots, and that the
# screenshot is a real picture: a char-lm report (a panel per log field, sample), a compare page
# (legend by run name, one-point series as markers), a classification report (confusion
# matrix), a translation report (examples, attention maps) and an arena page (leaderboard, curves). Skips, with a message and status
# 0, when chromium is absent (install it with scripts/install-browser.sh; `make test` does).
# Usage: scripts/check-reports.sh [path/to/recur]   (default .build/debug/recur, else release)
# CHECK_REPORTS_KEEP=DIR keeps the pages and their screenshots in DIR to look at.
set -euo pipefail
cd "$(dirname "$0")/.."
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check-reports: SKIPPED — chromium is not installed (scripts/install-browser.sh installs it)"
  exit 0
fi
# A browser that cannot start here (no /dev/shm, a container without its libraries) says
# nothing about the pages: skip, loudly, rather than fail on the machine.
if ! timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --dump-dom about:blank > /dev/null 2>&1; then
  echo "check-reports: SKIPPED — $browser is installed but cannot start headless on this machine"
  exit 0
fi
recur=${1:-.build/debug/recur}
[ -x "$recur" ] || recur=.build/release/recur
[ -x "$recur" ] || { echo "check-reports: build recur first (swift build)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for i in $(seq 60); do echo "the quick brown fox jumps over the lazy dog $i"; done > "$work/text.txt"
"$recur" run char-lm --cell lstm --hidden 16 --embedding 8 --batch 4 --seq-len 16 --steps 20 --eval-every 10 \
  --data "$work/text.txt" --run-dir "$work/lm" > /dev/null
for cell in rnn lstm; do
  "$recur" run adding --cell "$cell" --length 12 --hidden 8 --batch 8 --steps 20 --eval-every 10 --test-size 32 \
    --run-dir "$work/adding-$cell" > /dev/null
done
# One evaluation only: the validation curves are single points, drawn as markers.
"$recur" run adding --cell gru --length 12 --hidden 8 --batch 8 --steps 20 --eval-every 20 --test-size 32 \
  --run-dir "$work/adding-gru" > /dev/null
for i in $(seq 90); do
  case $((i % 3)) in 0) echo -e "pos\tgood great fine $i";; 1) echo -e "neg\tbad awful poor $i";; 2) echo -e "mid\tokay so so $i";; esac
done > "$work/labels.tsv"
"$recur" run classification --data "$work/labels.tsv" --hidden 8 --embedding 4 --batch 8 --steps 20 --eval-every 10 \
  --run-dir "$work/classes" > /dev/null
"$recur" run translation --pairs 200 --tokens char --hidden 16 --embedding 8 --batch 16 --steps 20 --eval-every 10 \
  --run-dir "$work/dates" > /dev/null
"$recur" arena --cells rnn,gru --tasks adding --seeds 2 --steps 20 --eval-every 5 --hidden 8 \
  --task-option adding.length=12 --task-option adding.test-size=32 --out "$work/arena" > /dev/null
cp "$work/arena/arena.html" "$work/arena.html"
"$recur" report "$work/lm" -o "$work/report.html" > /dev/null
"$recur" compare "$work/adding-rnn" "$work/adding-lstm" "$work/adding-gru" -o "$work/compare.html" > /dev/null
"$recur" report "$work/classes" -o "$work/classification.html" > /dev/null
"$recur" report "$work/dates" -o "$work/translation.html" > /dev/null

status=0
check_page() {  # page, then the ids its DOM must contain
  local page=$1; shift
  local dom="$work/$(basename "$page" .html).dom"
  "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --dump-dom "file://$page" > "$dom" 2>/dev/null
  "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --window-size=1000,2400 \
    --screenshot="${page%.html}.png" "file://$page" > /dev/null 2>&1
  for id in "$@"; do
    grep -q "id=\"$id\"" "$dom" || { echo "FAIL $(basename "$page"): no #$id"; status=1; }
  done
  local svgs=$(grep -o "<svg" "$dom" | wc -l) lines=$(grep -o "<polyline" "$dom" | wc -l)
  [ "$svgs" -ge 2 ] || { echo "FAIL $(basename "$page"): $svgs inline SVG plots, expected at least 2"; status=1; }
  [ "$lines" -ge 2 ] || { echo "FAIL $(basename "$page"): $lines plotted lines, expected at least 2"; status=1; }
  local bytes=$(stat -c %s "${page%.html}.png" 2>/dev/null || echo 0)
  [ "$bytes" -gt 20000 ] || { echo "FAIL $(basename "$page"): screenshot is $bytes bytes (blank page?)"; status=1; }
  [ $status -eq 0 ] && echo "ok   $(basename "$page"): ids $*, $svgs SVG, $lines lines, screenshot $bytes bytes"
}
expect() {  # page, text its DOM must contain, what that shows
  grep -qF -- "$2" "$work/$(basename "$1" .html).dom" || { echo "FAIL $(basename "$1"): $3 (no '$2' in the DOM)"; status=1; }
}
check_page "$work/report.html" config metrics curves sample gradient-flow \
  curve-loss curve-bpc curve-lr curve-grad_norm curve-chars_per_second
expect "$work/report.html" 'data-series="validation"' "validation drawn beside training"
check_page "$work/compare.html" config metrics curves gradient-flow curve-loss curve-mse curve-lr
for run in adding-rnn adding-lstm adding-gru; do expect "$work/compare.html" ">$run</text>" "legend row for $run"; done
expect "$work/compare.html" 'class="marker"' "a one-point series drawn as a marker"
check_page "$work/classification.html" config metrics curves task-files curve-accuracy
expect "$work/classification.html" 'src="data:image/svg+xml;base64,' "the confusion matrix picture"
check_page "$work/translation.html" config metrics curves figure-0 figure-1 figure-2 curve-bleu
expect "$work/translation.html" "Example translations" "example translations"
expect "$work/translation.html" "Attention α" "attention maps"
check_page "$work/arena.html" task-adding leaderboard-adding curves-adding-step curves-adding-seconds gradient-flow-adding
expect "$work/arena.html" "vs rnn with Welch" "the leaderboard against the baseline"
expect "$work/arena.html" ">gru</text>" "a legend row per cell"
if [ -n "${CHECK_REPORTS_KEEP:-}" ]; then
  mkdir -p "$CHECK_REPORTS_KEEP" && cp "$work"/*.html "$work"/*.png "$CHECK_REPORTS_KEEP"/
  echo "pages and screenshots kept in $CHECK_REPORTS_KEEP"
fi
exit $status
