"""Local judge vs expert grades with K-fold splits by group (fit on K-1 folds, score the rest).

usage: python benchmarks/bench_judge.py [--folds 5] [--data ../shared/data/judge]

Datasets: data/judge/graded.jsonl (our release-notes sample, kappa + Spearman),
topical_chat (turn-level Spearman; UniEval anchors), sfhot / sfres (naturalness).
Every number is on held-out folds; groups never straddle train and test.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ANCHORS = {"topical_chat": {"naturalness": 0.514, "coherence": 0.613, "engagingness": 0.605,
                            "groundedness": 0.575, "overall": 0.663},
           "sfhot": {"naturalness": 0.320}, "sfres": {"naturalness": 0.333}}


def load(path: Path, text_in: str, text_out: str):
    rows = [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    return ([(r[text_in], r[text_out]) for r in rows], [r["group"] for r in rows],
            [r["scores"] for r in rows])


def kfold(pairs, groups, scores, dims, scales, folds, feats, alpha):
    from loracle.judge.model import fit
    from loracle.judge.stats import cohen_kappa, spearman

    t0 = time.perf_counter()
    X, _, _ = feats(pairs, progress=True)
    feat_s = (time.perf_counter() - t0) / len(pairs)
    uniq = sorted(set(groups))
    rng = np.random.default_rng(0)
    rng.shuffle(uniq)
    fold_of = {g: i % folds for i, g in enumerate(uniq)}
    f = np.array([fold_of[g] for g in groups])
    preds = {d: np.full(len(pairs), np.nan) for d in dims}
    raw = {d: np.array([s.get(d, np.nan) for s in scores], float) for d in dims}
    fit_s = 0.0
    for k in range(folds):
        tr, te = f != k, f == k
        t1 = time.perf_counter()
        j = fit(X[tr], {d: raw[d][tr] for d in dims}, scales, alpha)
        fit_s += time.perf_counter() - t1
        # Spearman uses the continuous ridge output; kappa the rounded scale value.
        for d, v in j.raw(X[te]).items():
            preds[d][te] = v
    out = {}
    for d in dims:
        ok = ~np.isnan(raw[d])
        out[d] = {"spearman": round(spearman(preds[d][ok], raw[d][ok]), 4)}
        if scales[d][1] - scales[d][0] <= 10:
            out[d]["kappa_quadratic"] = round(cohen_kappa(
                np.clip(np.rint(preds[d][ok]), *scales[d]), np.rint(raw[d][ok]), scales[d],
                "quadratic"), 4)
    return out, feat_s * 1000, fit_s / folds * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "judge"))
    ap.add_argument("--only", help="comma-separated subset: release_notes,topical_chat,sfhot,sfres")
    args = ap.parse_args()
    from loracle.cli import _setup_logging
    from loracle.judge.model import Featurizer

    _setup_logging()
    # The shipped configs' feature sets: configs/judge.yaml and configs/judge-dialogue.yaml.
    notes = Featurizer(["checks", "cosine"])
    dialogue = Featurizer(["lm", "text", "cosine"])
    sets = [("release_notes (ours)", ROOT / "data/judge/graded.jsonl", "input_ticket",
             "model_output", ["accuracy", "completeness", "clarity", "tone"], notes, 1.0)]
    for name, dims in (("topical_chat", list(ANCHORS["topical_chat"])),
                       ("sfhot", ["naturalness"]), ("sfres", ["naturalness"])):
        sets.append((name, Path(args.data) / f"{name}.jsonl", "input", "output", dims,
                     dialogue, 10.0))
    only = set(args.only.split(",")) if args.only else None
    for name, path, ti, to, dims, feats, alpha in sets:
        if only and name.split()[0] not in only:
            continue
        pairs, groups, scores = load(path, ti, to)
        lo = int(np.floor(min(min(s.get(d, 9) for s in scores) for d in dims)))
        hi = int(np.ceil(max(max(s.get(d, 0) for s in scores) for d in dims)))
        res, ms, fit_ms = kfold(pairs, groups, scores, dims, {d: (lo, hi) for d in dims},
                                args.folds, feats, alpha)
        anchors = ANCHORS.get(name, {})
        cells = ", ".join(
            f"{d} {r['spearman']:.3f}" + (f" (UniEval {anchors[d]})" if d in anchors else "")
            + (f" qwk {r['kappa_quadratic']:.3f}" if "kappa_quadratic" in r and not anchors else "")
            for d, r in res.items())
        print(f"{name:22s} n={len(pairs):4d} {args.folds}-fold by group "
              f"[{','.join(feats.families)}], Spearman: {cells} | features {ms:.1f} ms/sample "
              f"(fit and predict both pay it), ridge fit {fit_ms:.1f} ms/fold", flush=True)


if __name__ == "__main__":
    main()
