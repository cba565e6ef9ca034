"""Label scoring with a causal LM: the intent is always a member of the taxonomy.

For each ticket, every candidate completion ``"Intent: <label>"`` is scored by
its mean token log-probability under the (fine-tuned) model; a softmax over
the labels gives a confidence. Prompt and candidates are scored in one batch
per ticket. Cost is one forward per (ticket, label) pair, which is fine for
tens of labels on a GPU; on CPU at scale the encoder classifier is the
default (see docs/intent-classifier.md).
"""
from __future__ import annotations

import torch


@torch.no_grad()
def score_labels(model, tok, prompt: str, candidates: list[str]) -> tuple[torch.Tensor, int]:
    """Return (mean log-prob per candidate, tokens processed)."""
    dev = next(p.device for p in model.parameters())
    p_ids = tok(prompt, add_special_tokens=False)["input_ids"]
    c_ids = [tok(c, add_special_tokens=False)["input_ids"] for c in candidates]
    n = len(p_ids) + max(len(c) for c in c_ids)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    ids = torch.full((len(c_ids), n), pad, dtype=torch.long)
    att = torch.zeros((len(c_ids), n), dtype=torch.long)
    for i, c in enumerate(c_ids):
        seq = p_ids + c
        ids[i, :len(seq)] = torch.tensor(seq)
        att[i, :len(seq)] = 1
    logits = model(input_ids=ids.to(dev), attention_mask=att.to(dev)).logits.float()
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    scores = []
    for i, c in enumerate(c_ids):
        start = len(p_ids) - 1
        tgt = torch.tensor(c, device=logp.device)
        lp = logp[i, start:start + len(c)].gather(-1, tgt.unsqueeze(-1)).squeeze(-1)
        scores.append(lp.mean())
    return torch.stack(scores).cpu(), int(att.sum())
