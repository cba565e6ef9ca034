"""Held-out BFCL single-turn accuracy of loracle.agent.bfcl, per category, beside published
non-live AST numbers.

usage: python benchmarks/bench_bfcl.py [--limit N] [--folds 2] [--seed 0] [--no-lm]
       python benchmarks/bench_bfcl.py --adapter DIR  (decode with a LoRA call adapter
       trained per fold on that fold's training rows, into DIR/fold<k>; the README's run:
       DIR = benchmarks/bfcl_fold_adapters, committed, reused as they are)
       python benchmarks/bench_bfcl.py --fit-all src/loracle/agent/bfcl_model [--fit-adapter]
       (the shipped selector and gate, and with --fit-adapter the call adapter: fit on every
       dev row, nothing scored)

Question ids of all five files are split into K seeded folds; the answerer is fit on the
other folds and scores only its own fold, so every reported number is held-out. The answerer
never sees the id or the category. --limit N scores N questions per category (chosen by the
same seeded shuffle); fitting still uses every training-fold row.
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
from loracle.agent.bfcl_adapter import AdapterConfig, train_call_adapter  # noqa: E402

CATS = ["simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"]
AST = CATS[:4]
# Published BFCL non-live AST summary (unweighted mean of the four AST categories).
PUBLISHED = {"Qwen3-0.6B": 71.79, "Hammer2.1-0.5b": 65.98, "Llama-3.2-1B": 38.38}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "agent" / "bfcl"))
    ap.add_argument("--limit", type=int, default=0, help="questions per category (0 = all)")
    ap.add_argument("--folds", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-lm", action="store_true", help="selection only (args left empty)")
    ap.add_argument("--out", default="", help="also write per-question results (JSONL)")
    ap.add_argument("--cats", default=",".join(CATS), help="comma-separated categories to score")
    ap.add_argument("--dev", type=int, default=60,
                    help="the first N questions per category (seed-0 order) were read while "
                         "writing the value rules; they are reported apart from the rest")
    ap.add_argument("--span-weight", type=float, default=0.5,
                    help="weight of the learned value-span prior against the LM (0 = LM alone)")
    ap.add_argument("--adapter", default="", metavar="DIR",
                    help="train a LoRA call adapter per fold on that fold's training rows into "
                         "DIR/fold<k> and decode with it (an adapter already there is reused "
                         "only if trained on the same rows with the same settings)")
    ap.add_argument("--adapter-epochs", type=float, default=AdapterConfig().epochs,
                    help="epochs of call-adapter training (with --adapter or --fit-adapter)")
    ap.add_argument("--fit-all", default="", metavar="DIR",
                    help="fit on every row, save the selector to DIR and exit (no scores)")
    ap.add_argument("--fit-adapter", action="store_true",
                    help="with --fit-all: also train the call adapter on every dev row into "
                         "DIR/adapter (about 35 min on 2 CPU cores)")
    args = ap.parse_args()
    if args.fit_adapter and not args.fit_all:
        ap.error("--fit-adapter trains the shipped adapter: it needs --fit-all DIR")
    from tqdm import tqdm

    from loracle.agent.bfcl import BfclAnswerer, CachedEncoder, load_questions
    from loracle.agent.bfcl_check import check_calls, load_jsonl_by_id
    from loracle.router.learned import PromptEncoder

    data = Path(args.data)
    rows, answers = [], {}
    for cat in CATS:
        rows += [(cat, r) for r in load_questions(data / f"BFCL_v4_{cat}.json")]
        if cat != "irrelevance":
            answers.update(load_jsonl_by_id(data / "possible_answer" / f"BFCL_v4_{cat}.json"))
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(rows))
    fold = {rows[i][1]["id"]: k % args.folds for k, i in enumerate(order)}
    scored: set[str] = set()
    # The dev slice is fixed by seed 0, whatever --seed the folds use.
    order0 = np.random.default_rng(0).permutation(len(rows))
    dev = {rows[i][1]["id"] for c in CATS
           for i in [j for j in order0 if rows[j][0] == c][:args.dev]}
    cats = [c for c in CATS if c in args.cats.split(",")]
    for cat in cats:  # --limit: the first N of each category, seeded order
        ids = [rows[i][1]["id"] for i in order if rows[i][0] == cat]
        scored.update(ids[:args.limit] if args.limit else ids)

    enc = CachedEncoder(PromptEncoder("embedded:all-minilm-l6-v2", max_len=128))
    if args.fit_all:
        BfclAnswerer(encoder=enc).fit([r for _, r in rows], answers).save(args.fit_all)
        print(f"fit on {len(rows)} rows -> {args.fit_all}/selector.json")
        if args.fit_adapter:
            from loracle.agent.bfcl import ADAPTER
            info = train_call_adapter([r for _, r in rows], answers, Path(args.fit_all) / ADAPTER,
                                      AdapterConfig(epochs=args.adapter_epochs, seed=args.seed))
            print(f"call adapter on {info['examples']} examples -> {args.fit_all}/{ADAPTER}")
        return
    decoder = (lambda q, f, prev=None, region=None: {}) if args.no_lm else None
    shared_dec = None
    results: list[dict] = []
    for k in range(args.folds):
        train = [r for _, r in rows if fold[r["id"]] != k]
        test = [(c, r) for c, r in rows if fold[r["id"]] == k and r["id"] in scored]
        dec = decoder or shared_dec
        if args.adapter and not args.no_lm:  # a held-out adapter: fit on this fold's train rows
            dec = fold_decoder(Path(args.adapter) / f"fold{k}", train, answers,
                               args.adapter_epochs, args.seed)
        ans = BfclAnswerer(encoder=enc, decoder=dec,
                           span_weight=args.span_weight).fit(train, answers)
        for cat, r in tqdm(test, desc=f"fold {k + 1}/{args.folds}"):
            t0 = time.perf_counter()
            calls = ans.answer(r)
            dt = time.perf_counter() - t0
            ok, why = check_calls(calls, r["function"], answers.get(r["id"], {}).get(
                "ground_truth"), cat)
            results.append({"id": r["id"], "category": cat, "ok": ok, "reason": why,
                            "calls": calls, "seconds": round(dt, 3)})
        if not args.adapter:
            shared_dec = ans._dec  # load SmolLM2 once; without an adapter it learns nothing
    if args.out:
        Path(args.out).write_text("".join(json.dumps(x) + "\n" for x in results))

    acc = {c: 100 * np.mean([x["ok"] for x in results if x["category"] == c]) for c in cats}
    n = {c: sum(x["category"] == c for x in results) for c in cats}
    part = {c: [100 * np.mean(v) if (v := [x["ok"] for x in results if x["category"] == c
                                             and (x["id"] in dev) == d]) else float("nan")
                for d in (True, False)] for c in cats}
    ast_mean = float(np.mean([acc[c] for c in AST if c in cats]))
    secs = float(np.mean([x["seconds"] for x in results]))
    lim = f"--limit {args.limit}" if args.limit else "all rows"
    print(f"\nBFCL v4 held-out accuracy ({args.folds}-fold, seed {args.seed}, {lim}"
          f"{', no LM' if args.no_lm else ''})")
    print(f"{'category':<20}{'n':>6}{'acc %':>9}{'dev slice':>11}{'unseen':>9}")
    for c in cats:
        print(f"{c:<20}{n[c]:>6}{acc[c]:>9.2f}{part[c][0]:>11.2f}{part[c][1]:>9.2f}")
    print(f"{'non-live AST (mean)':<20}{'':>6}{ast_mean:>9.2f}"
          f"{np.mean([part[c][0] for c in AST if c in cats]):>11.2f}"
          f"{np.mean([part[c][1] for c in AST if c in cats]):>9.2f}")
    print(f"{'seconds/question':<20}{'':>6}{secs:>9.2f}")
    if args.adapter:
        for k in range(args.folds):
            info = json.loads((Path(args.adapter) / f"fold{k}" / "train_info.json").read_text())
            print(f"adapter fold {k}: {info['examples']} examples, {info['steps']} steps, "
                  f"{info['tokens']} tokens in {info['seconds']} s "
                  f"({info['tokens'] / max(info['seconds'], 1e-9):.0f} tokens/s)")
    print("published non-live AST: " + ", ".join(f"{m} {v:.2f}" for m, v in PUBLISHED.items()))


def fold_decoder(out: Path, train: list[dict], answers: dict, epochs: float, seed: int):
    """The LM decoder with a call adapter trained on `train` (reused when `out` holds one
    trained on the same questions with the same settings)."""
    from loracle.agent.bfcl_adapter import train_ids_hash
    from loracle.agent.bfcl_decode import LMArgDecoder
    info = out / "train_info.json"
    cfg = AdapterConfig(epochs=epochs, seed=seed)
    old = json.loads(info.read_text()) if info.is_file() else {}
    if old.get("train_ids_sha256") != train_ids_hash(train) or old.get("config") != cfg.__dict__:
        got = train_call_adapter(train, answers, out, cfg)
        print(f"call adapter -> {out}: {got['examples']} examples, loss {got['train_loss']:.3f}")
    return LMArgDecoder(adapter=str(out))


if __name__ == "__main__":
    main()
