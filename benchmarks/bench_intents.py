"""10-shot intent accuracy on CLINC150 and HWU64 (shared/data), with the floor
measured in the same run.

usage: python benchmarks/bench_intents.py [--data ../shared/data/intents] [--datasets clinc150,hwu64]
                                          [--set key=value ...]

For each dataset: train_10.jsonl -> test.jsonl through the real ticket job
(reply.mode=none, no held-out slice so it is truly 10-shot), scored against
test_labels.jsonl. The floor is frozen MiniLM mean-pooled embeddings +
logistic regression, computed here on the same split.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ANCHORS = {"clinc150": {"USE+ConveRT": 93.26, "ICDA (SOTA)": 94.84, "floor (measured)": 90.11},
           "hwu64": {"USE+ConveRT": 85.83, "ICDA (SOTA)": 87.41, "floor (measured)": 83.55}}


def _labels(path: Path) -> dict[str, str]:
    return {r["id"]: r["intent"] for r in map(json.loads, path.read_text().splitlines())}


def floor(ds: Path) -> float:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from loracle import models
    from loracle.train.classifier import embed

    tok, enc = models.load_encoder(models.resolve_encoder(models.EMBEDDED_ENCODER))
    tr = [json.loads(l) for l in (ds / "train_10.jsonl").read_text().splitlines()]
    te = [json.loads(l) for l in (ds / "test.jsonl").read_text().splitlines()]
    gold = _labels(ds / "test_labels.jsonl")
    Xtr = embed(enc, tok, [r["ticket"] for r in tr], 64).numpy()
    Xte = embed(enc, tok, [r["ticket"] for r in te], 64).numpy()
    clf = LogisticRegression(C=10, max_iter=3000).fit(Xtr, [r["intent"] for r in tr])
    pred = clf.predict(Xte)
    return float(np.mean([p == gold[r["id"]] for p, r in zip(pred, te)]) * 100)


def ours(ds: Path, overrides: list[str]) -> dict:
    from loracle.config import load_config
    from loracle.tickets.job import run

    cfg = load_config(ROOT / "configs" / "tickets.yaml",
                      ["reply.mode=none", "data.val_fraction=0"] + overrides)
    gold = _labels(ds / "test_labels.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        res = run(cfg, str(ds / "train_10.jsonl"), str(ds / "test.jsonl"),
                  os.path.join(tmp, "w"), os.path.join(tmp, "o.json"))
        total = time.monotonic() - t0
    preds = res["predictions"]
    acc = sum(p["predicted_intent"] == gold[p["id"]] for p in preds) / len(preds) * 100
    train_s = res["training"]["wall_clock_s"]
    infer_s = total - train_s
    tokens = sum(p["tokens_used"] for p in preds)
    return {"accuracy": round(acc, 2), "train_s": round(train_s, 1),
            "infer_s": round(infer_s, 1), "infer_tokens_per_s": round(tokens / infer_s, 1),
            "rows": len(preds), "steps": res["training"]["steps"]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "intents"))
    ap.add_argument("--datasets", default="clinc150,hwu64")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--json", help="also write results here")
    args = ap.parse_args()
    from loracle.cli import _setup_logging

    _setup_logging()
    out = {}
    for name in args.datasets.split(","):
        ds = Path(args.data) / name
        r = ours(ds, args.overrides)
        r["floor_measured_now"] = round(floor(ds), 2)
        out[name] = r
        print(f"{name:9s} 10-shot: loracle {r['accuracy']:.2f}%  floor {r['floor_measured_now']:.2f}%  "
              f"| train {r['train_s']}s ({r['steps']} steps)  infer {r['infer_s']}s for "
              f"{r['rows']} rows = {r['infer_tokens_per_s']} tokens/s  | anchors "
              + ", ".join(f"{k} {v}" for k, v in ANCHORS[name].items()), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
