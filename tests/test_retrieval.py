"""Nearest-reply lookup: same intent first, leave-one-out, graceful without replies."""
from __future__ import annotations

import torch

from loracle.tickets.data import Ticket
from loracle.tickets.retrieval import nearest_replies


def _pool():
    pool = [Ticket("a", "t", "x", "reply-a"), Ticket("b", "t", "x", "reply-b"),
            Ticket("c", "t", "y", "reply-c"), Ticket("d", "t", "y", None)]
    emb = torch.nn.functional.normalize(torch.tensor(
        [[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]]), dim=-1)
    return pool, emb


def test_prefers_same_intent_even_if_less_similar():
    pool, emb = _pool()
    q = torch.nn.functional.normalize(torch.tensor([[0.0, 1.0]]), dim=-1)
    assert nearest_replies(pool, emb, q, ["x"]) == ["reply-b"]  # nearest x, not nearest overall
    assert nearest_replies(pool, emb, q, ["y"]) == ["reply-c"]


def test_leave_one_out_never_returns_own_reply():
    pool, emb = _pool()
    out = nearest_replies(pool, emb, emb[:3], ["x", "x", "y"], ["a", "b", "c"])
    assert out[0] == "reply-b" and out[1] == "reply-a"
    assert out[2] in ("reply-a", "reply-b")  # c is the only y with a reply: fall back to any


def test_unknown_intent_falls_back_and_no_replies_gives_none():
    pool, emb = _pool()
    q = emb[:1]
    assert nearest_replies(pool, emb, q, ["zzz"]) == ["reply-a"]
    bare = [Ticket(t.id, t.ticket, t.intent, None) for t in pool]
    assert nearest_replies(bare, emb, q, ["x"]) == [None]


def test_clean_reply_drops_a_second_intent_block():
    from loracle.tickets.prompts import clean_reply

    assert clean_reply("Sure, go to Settings. Intent: api.rate_limit Reply: more") == \
        "Sure, go to Settings."
    assert clean_reply("Intent: backup Reply: Settings → Data → Export.") == \
        "Settings → Data → Export."
    assert clean_reply("  Plain reply.  ") == "Plain reply."
