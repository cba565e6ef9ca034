"""Learned router vs the floor, random and oracle on RouteLLM outcome data (K-fold), and
route() latency.

usage: python benchmarks/bench_router.py [--folds 5] [--seeds 0,1,2] [--data ../shared/data/router]

Every router is scored on held-out folds (rows of one MT-Bench question share a fold),
for each fold seed; the table shows the mean over seeds and each seed's APGR.
Floor (issue 5): frozen MiniLM embeddings + one logistic regression per model on
quality >= 0.5. Anchor (RouteLLM, MT-Bench, best router with judge-augmented data,
trained on ~65k Arena comparisons): APGR 0.802, CPT(50%) 13.40%.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def _score_all(E, E_full, prompts, Q, keys, folds, groups, seed) -> tuple[dict, float]:
    """Out-of-fold strong-minus-weak scores of every router on one fold assignment, and
    the seconds the default (blend) head took to fit and predict."""
    from sklearn.linear_model import LogisticRegression

    from loracle.config import RouterConfig
    from loracle.router.job import out_of_fold

    qs, qw = Q[:, 0], Q[:, 1]
    rng = np.random.default_rng(seed)
    res = {"random": rng.random(len(qs)), "oracle": qs - qw + 1e-9 * rng.random(len(qs))}
    floor = np.zeros(len(qs))
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        p = [LogisticRegression(max_iter=3000).fit(E_full[tr], (q[tr] >= 0.5).astype(int))
             .predict_proba(E_full[te])[:, 1] for q in (qs, qw)]
        floor[te] = p[0] - p[1]
    res["floor (MiniLM + LR/model)"] = floor
    for head in ("logreg", "knn", "blend"):
        t0 = time.perf_counter()
        P = out_of_fold(E, prompts, Q, keys, RouterConfig(head=head, seed=seed), folds, groups)
        res[f"loracle {head}" + (" (default)" if head == "blend" else "")] = P[:, 0] - P[:, 1]
        fit_s = time.perf_counter() - t0
    return res, fit_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", default="0,1,2", help="fold seeds, comma-separated")
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "router"))
    args = ap.parse_args()
    from loracle.cli import _setup_logging
    from loracle.config import RouterConfig
    from loracle.router.data import load_outcomes
    from loracle.router.job import _matrix, folds_of, groups_of
    from loracle.router.learned import PromptEncoder
    from loracle.router.metrics import two_model_report

    _setup_logging()
    enc = PromptEncoder(layers=RouterConfig().encoder_layers)
    full = PromptEncoder()  # the floor uses the full frozen encoder
    S, W = "gpt-4-1106-preview", "mixtral-8x7b-instruct"
    for name in ("routellm_gsm8k", "routellm_mt_bench"):
        rows = load_outcomes(str(Path(args.data) / f"{name}.jsonl"))
        prompts = [r.prompt for r in rows]
        keys = [S, W]
        Q = _matrix(rows, keys)
        E = enc(prompts)
        E_full = full(prompts)
        qs, qw = Q[:, 0], Q[:, 1]
        seeds = [int(x) for x in args.seeds.split(",")]
        scored = [_score_all(E, E_full, prompts, Q, keys, folds_of(rows, args.folds, seed),
                             groups_of(rows), seed) for seed in seeds]
        runs = [r for r, _ in scored]
        fit_s = sum(t for _, t in scored)
        print(f"\n{name}: n={len(rows)}, {args.folds}-fold x seeds {seeds}, strong "
              f"{qs.mean():.3f} weak {qw.mean():.3f} (blend fit+predict {fit_s:.0f}s, all "
              f"folds and seeds)")
        print(f"  {'router':30s} {'APGR':>6s} {'CPT(50%)':>9s} {'CPT(80%)':>9s}  APGR per seed")
        for k in runs[0]:
            reps = [two_model_report(r[k], qs, qw) for r in runs]
            m = {x: np.mean([r[x] for r in reps]) for x in ("apgr", "cpt50", "cpt80")}
            print(f"  {k:30s} {m['apgr']:6.3f} {100 * m['cpt50']:8.2f}% "
                  f"{100 * m['cpt80']:8.2f}%  " + " ".join(f"{r['apgr']:.3f}" for r in reps))
        # Is the gain over the floor real? Paired bootstrap over rows of the same
        # out-of-fold scores (1,000 resamples, seeded), for each fold seed.
        for seed, r in zip(seeds, runs):
            ours, base = r["loracle blend (default)"], r["floor (MiniLM + LR/model)"]
            brng = np.random.default_rng(1)
            diffs = []
            for _ in range(1000):
                i = brng.integers(0, len(rows), len(rows))
                if qs[i].mean() == qw[i].mean():
                    continue
                diffs.append(two_model_report(ours[i], qs[i], qw[i])["apgr"]
                             - two_model_report(base[i], qs[i], qw[i])["apgr"])
            lo, hi = np.percentile(diffs, [2.5, 97.5])
            print(f"  fold seed {seed}: blend - floor APGR {np.mean(diffs):+.3f}, 95% bootstrap "
                  f"CI [{lo:+.3f}, {hi:+.3f}], share of resamples > 0: "
                  f"{np.mean(np.array(diffs) > 0):.2f}")
    # route() latency: one query at a time, the way a server calls it.
    from loracle.router.job import fit_router
    from loracle.router.learned import LearnedRouter
    from loracle.router.registry import load_registry
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        fit_router(str(Path(args.data) / "routellm_mt_bench.jsonl"), d, RouterConfig())
        router = LearnedRouter.load(d, load_registry(), enc)
        qs_ = [r.prompt for r in load_outcomes(str(Path(args.data) / "routellm_gsm8k.jsonl"))]
        for q in qs_[:20]:
            router.route(q)  # warm-up
        times = []
        for q in qs_[:300]:
            t0 = time.perf_counter()
            router.route(q, [S, W])
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"\nroute() latency, {len(times)} GSM8K queries one at a time: p50 "
          f"{statistics.median(times):.2f} ms, p90 {times[int(0.9 * len(times))]:.2f} ms "
          f"({1000 / statistics.mean(times):.0f} req/s single-threaded)")


if __name__ == "__main__":
    main()
