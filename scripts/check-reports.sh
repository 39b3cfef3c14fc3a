#!/usr/bin/env bash
# Renders `recur report` and `recur compare` pages in headless Chromium (Debian `chromium`) and
# checks that the browser's DOM has the expected sections and inline SVG plots, and that the
# screenshot is a real picture. Skips, with a message and status 0, when chromium is absent
# (install it with scripts/install-browser.sh).
# Usage: scripts/check-reports.sh [path/to/recur]   (default .build/debug/recur, else release)
set -euo pipefail
cd "$(dirname "$0")/.."
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check-reports: SKIPPED — chromium is not installed (scripts/install-browser.sh installs it)"
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
"$recur" report "$work/lm" -o "$work/report.html" > /dev/null
"$recur" compare "$work/adding-rnn" "$work/adding-lstm" -o "$work/compare.html" > /dev/null

status=0
check_page() {  # page, then the ids its DOM must contain
  local page=$1; shift
  local dom="$work/$(basename "$page" .html).dom"
  "$browser" --headless --no-sandbox --disable-gpu --dump-dom "file://$page" > "$dom" 2>/dev/null
  "$browser" --headless --no-sandbox --disable-gpu --window-size=1000,2400 \
    --screenshot="${page%.html}.png" "file://$page" > /dev/null 2>&1
  for id in "$@"; do
    grep -q "id=\"$id\"" "$dom" || { echo "FAIL $(basename "$page"): no section #$id"; status=1; }
  done
  local svgs=$(grep -o "<svg" "$dom" | wc -l) lines=$(grep -o "<polyline" "$dom" | wc -l)
  [ "$svgs" -ge 2 ] || { echo "FAIL $(basename "$page"): $svgs inline SVG plots, expected at least 2"; status=1; }
  [ "$lines" -ge 2 ] || { echo "FAIL $(basename "$page"): $lines plotted lines, expected at least 2"; status=1; }
  local bytes=$(stat -c %s "${page%.html}.png" 2>/dev/null || echo 0)
  [ "$bytes" -gt 20000 ] || { echo "FAIL $(basename "$page"): screenshot is $bytes bytes (blank page?)"; status=1; }
  [ $status -eq 0 ] && echo "ok   $(basename "$page"): sections $*, $svgs SVG, $lines lines, screenshot $bytes bytes"
}
check_page "$work/report.html" config metrics curves sample gradient-flow
check_page "$work/compare.html" config metrics curves gradient-flow
exit $status
