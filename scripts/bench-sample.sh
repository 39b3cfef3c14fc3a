#!/usr/bin/env bash
# Batch-1 sampling speed (issue 17): `recur bench sample --json` (release; resident weights in
# fp32, fp16, int8 and int4) and PyTorch's loop (torch.no_grad(), one step per character, oneDNN
# off and on: the faster is the reference; and its quantize_dynamic int8 loop) on the same
# shapes, in one table with the memory-bandwidth bound
# (bytes of weights per char ÷ read bandwidth of a buffer that size, i.e. the cache level the
# weights stay in, and of DRAM). The machine's load average is printed with the figures. Shapes default to char-lm's 2×512 LSTM, V = 65, E = 64;
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
echo "load: $(uptime | sed 's/.*load average: //')"
"$python" - "$recur_json" "$torch_json" <<'PY'
import json, sys
recur, torch = json.loads(sys.argv[1]), json.loads(sys.argv[2])
off, on = torch["onednn_off_chars_per_second"], torch["onednn_on_chars_per_second"]
faster, which = (off, "oneDNN off") if off >= on else (on, "oneDNN on")
threads = f"{recur['threads']} thread" + ("s" if recur["threads"] > 1 else "")
print(f"{recur['cell']} {recur['layers']}×{recur['hidden']}, V={recur['vocab']}, {threads}; resident kernel {recur['resident_kernel']}; "
      f"PyTorch {torch['torch']} faster loop: {faster:,.0f} chars/s ({which}; the other {min(off, on):,.0f})")
print()
int8 = torch["int8_dynamic_chars_per_second"]
print(f"PyTorch's int8 loop (quantize_dynamic): {int8:,.0f} chars/s")
print()
print("| weights | Recur chars/s | × PyTorch's faster loop | × its int8 loop | MB/char | bound, weights in cache (GB/s) | Recur / bound | bound, DRAM (GB/s) |")
print("|---|---|---|---|---|---|---|---|")
for name, key in [("fp32", ""), ("fp16", "fp16_"), ("bf16", "bf16_"), ("int8", "int8_"), ("int4", "int4_")]:
    cps = recur[key + "chars_per_second"]
    print(f"| {name} | {cps:,.0f} | {cps / faster:.1f}× | {cps / int8:.1f}× | {recur[key + 'weight_bytes_per_char'] / 1e6:.2f} "
          f"| {recur[key + 'cache_bound_chars_per_second']:,.0f} ({recur[key + 'cache_gb_per_second']}) "
          f"| {cps / recur[key + 'cache_bound_chars_per_second']:.2f} "
          f"| {recur[key + 'bound_chars_per_second']:,.0f} ({recur['dram_gb_per_second']}) |")
if "generic_chars_per_second" in recur:
    print(f"\nRecur's generic path (the model's forward pass per character): {recur['generic_chars_per_second']:,.0f} chars/s")
PY
