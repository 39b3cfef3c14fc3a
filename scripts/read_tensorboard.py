"""Reads TensorBoard event files back with TensorBoard's own loader and prints the scalars as
one JSON object: {tag: [[step, value], ...]}. Used by scripts/check-tensorboard.sh and by
HostTests' TensorBoard test to check what `recur run --tensorboard DIR` wrote.

Usage: python read_tensorboard.py DIR
"""
import json
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: read_tensorboard.py DIR")
    accumulator = EventAccumulator(sys.argv[1], size_guidance={"scalars": 0})  # 0: keep every event
    accumulator.Reload()
    scalars = {
        tag: [[event.step, event.value] for event in accumulator.Scalars(tag)]
        for tag in accumulator.Tags()["scalars"]
    }
    print(json.dumps(scalars, sort_keys=True))


if __name__ == "__main__":
    main()
