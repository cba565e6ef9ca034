"""End-to-end budget check: a 770-row train / 3,080-row val run on 2 CPU cores.

usage: python benchmarks/bench_budget.py [--data ../shared/data/intents/clinc150] [--intents 77]

Builds a run of the release-check's shape from development data (77 CLINC150
intents x 10 shots = 770 train rows; 3,080 val rows from their test+valid
rows), runs `python run.py ... --set reply.mode=retrieve` as a subprocess
(process start and model loading included) and reports wall-clock and
accuracy. Then measures reply generation throughput separately on a few rows.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _read(p: Path) -> list[dict]:
    return [json.loads(l) for l in p.read_text().splitlines() if l.strip()]


def build(ds: Path, n_intents: int, out: Path) -> dict[str, str]:
    train = _read(ds / "train_10.jsonl")
    keep = sorted({r["intent"] for r in train})[:n_intents]
    keep_set = set(keep)
    tr = [r for r in train if r["intent"] in keep_set]
    gold = {}
    val = []
    for split in ("test", "valid"):
        labels = {r["id"]: r["intent"] for r in _read(ds / f"{split}_labels.jsonl")}
        for r in _read(ds / f"{split}.jsonl"):
            if labels[r["id"]] in keep_set:
                val.append({"id": r["id"], "ticket": r["ticket"]})
                gold[r["id"]] = labels[r["id"]]
    val = val[: 40 * n_intents]
    (out / "train.jsonl").write_text("".join(json.dumps(r) + "\n" for r in tr))
    (out / "val.jsonl").write_text("".join(json.dumps(r) + "\n" for r in val))
    return {r["id"]: gold[r["id"]] for r in val}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(ROOT.parent / "shared/data/intents/clinc150"))
    ap.add_argument("--intents", type=int, default=77)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        gold = build(Path(args.data), args.intents, t)
        n_train = len((t / "train.jsonl").read_text().splitlines())
        cmd = [sys.executable, str(ROOT / "run.py"), "--train", str(t / "train.jsonl"),
               "--val", str(t / "val.jsonl"), "--weights", str(t / "w"), "--output",
               str(t / "o.json"), "--set", "reply.mode=retrieve"]
        t0 = time.monotonic()
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        wall = time.monotonic() - t0
        res = json.loads((t / "o.json").read_text())
        preds = res["predictions"]
        acc = sum(p["predicted_intent"] == gold[p["id"]] for p in preds) / len(preds) * 100
        print(f"budget run: {n_train} train / {len(preds)} val rows, reply.mode=retrieve: "
              f"end-to-end {wall:.1f}s (limit 900s), training {res['training']['wall_clock_s']}s, "
              f"accuracy {acc:.2f}% on CLINC150 {args.intents}-intent subset", flush=True)

        # Reply generation throughput, measured separately (embedded SmolLM2, greedy).
        sys.path.insert(0, str(ROOT / "src"))
        from loracle import models
        from loracle.infer.generate import generate_greedy
        from loracle.tickets import prompts

        path = models.resolve_lm(models.EMBEDDED_LM)
        tok = models.load_tokenizer(path)
        lm = models.load_causal_lm(path)
        rows = [json.loads(l) for l in (t / "val.jsonl").read_text().splitlines()[:16]]
        ps = [prompts.prompt(tok, "You are a support agent.", r["ticket"]) +
              prompts.reply_prefix("x") for r in rows]
        for bs in (1, 8):
            t0 = time.perf_counter()
            gens = generate_greedy(lm, tok, ps[: max(bs, 4)], max_new_tokens=48, batch_size=bs)
            dt = time.perf_counter() - t0
            new = sum(g.new_tokens for g in gens)
            print(f"generation (batch {bs}): {new} new tokens in {dt:.1f}s = {new / dt:.1f} tok/s")


if __name__ == "__main__":
    main()
