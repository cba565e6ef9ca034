"""A value that ends with another parameter's value has taken too much: "Find the Queen of
Hearts in the deck" gave `rank="Queen of Hearts"` beside `suit="Hearts"`, and "Messi's
performance in La Liga 2020-2021" `tournament="La Liga 2020-2021"` beside
`season="2020-2021"`. The copy decoder ends a value at a word boundary, not where the next
parameter's value starts. Dev ground truth: of the calls whose string value ends with
another string parameter's value of the same call ("Golden Gate Bridge in San Francisco"
beside "San Francisco"), every one also accepts the value without that tail. A slash is no
separator ("Asia/Tokyo" beside "Tokyo" is one time zone). docs/agent.md ("A value that
ends with another parameter's value").
"""
from __future__ import annotations

import re

# What joins a value to a tail that is another parameter's value: a comma, or a space with
# an optional preposition ("Queen of Hearts", "Paris, France", "La Liga 2020-2021").
_JOIN = r"(?:\s*,\s*|\s+(?:(?:of|in|at|for|on|from)\s+)?)"
_LINKS = frozenset("of in at for on from the an".split())


def without_held_tails(args: dict) -> dict:
    """The call with each string value's tail cut where that tail is another string
    parameter's whole value (what is left must keep a word other than a preposition)."""
    held = [v for v in args.values() if isinstance(v, str) and len(v) > 1]
    out = dict(args)
    for p, v in args.items():
        if not isinstance(v, str):
            continue
        for w in held:
            m = re.search(_JOIN + re.escape(w) + r"$", v, re.I) if w != v else None
            if m and set(re.findall(r"\w\w+", v[:m.start()].lower())) - _LINKS:
                out[p] = v[:m.start()]
                break
    return out
