"""Few-shot intent classifier: a LoRA-tuned sentence encoder plus a linear head.

Stage 1 (contrastive, SetFit-like): each step samples up to ``batch_size``
distinct intents, two tickets of each, and pulls same-intent pairs together
with a symmetric in-batch InfoNCE loss (the objective MiniLM was pre-trained
with, so a few hundred steps reshape the space without wrecking it).
Stage 2: a multinomial logistic-regression head on the tuned, L2-normalised
embeddings (deterministic lbfgs), stored as a plain linear layer.

Measured on the 10-shot CLINC150/HWU64 splits (benchmarks/bench_intents.py):
cross-entropy fine-tuning of the same encoder did not beat frozen embeddings,
the contrastive stage does. See docs/intent-classifier.md.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from ..seeding import torch_generator
from .lora import attach_lora
from .loop import LoopResult, run_loop

HEAD_FILE = "classifier_head.safetensors"
LABELS_FILE = "labels.json"
ENCODER_TARGETS = "query,key,value,dense"


def mean_pool(model, tok, texts: list[str], max_len: int) -> torch.Tensor:
    dev = next(p.device for p in model.parameters())
    b = tok(texts, padding=True, truncation=True, max_length=max_len, return_tensors="pt")
    b = {k: v.to(dev) for k, v in b.items()}
    h = model(**b).last_hidden_state
    m = b["attention_mask"].unsqueeze(-1).to(h.dtype)
    return F.normalize((h * m).sum(1) / m.sum(1).clamp(min=1), dim=-1)


@torch.no_grad()
def embed(model, tok, texts: list[str], max_len: int, batch_size: int = 64) -> torch.Tensor:
    """Embeddings in input order; batches are formed by length to cut padding."""
    model.eval()
    order = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))
    out = torch.empty((len(texts), model.config.hidden_size))
    for s in range(0, len(order), batch_size):
        idx = order[s:s + batch_size]
        out[idx] = mean_pool(model, tok, [texts[i] for i in idx], max_len).float().cpu()
    return out


def pair_batches(labels: list[int], batch_size: int, seed: int, epoch: int,
                 steps: int) -> list[list[tuple[int, int]]]:
    """``steps`` batches of (anchor, positive) index pairs from distinct intents."""
    g = torch_generator(seed * 7919 + epoch)
    by: dict[int, list[int]] = {}
    for i, y in enumerate(labels):
        by.setdefault(y, []).append(i)
    classes = sorted(by)
    k = min(batch_size, len(classes))
    plan = []
    for _ in range(steps):
        pick = torch.randperm(len(classes), generator=g)[:k].tolist()
        batch = []
        for c in pick:
            members = by[classes[c]]
            if len(members) == 1:
                batch.append((members[0], members[0]))
                continue
            a, p = torch.randperm(len(members), generator=g)[:2].tolist()
            batch.append((members[a], members[p]))
        plan.append(batch)
    return plan


@dataclass
class IntentClassifier:
    encoder: torch.nn.Module  # PeftModel over the base encoder
    tok: object
    labels: list[str]
    weight: torch.Tensor  # (n_labels, hidden)
    bias: torch.Tensor  # (n_labels,)
    max_len: int

    def embed(self, texts: list[str], batch_size: int = 64) -> torch.Tensor:
        return embed(self.encoder, self.tok, texts, self.max_len, batch_size)

    def proba_from_embeddings(self, emb: torch.Tensor) -> torch.Tensor:
        return torch.softmax(emb @ self.weight.T + self.bias, dim=-1)

    def save(self, out_dir: str | Path) -> None:
        from safetensors.torch import save_file

        out = Path(out_dir)
        self.encoder.save_pretrained(str(out))
        save_file({"weight": self.weight.contiguous(), "bias": self.bias.contiguous()},
                  str(out / HEAD_FILE))
        (out / LABELS_FILE).write_text(json.dumps(self.labels, indent=1) + "\n")

    @classmethod
    def load(cls, adapter_dir: str | Path, base_path: str | Path, max_len: int):
        from peft import PeftModel
        from safetensors.torch import load_file

        from ..models import load_encoder

        tok, base = load_encoder(Path(base_path))
        enc = PeftModel.from_pretrained(base, str(adapter_dir))
        head = load_file(str(Path(adapter_dir) / HEAD_FILE))
        labels = json.loads((Path(adapter_dir) / LABELS_FILE).read_text())
        return cls(enc.eval(), tok, labels, head["weight"], head["bias"], max_len)


def fit_head(emb: np.ndarray, y: np.ndarray, n_labels: int, C: float = 10.0):
    """Multinomial logistic regression -> (weight, bias) tensors over all labels."""
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit(emb, y)
    W = np.zeros((n_labels, emb.shape[1]), dtype=np.float32)
    b = np.full((n_labels,), -1e4, dtype=np.float32)  # labels absent from the fit never win
    W[clf.classes_] = clf.coef_
    b[clf.classes_] = clf.intercept_
    return torch.from_numpy(W), torch.from_numpy(b)


def train_classifier(tok, base_encoder, texts: list[str], labels: list[str], taxonomy: list[str],
                     *, steps: int, batch_size: int, learning_rate: float, lora_r: int,
                     lora_alpha: int, scale: float, head_c: float, max_len: int,
                     deadline: float | None, seed: int) -> tuple[IntentClassifier, LoopResult]:
    index = {l: i for i, l in enumerate(taxonomy)}
    y = [index[l] for l in labels]
    enc = attach_lora(base_encoder, r=lora_r, alpha=lora_alpha, dropout=0.0,
                      target_modules=ENCODER_TARGETS, seed=seed, task_type=None)

    def step(batch: list[tuple[int, int]]):
        a = [texts[i] for i, _ in batch]
        p = [texts[j] for _, j in batch]
        e = mean_pool(enc, tok, a + p, max_len)
        ea, ep = e[:len(a)], e[len(a):]
        sim = scale * ea @ ep.T
        tgt = torch.arange(len(a), device=sim.device)
        loss = (F.cross_entropy(sim, tgt) + F.cross_entropy(sim.T, tgt)) / 2
        return loss, len(a) + len(p)

    n_classes = len(set(y))
    per_epoch = max(1, math.ceil(len(texts) / (2 * min(batch_size, n_classes))))
    params = [{"params": [p for p in enc.parameters() if p.requires_grad], "lr": learning_rate}]
    enc.train()
    res = run_loop(params=params, step_fn=step,
                   plan_fn=lambda ep: pair_batches(y, batch_size, seed, ep, per_epoch),
                   steps_per_epoch=per_epoch, epochs=math.ceil(steps / per_epoch),
                   max_steps=steps, warmup_ratio=0.1, weight_decay=0.01, max_grad_norm=1.0,
                   deadline=deadline, desc="intent-encoder")
    enc.eval()
    emb = embed(enc, tok, texts, max_len).numpy()
    W, b = fit_head(emb, np.array(y), len(taxonomy), head_c)
    return IntentClassifier(enc, tok, list(taxonomy), W, b, max_len), res
