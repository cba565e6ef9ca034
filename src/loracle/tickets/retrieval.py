"""Nearest-reply lookup over train tickets (cosine similarity of tuned encoder embeddings)."""
from __future__ import annotations

import torch

from .data import Ticket


def nearest_replies(pool: list[Ticket], pool_emb: torch.Tensor, query_emb: torch.Tensor,
                    intents: list[str | None], exclude_ids: list[str | None] | None = None
                    ) -> list[str | None]:
    """For each query, the ideal_reply of the most similar pool ticket with the same
    intent (any intent when that intent has no reply); None when the pool has none.

    ``exclude_ids`` drops a query's own row (leave-one-out when building
    training prompts, so the model never sees its own answer as the reference).
    """
    has = torch.tensor([bool(t.ideal_reply) for t in pool])
    if not bool(has.any()):
        return [None] * len(intents)
    sims = query_emb @ pool_emb.T
    out: list[str | None] = []
    for i, intent in enumerate(intents):
        ok = has.clone()
        if exclude_ids is not None and exclude_ids[i] is not None:
            ok &= torch.tensor([t.id != exclude_ids[i] for t in pool])
        same = ok & torch.tensor([t.intent == intent for t in pool])
        mask = same if bool(same.any()) else ok
        if not bool(mask.any()):
            out.append(None)
            continue
        s = sims[i].masked_fill(~mask, -2.0)
        out.append(pool[int(s.argmax())].ideal_reply)
    return out
