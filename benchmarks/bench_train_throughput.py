"""Training throughput: loracle's core vs TRL SFTTrainer (default arguments),
same model, data and machine, measured in one run.

usage: python benchmarks/bench_train_throughput.py [--rows 64] [--model embedded:smollm2-135m-instruct]

Both train LoRA r=16 (all-linear) on the same (prompt, completion) pairs built
from data/tickets/train.jsonl for one epoch at batch size 8 with the loss on
completion tokens only. Throughput = non-padding tokens of the data / wall
seconds of the training call. TRL keeps its defaults (gradient checkpointing,
no length grouping); only output/logging/saving are switched off and
use_cpu=True is set (TRL refuses to start on CPU without it).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def pairs(tok, rows: int) -> list[tuple[str, str]]:
    from loracle.config import TicketsConfig
    from loracle.tickets import prompts

    sysmsg = TicketsConfig().system_prompt
    data = [json.loads(l) for l in (ROOT / "data/tickets/train.jsonl").read_text().splitlines()]
    out = []
    while len(out) < rows:
        for r in data:
            out.append((prompts.prompt(tok, sysmsg, r["ticket"]),
                        prompts.completion(r["intent"], r["ideal_reply"])))
    return out[:rows]


def run_ours(path, tok, data) -> tuple[float, int]:
    from loracle import models
    from loracle.train.lora import attach_lora
    from loracle.train.sft import build_example, train_sft

    model = attach_lora(models.load_causal_lm(path), r=16, alpha=32, dropout=0.0,
                        target_modules="all-linear", seed=0)
    exs = [build_example(tok, p, c, 384) for p, c in data]
    t0 = time.perf_counter()
    res = train_sft(model, tok, exs, learning_rate=2e-4, epochs=1, max_steps=0, batch_size=8,
                    warmup_ratio=0.1, weight_decay=0.0, max_grad_norm=1.0, deadline=None, seed=0)
    dt = time.perf_counter() - t0
    return dt, sum(len(e.input_ids) for e in exs)


def run_trl(path, tok, data) -> float:
    from datasets import Dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM
    from trl import SFTConfig, SFTTrainer

    model = AutoModelForCausalLM.from_pretrained(str(path))
    ds = Dataset.from_list([{"prompt": p, "completion": c} for p, c in data])
    with tempfile.TemporaryDirectory() as tmp:
        args = SFTConfig(output_dir=tmp, num_train_epochs=1, per_device_train_batch_size=8,
                         report_to=[], save_strategy="no", logging_strategy="no",
                         disable_tqdm=True, use_cpu=True)  # CPU needs saying; nothing tuned
        tr = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=tok,
                        peft_config=LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0,
                                               target_modules="all-linear", task_type="CAUSAL_LM"))
        t0 = time.perf_counter()
        tr.train()
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=64)
    ap.add_argument("--model", default="embedded:smollm2-135m-instruct")
    args = ap.parse_args()
    from loracle import models
    from loracle.cli import _setup_logging

    _setup_logging()
    path = models.resolve_lm(args.model)
    tok = models.load_tokenizer(path)
    data = pairs(tok, args.rows)
    ours_s, tokens = run_ours(path, tok, data)
    trl_s = run_trl(path, tok, data)
    print(f"rows={args.rows} tokens={tokens} | loracle {ours_s:.1f}s = {tokens / ours_s:.1f} tok/s"
          f" | TRL SFTTrainer defaults {trl_s:.1f}s = {tokens / trl_s:.1f} tok/s"
          f" | ratio {trl_s / ours_s:.2f}x (goal >= 1.5x)")


if __name__ == "__main__":
    main()
