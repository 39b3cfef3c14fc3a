#!/usr/bin/env bash
# Batch-1 sampling speed (issue 17): `recur bench sample --json` (release) and PyTorch's loop
# (torch.no_grad(), one step per character, oneDNN off and on) on the same shapes, in one table
# with the memory-bandwidth bound. Shapes default to char-lm's 2×512 LSTM, V = 65, E = 64;
# override with CELL, HIDDEN, LAYERS, VOCAB, LENGTH; THREADS (default 1) goes to both sides.
# PYTHON picks the interpreter with torch.
set -euo pipefail
cd "$(dirname "$0")/.."
recur=.build/release/recur
[ -x "$recur" ] || swift build -c release
python="${PYTHON:-}"
[ -n "$python" ] || { [ -x scripts/.venv/bin/python ] && python=scripts/.venv/bin/python || python=python3; }
shape=(--cell "${CELL:-lstm}" --hidden "${HIDDEN:-512}" --layers "${LAYERS:-2}" --vocab "${VOCAB:-65}" --threads "${THREADS:-1}")
recur_json=$("$recur" bench sample "${shape[@]}" --length "${LENGTH:-2000}" --json)
torch_json=$("$python" scripts/bench_pytorch_sample.py "${shape[@]}" --length "${TORCH_LENGTH:-500}")
"$python" - "$recur_json" "$torch_json" <<'PY'
import json, sys
recur, torch = json.loads(sys.argv[1]), json.loads(sys.argv[2])
faster = max(torch["onednn_off_chars_per_second"], torch["onednn_on_chars_per_second"])
which = "oneDNN off" if faster == torch["onednn_off_chars_per_second"] else "oneDNN on"
threads = f"{recur['threads']} thread" + ("s" if recur["threads"] > 1 else "")
print(f"{recur['cell']} {recur['layers']}×{recur['hidden']}, V={recur['vocab']}, {threads} (PyTorch {torch['torch']}), "
      f"{recur['weight_bytes_per_char'] / 1e6:.2f} MB of weights per char (OpenBLAS {recur['kernel']} kernels)")
print()
print("| Recur chars/s | PyTorch faster loop | ratio | bound (DRAM) | Recur / bound | bound (weights in cache) | Recur / cache bound | Recur generic path |")
print("|---|---|---|---|---|---|---|---|")
print(f"| {recur['chars_per_second']:,.0f} | {faster:,.0f} ({which}; other {min(torch['onednn_off_chars_per_second'], torch['onednn_on_chars_per_second']):,.0f}) "
      f"| {recur['chars_per_second'] / faster:.1f}× "
      f"| {recur['bound_chars_per_second']:,.0f} ({recur['dram_gb_per_second']} GB/s) | {recur['chars_per_second'] / recur['bound_chars_per_second']:.2f} "
      f"| {recur['cache_bound_chars_per_second']:,.0f} ({recur['cache_gb_per_second']} GB/s) | {recur['chars_per_second'] / recur['cache_bound_chars_per_second']:.2f} "
      f"| {recur.get('generic_chars_per_second', float('nan')):,.0f} |")
PY
