"""Supervised fine-tuning of a causal LM on (prompt, completion) pairs.

The loss covers completion tokens only: prompt positions get label -100, so
the model is never trained to reproduce the ticket or the system prompt
(tests/test_sft.py checks the mask token by token).
"""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import torch

from .loop import LoopResult, length_batches, run_loop

log = logging.getLogger("loracle")
IGNORE = -100


@dataclass
class Example:
    input_ids: list[int]
    labels: list[int]


def build_example(tok, prompt: str, completion: str, max_len: int) -> Example:
    """Tokenize prompt and completion separately so the boundary is exact.

    If too long, the prompt is cut from the left (keeping the end of the ticket
    and the assistant header) and the completion is kept whole where possible.
    """
    p = tok(prompt, add_special_tokens=False)["input_ids"]
    c = tok(completion, add_special_tokens=False)["input_ids"]
    if tok.eos_token_id is not None and (not c or c[-1] != tok.eos_token_id):
        c = c + [tok.eos_token_id]
    if len(c) > max_len - 8:
        c = c[: max_len - 8]
    if len(p) + len(c) > max_len:
        p = p[len(p) + len(c) - max_len:]
    return Example(input_ids=p + c, labels=[IGNORE] * len(p) + c)


def collate(examples: list[Example], pad_id: int, device) -> dict[str, torch.Tensor]:
    n = max(len(e.input_ids) for e in examples)
    ids = torch.full((len(examples), n), pad_id, dtype=torch.long)
    lab = torch.full((len(examples), n), IGNORE, dtype=torch.long)
    att = torch.zeros((len(examples), n), dtype=torch.long)
    for i, e in enumerate(examples):
        L = len(e.input_ids)
        ids[i, :L] = torch.tensor(e.input_ids)
        lab[i, :L] = torch.tensor(e.labels)
        att[i, :L] = 1
    return {"input_ids": ids.to(device), "labels": lab.to(device), "attention_mask": att.to(device)}


def completion_loss(model, batch: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mean next-token cross-entropy over completion tokens of the batch."""
    out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
    logits = out.logits[:, :-1, :].float()
    target = batch["labels"][:, 1:]
    return torch.nn.functional.cross_entropy(
        logits.reshape(-1, logits.size(-1)), target.reshape(-1), ignore_index=IGNORE)


def train_sft(model, tok, examples: list[Example], *, learning_rate: float, epochs: float,
              max_steps: int, batch_size: int, warmup_ratio: float, weight_decay: float,
              max_grad_norm: float, deadline: float | None, seed: int) -> LoopResult:
    dev = next(p.device for p in model.parameters())
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    model.train()

    def step(idx: list[int]):
        batch = collate([examples[i] for i in idx], pad, dev)
        return completion_loss(model, batch), int(batch["attention_mask"].sum())

    params = [{"params": [p for p in model.parameters() if p.requires_grad], "lr": learning_rate}]
    lengths = [len(e.input_ids) for e in examples]
    res = run_loop(params=params, step_fn=step,
                   plan_fn=lambda ep: length_batches(lengths, batch_size, seed, ep),
                   steps_per_epoch=math.ceil(len(examples) / batch_size), epochs=epochs,
                   max_steps=max_steps, warmup_ratio=warmup_ratio, weight_decay=weight_decay,
                   max_grad_norm=max_grad_norm, deadline=deadline, desc="lm-sft")
    model.eval()
    return res


@torch.no_grad()
def eval_loss(model, tok, examples: list[Example], batch_size: int = 8) -> float | None:
    """Token-weighted mean completion loss over examples (None if there are none)."""
    if not examples:
        return None
    dev = next(p.device for p in model.parameters())
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    model.eval()
    total, count = 0.0, 0
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].input_ids))
    for i in range(0, len(order), batch_size):
        batch = collate([examples[j] for j in order[i:i + batch_size]], pad, dev)
        n = int((batch["labels"][:, 1:] != IGNORE).sum())
        total += float(completion_loss(model, batch)) * n
        count += n
    return total / max(count, 1)
