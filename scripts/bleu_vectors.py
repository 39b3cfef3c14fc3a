#!/usr/bin/env python3
"""Writes Tests/Golden/bleu.json: corpus BLEU of small tokenised corpora as sacreBLEU computes
it with tokenize='none', with its default exp smoothing and with smooth_method='none'.
RecurKit's BLEU (translation, captioning) must reproduce these (RecurKitTests/BLEUTests).
Usage: pip install sacrebleu; python3 scripts/bleu_vectors.py"""
import json, pathlib
import sacrebleu

cases = {
    "recipe-like": (["il joue avec ma chatte .", "je suis fatigue .", "elle est tres belle .", "nous sommes en retard ."],
                    ["il joue avec mon chat .", "je suis fatigue .", "elle est tres jolie .", "nous sommes en retard !"]),
    "short-hypotheses": (["je suis", "il est", "vous"], ["je suis tres fatigue .", "il est grand .", "vous etes en retard ."]),
    "no-4gram-match": (["a b c d e", "f g h"], ["a b x c d e", "f g y h"]),
    "no-match-at-all": (["x y z"], ["a b c"]),
    "no-match-4-tokens": (["x y z w"], ["a b c d"]),
    "brevity-penalty": (["he is a good man", "she is here"], ["he is a very good man .", "she is here now with us ."]),
    "repeated-words": (["the the the the the the the", "le le le"], ["the cat is on the mat", "le chat"]),
    "identical": (["1987 - 03 - 14", "2001 - 12 - 01"], ["1987 - 03 - 14", "2001 - 12 - 01"]),
    "longer-than-reference": (["il y a un chat sur le tapis rouge ce soir", "oui"], ["le chat est sur le tapis", "oui"]),
}
out = {}
for name, (hyps, refs) in cases.items():
    exp = sacrebleu.corpus_bleu(hyps, [refs], tokenize="none")
    none = sacrebleu.corpus_bleu(hyps, [refs], tokenize="none", smooth_method="none")
    out[name] = {"hypotheses": hyps, "references": refs, "bleu_exp": exp.score, "bleu_none": none.score,
                 "precisions_exp": exp.precisions, "counts": exp.counts, "totals": exp.totals,
                 "bp": exp.bp, "sys_len": exp.sys_len, "ref_len": exp.ref_len}
# Several references per sentence (captioning scores against all captions of an image): n-grams
# clipped by their largest count in any one reference; the reference length closest to the
# hypothesis's, the shorter on a tie ("tie-on-length": lengths 3 and 5 around a hypothesis of 4).
multi = {
    "multi-reference": (["a small red circle is left of a blue square", "there is a green triangle", "a cat"],
                        [["a small red circle is left of a large blue square", "there is a small red circle", "a large blue square is right of a small red circle"],
                         ["there is a large green triangle", "there is a green triangle", "a green triangle is above a red circle"],
                         ["the dog", "a dog runs", "dogs"]]),
    "tie-on-length": (["a b c d"], [["a b c", "a b c d e", "x"]]),
    "repeats-clipped-by-one-reference": (["the the the the"], [["the cat the", "the the the dog", "cat"]]),
}
for name, (hyps, refs) in multi.items():
    streams = [list(r) for r in zip(*refs)]
    exp = sacrebleu.corpus_bleu(hyps, streams, tokenize="none")
    none = sacrebleu.corpus_bleu(hyps, streams, tokenize="none", smooth_method="none")
    out[name] = {"hypotheses": hyps, "references": refs, "bleu_exp": exp.score, "bleu_none": none.score,
                 "precisions_exp": exp.precisions, "counts": exp.counts, "totals": exp.totals,
                 "bp": exp.bp, "sys_len": exp.sys_len, "ref_len": exp.ref_len}
out["_generator"] = f"sacrebleu {sacrebleu.__version__}, corpus_bleu(hyps, [refs], tokenize='none')"
path = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Golden" / "bleu.json"
path.write_text(json.dumps(out, indent=1) + "\n")
print(f"wrote {path}")
