#!/usr/bin/env bash
# Makes scripts/.venv with the packages the Python cross-checks import: PyTorch (weights both
# ways), onnx and onnxruntime (ONNX export), tensorboard (event files). The tests find it there
# (or use $RECUR_PYTHON) and skip with a one-line reason without it.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet torch safetensors zstandard numpy onnx onnxruntime tensorboard
.venv/bin/python -c "import torch, safetensors, zstandard, onnxruntime; print('scripts/.venv: torch', torch.__version__, 'onnxruntime', onnxruntime.__version__)"
