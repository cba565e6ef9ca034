"""One plain training loop shared by every trainer in loracle.

Why not transformers' Trainer/TRL: on 2 CPU cores its defaults (gradient
checkpointing, per-step bookkeeping) cost ~40% throughput (see
benchmarks/bench_train_throughput.py). This loop does AdamW + warmup/linear
decay + clipping, batches by length, respects a wall-clock deadline between
steps, and is byte-reproducible for a fixed seed.
"""
from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import torch
from tqdm.auto import tqdm

from ..seeding import torch_generator


@dataclass
class LoopResult:
    steps: int
    train_loss: float | None  # mean loss over the last epoch's steps (or all if < 1 epoch)
    stopped_by_deadline: bool
    seconds: float
    tokens: int


def progress(total: int, desc: str, unit: str):
    """A tqdm bar that stays quiet in logs: redraws at most every 30 s off a TTY."""
    tty = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, unit=unit, dynamic_ncols=True, leave=False,
                mininterval=0.2 if tty else 30.0)


def length_batches(lengths: Sequence[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Seeded batches of similar length: shuffle, sort inside large chunks, shuffle batches.

    Padding waste drops several-fold versus random batches while the order stays
    random across epochs and identical for the same seed.
    """
    g = torch_generator(seed * 1009 + epoch)
    order = torch.randperm(len(lengths), generator=g).tolist()
    chunk = batch_size * 16
    batches: list[list[int]] = []
    for i in range(0, len(order), chunk):
        part = sorted(order[i:i + chunk], key=lambda j: (lengths[j], j))
        batches.extend(part[k:k + batch_size] for k in range(0, len(part), batch_size))
    perm = torch.randperm(len(batches), generator=g).tolist()
    return [batches[p] for p in perm]


def run_loop(*, params: Iterable[dict], step_fn: Callable[[Any], tuple[torch.Tensor, int]],
             plan_fn: Callable[[int], list[Any]], steps_per_epoch: int, epochs: float,
             max_steps: int, warmup_ratio: float, weight_decay: float, max_grad_norm: float,
             deadline: float | None, desc: str) -> LoopResult:
    """Train. ``plan_fn(epoch)`` lists that epoch's batches (seeded by the caller);
    ``step_fn(batch) -> (loss, tokens)`` computes the loss of one batch.

    ``deadline`` is a ``time.monotonic()`` value; the loop stops before a step
    that would start after it, so a budget overrun is at most one step.
    """
    groups = [g for g in params if any(p.requires_grad for p in g["params"])]
    all_params = [p for g in groups for p in g["params"]]
    opt = torch.optim.AdamW(groups, weight_decay=weight_decay)
    total = max(1, math.ceil(steps_per_epoch * epochs))
    if max_steps:
        total = min(total, max_steps)
    warm = max(1, int(round(total * warmup_ratio))) if warmup_ratio > 0 else 0

    def lr_lambda(s: int) -> float:
        if warm and s < warm:
            return (s + 1) / warm
        return max(0.0, (total - s) / max(1, total - warm))

    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_lambda)
    t0 = time.monotonic()
    steps, tokens, stopped = 0, 0, False
    epoch_losses: list[float] = []
    bar = progress(total, desc, "step")
    epoch = 0
    while steps < total and not stopped:
        epoch_losses = []
        for idx in plan_fn(epoch):
            if steps >= total:
                break
            if deadline is not None and time.monotonic() >= deadline:
                stopped = True
                break
            loss, ntok = step_fn(idx)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(all_params, max_grad_norm)
            opt.step()
            sched.step()
            steps += 1
            tokens += ntok
            epoch_losses.append(float(loss.detach()))
            bar.update(1)
            bar.set_postfix(loss=f"{epoch_losses[-1]:.3f}", refresh=False)
        epoch += 1
    bar.close()
    mean = sum(epoch_losses) / len(epoch_losses) if epoch_losses else None
    return LoopResult(steps=steps, train_loss=mean, stopped_by_deadline=stopped,
                      seconds=time.monotonic() - t0, tokens=tokens)
