#!/usr/bin/env python3
"""Writes Tests/Golden/seqeval.json: entity-level precision, recall and F1 (micro, and per entity
type with support) of tag sequences as seqeval computes them in its default mode (conlleval
style, `mode=None`): the tagging task's entity scores must reproduce these
(TaggingTaskTests/EntityScoreTests). Cases mix well-formed BIO and IOBES with the ill-formed
transitions conlleval still reads (I- after O, a type change inside a chunk, E- without B-).
Usage: python3 -m venv scripts/.venv && scripts/.venv/bin/pip install seqeval
       scripts/.venv/bin/python scripts/seqeval_vectors.py"""
import importlib.metadata, json, pathlib, random, warnings
from seqeval.metrics import precision_score, recall_score, f1_score, classification_report

warnings.filterwarnings("ignore")   # seqeval warns on zero division; the value (0) is what we record

cases = {
    "bio-perfect": ([["B-PER", "I-PER", "O", "B-LOC"]], [["B-PER", "I-PER", "O", "B-LOC"]]),
    "bio-boundary-miss": ([["B-PER", "I-PER", "O", "B-LOC", "I-LOC"], ["O", "B-ORG"]],
                          [["B-PER", "O", "O", "B-LOC", "I-LOC"], ["O", "B-ORG"]]),
    "type-error": ([["B-PER", "I-PER", "O"]], [["B-ORG", "I-ORG", "O"]]),
    "iob1-style-I-after-O": ([["O", "I-PER", "I-PER", "O", "I-LOC"]], [["O", "I-PER", "I-PER", "O", "B-LOC"]]),
    "type-change-inside": ([["B-PER", "I-LOC", "I-LOC", "O"]], [["B-PER", "I-PER", "I-PER", "O"]]),
    "chunk-across-sentences": ([["B-PER", "I-PER"], ["I-PER", "O"]], [["B-PER", "I-PER"], ["B-PER", "O"]]),
    "nothing-predicted": ([["B-PER", "O"]], [["O", "O"]]),
    "nothing-true": ([["O", "O"]], [["B-PER", "O"]]),
    "iobes-perfect": ([["S-PER", "O", "B-LOC", "I-LOC", "E-LOC"]], [["S-PER", "O", "B-LOC", "I-LOC", "E-LOC"]]),
    "iobes-ill-formed": ([["B-LOC", "E-LOC", "E-LOC", "S-PER", "I-PER"], ["O", "E-ORG", "O"]],
                         [["B-LOC", "I-LOC", "E-LOC", "S-PER", "E-PER"], ["O", "S-ORG", "O"]]),
    "adjacent-B": ([["B-PER", "B-PER", "I-PER", "B-PER"]], [["B-PER", "I-PER", "I-PER", "B-PER"]]),
    "untyped-B-I": ([["B", "I", "O", "B"]], [["B", "I", "O", "I"]]),
}

rng = random.Random(15)
def random_sequences(tags, sentences, flip):
    truth, pred = [], []
    for _ in range(sentences):
        n = rng.randint(1, 12)
        t = [rng.choice(tags) for _ in range(n)]
        p = [x if rng.random() > flip else rng.choice(tags) for x in t]
        truth.append(t)
        pred.append(p)
    return truth, pred

bio = ["O", "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
iobes = ["O", "O", "B-PER", "I-PER", "E-PER", "S-PER", "B-ORG", "I-ORG", "E-ORG", "S-ORG"]
for k in range(6):
    cases[f"random-bio-{k}"] = random_sequences(bio, 8 + 4 * k, 0.1 + 0.1 * k)
for k in range(4):
    cases[f"random-iobes-{k}"] = random_sequences(iobes, 8 + 4 * k, 0.15 + 0.1 * k)

out = {}
for name, (truth, pred) in cases.items():
    report = classification_report(truth, pred, output_dict=True, zero_division=0)
    types = {t: {"precision": v["precision"], "recall": v["recall"], "f1": v["f1-score"], "support": int(v["support"])}
             for t, v in report.items() if not t.endswith(" avg")}
    out[name] = {"truth": truth, "prediction": pred,
                 "precision": precision_score(truth, pred, zero_division=0),
                 "recall": recall_score(truth, pred, zero_division=0),
                 "f1": f1_score(truth, pred, zero_division=0), "types": types}
out["_generator"] = f"seqeval {importlib.metadata.version('seqeval')}, default mode (conlleval), micro average, zero_division=0"
path = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Golden" / "seqeval.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
