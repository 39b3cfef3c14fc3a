#!/usr/bin/env bash
# Makes scripts/.venv with what the PyTorch and onnxruntime cross-checks need (CPU wheels). The
# tests find it there (or use $RECUR_PYTHON) and skip with a one-line reason without it.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
.venv/bin/pip install --quiet --extra-index-url https://download.pytorch.org/whl/cpu torch safetensors zstandard numpy onnx onnxruntime
.venv/bin/python -c "import torch, safetensors, zstandard; print('scripts/.venv: torch', torch.__version__)"
