#!/usr/bin/env bash
# Image-encoder speed (issue 16): `recur bench conv --json` (release) and the same nn.Sequential in
# PyTorch (scripts/bench_pytorch_conv.py, its default oneDNN convolutions), forward + backward of
# BATCH images of IMAGE_SIZE² through CONV blocks, for THREADS (default "1 2") on both sides.
# Prints both figures (best iteration; median in brackets) and the ratio Recur / PyTorch.
# PYTHON picks the interpreter with torch. The machine may be shared: re-run when it is quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product recur >/dev/null
recur=.build/release/recur
python="${PYTHON:-}"
[ -n "$python" ] || { [ -x scripts/.venv/bin/python ] && python=scripts/.venv/bin/python || python=python3; }
shape=(--batch "${BATCH:-32}" --image-size "${IMAGE_SIZE:-64}" --conv "${CONV:-32,64,64}" --iterations "${ITERATIONS:-20}")
for threads in ${THREADS:-1 2}; do
  recur_json=$("$recur" bench conv "${shape[@]}" --threads "$threads" --json)
  torch_json=$("$python" scripts/bench_pytorch_conv.py "${shape[@]}" --threads "$threads")
  "$python" - "$recur_json" "$torch_json" <<'PY'
import json, sys
recur, torch = json.loads(sys.argv[1]), json.loads(sys.argv[2])
threads = f"{recur['threads']} thread" + ("s" if recur["threads"] > 1 else "")
print(f"conv {','.join(map(str, recur['conv']))}, B={recur['batch']}, {recur['image_size']}², {threads}: "
      f"Recur {recur['images_per_second']:,.0f} images/s ({recur['median_images_per_second']:,.0f}), "
      f"PyTorch {torch['torch']} {torch['images_per_second']:,.0f} images/s ({torch['median_images_per_second']:,.0f}), "
      f"Recur / PyTorch {recur['images_per_second'] / torch['images_per_second']:.2f} "
      f"(OpenBLAS {recur['kernel']}, convolutions at {recur['conv_gflops']:.0f} GFLOP/s)")
PY
done
