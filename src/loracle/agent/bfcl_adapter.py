"""A LoRA "call adapter" for the BFCL argument decoder: SmolLM2 fine-tuned on the training
questions' ground-truth calls, written exactly as the decoder reads and continues them
(`get_weather(city="Paris", days=3), get_weather(city="Rome", days=3)` after the same chat
prompt). The decoder keeps every constraint (copy spans, number and enum grammars); the
adapter only moves the LM's logits towards the values a ground-truth call takes. Loss covers
the call text only (train/sft.py). Measured effect and cost: docs/agent.md ("Call adapter").
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from loracle.agent.bfcl_values import _params
from loracle.io import atomic_write_text, sha256_bytes


@dataclass
class AdapterConfig:
    """Hyper-parameters of the call adapter (HF names)."""
    lora_r: int = 8
    """LoRA rank."""
    lora_alpha: int = 16
    """LoRA scaling numerator (scale = lora_alpha / lora_r)."""
    target_modules: str = "q_proj,k_proj,v_proj,o_proj"
    """Comma-separated module names, or "all-linear"."""
    learning_rate: float = 3e-4
    """AdamW peak learning rate (5% warmup, then linear decay)."""
    epochs: float = 2.0
    """Passes over the examples; 2 is the measured configuration (docs/agent.md)."""
    batch_size: int = 4
    """Examples per step, batched by length."""
    max_len: int = 768
    """Tokens per example; longer prompts lose their start (the signature's head)."""
    max_examples: int = 0
    """Train on the first N examples of a seeded shuffle (0 = all): a CPU budget knob."""
    seed: int = 0
    """Seeds the example shuffle, the LoRA init and the batch order."""


def gold_args(function: dict, call: dict, question: str) -> dict:
    """One ground-truth call as the decoder would write it: params in signature order, each
    with the first accepted value the question states verbatim, else the first accepted
    value ("Boston, MA" before "Boston, Massachusetts" when the question says "Boston, MA":
    the decoder copies); params whose only accepted value is "" (leave it out) are left
    out."""
    props, _ = _params(function)
    out = {}
    for p in props:
        vals = [v for v in call.get(p, []) if v != ""]
        if not vals:
            continue
        stated = [v for v in vals if isinstance(v, str) and v in question]
        out[p] = stated[0] if stated else vals[0]
    return out


def call_examples(questions: list[dict], answers: dict[str, dict]) -> list[tuple[str, dict, str]]:
    """(question, function, completion) for every function a training question calls: all
    of its calls in ground-truth order, as one comma-separated continuation."""
    from loracle.agent.bfcl import question_text
    from loracle.agent.bfcl_lm import call_text
    out = []
    for row in questions:
        gt = answers.get(row["id"], {}).get("ground_truth", [])
        q = question_text(row)
        for f in row["function"]:
            calls = [c[f["name"]] for c in gt if f["name"] in c]
            if calls:
                text = ", ".join(f"{f['name']}({call_text(gold_args(f, c, q))})" for c in calls)
                out.append((q, f, text))
    return out


def train_ids_hash(questions: list[dict]) -> str:
    """Which questions an adapter saw: a reused adapter must have seen the same ones."""
    ids = "\n".join(sorted(r["id"] for r in questions))
    return sha256_bytes(ids.encode())


def train_call_adapter(questions: list[dict], answers: dict[str, dict],
                       out_dir: str | os.PathLike, cfg: AdapterConfig | None = None,
                       model: str = "embedded:smollm2-135m-instruct") -> dict:
    """Fit the adapter on the questions' ground truth and save a PEFT adapter directory
    (loadable by PeftModel.from_pretrained) with a train_info.json; returns that info."""
    import numpy as np

    from loracle import models
    from loracle.agent.bfcl_lm import prompt_text
    from loracle.seeding import seed_everything
    from loracle.train.lora import attach_lora
    from loracle.train.sft import build_example, train_sft

    cfg = cfg or AdapterConfig()
    seed_everything(cfg.seed)
    path = models.resolve_lm(model)
    tok = models.load_tokenizer(path)
    lm = models.load_causal_lm(path, dtype="float32")
    rows = call_examples(questions, answers)
    order = np.random.default_rng(cfg.seed).permutation(len(rows))
    if cfg.max_examples:
        order = order[:cfg.max_examples]
    examples = [build_example(tok, prompt_text(tok, f, q), text, cfg.max_len)
                for q, f, text in (rows[i] for i in order)]
    peft_model = attach_lora(lm, r=cfg.lora_r, alpha=cfg.lora_alpha, dropout=0.0,
                             target_modules=cfg.target_modules, seed=cfg.seed)
    res = train_sft(peft_model, tok, examples, learning_rate=cfg.learning_rate,
                    epochs=cfg.epochs, max_steps=0, batch_size=cfg.batch_size,
                    warmup_ratio=0.05, weight_decay=0.0, max_grad_norm=1.0, deadline=None,
                    seed=cfg.seed)
    out = Path(out_dir)
    peft_model.save_pretrained(str(out))
    # PEFT writes target_modules in set order (it varies with PYTHONHASHSEED) and the local
    # cache path of the base: the config must not depend on either (the weights are
    # byte-identical for the same seed on one machine and thread count, CPU-NOTES.md).
    conf_path = out / "adapter_config.json"
    conf = json.loads(conf_path.read_text())
    conf["target_modules"] = sorted(conf["target_modules"])
    conf["base_model_name_or_path"] = model
    atomic_write_text(conf_path, json.dumps(conf, indent=2, sort_keys=True) + "\n")
    (out / "README.md").unlink(missing_ok=True)  # PEFT's empty model-card template
    info = {"train_ids_sha256": train_ids_hash(questions), "examples": len(examples),
            "steps": res.steps, "train_loss": res.train_loss, "tokens": res.tokens,
            "seconds": round(res.seconds, 1), "config": cfg.__dict__, "base": model}
    # Written last and atomically: bench_bfcl reuses a dir only when this file names it.
    atomic_write_text(out / "train_info.json", json.dumps(info, indent=1) + "\n")
    return info
