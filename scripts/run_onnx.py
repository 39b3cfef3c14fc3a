"""Runs a model written by `recur export RUN --format onnx` in onnxruntime.

    scripts/.venv/bin/python scripts/run_onnx.py MODEL.onnx IDS.json OUT.json

IDS.json holds the token ids as nested lists [T][B] (time-major, as the model's `ids` input); OUT.json
gets the model's `logits` as nested lists. The onnx checker runs first, so a malformed model fails here
with its reason. The tests compare the logits with `recur predict` (Tests/HostTests/ONNXExportTests.swift).
"""
import json
import sys

import numpy
import onnx
import onnxruntime


def main():
    model_path, ids_path, out_path = sys.argv[1:4]
    onnx.checker.check_model(onnx.load(model_path), full_check=True)
    with open(ids_path) as f:
        ids = numpy.array(json.load(f), dtype=numpy.int64)
    session = onnxruntime.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    (logits,) = session.run(["logits"], {"ids": ids})
    with open(out_path, "w") as f:
        json.dump(logits.astype(float).tolist(), f)
    print(f"onnxruntime {onnxruntime.__version__}: logits {list(logits.shape)}")


if __name__ == "__main__":
    main()
