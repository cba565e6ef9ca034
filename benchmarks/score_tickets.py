"""Score a ticket results file against labels: intent accuracy and reply overlap.

usage: python benchmarks/score_tickets.py RESULTS.json LABELS.jsonl
LABELS rows: {"id", "intent"[, "ideal_reply"]}. Reply overlap is token-level F1
with the ideal reply (a cheap proxy; the challenge uses an LLM judge).
"""
import json
import re
import sys
from collections import Counter


def f1(a: str, b: str) -> float:
    ta, tb = re.findall(r"\w+", a.lower()), re.findall(r"\w+", b.lower())
    common = sum((Counter(ta) & Counter(tb)).values())
    if not ta or not tb or not common:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def main(results_path: str, labels_path: str) -> None:
    res = json.load(open(results_path, encoding="utf-8"))
    labels = {}
    for line in open(labels_path, encoding="utf-8"):
        if line.strip():
            r = json.loads(line)
            labels[r["id"]] = r
    preds = [p for p in res["predictions"] if p["id"] in labels]
    acc = sum(p["predicted_intent"] == labels[p["id"]]["intent"] for p in preds) / len(preds)
    with_reply = [p for p in preds if labels[p["id"]].get("ideal_reply")]
    t = res["training"]
    print(f"rows={len(preds)} intent_accuracy={acc * 100:.2f}%", end="")
    if with_reply:
        rf = sum(f1(p["prediction"], labels[p["id"]]["ideal_reply"]) for p in with_reply)
        print(f" reply_token_f1={rf / len(with_reply):.3f}", end="")
    print(f" steps={t['steps']} train_loss={t['train_loss']} val_loss={t['val_loss']} "
          f"wall_clock_s={t['wall_clock_s']}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
