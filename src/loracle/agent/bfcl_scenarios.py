"""One call per scenario sentence: "In the first round, the car ... accelerates at 5 m/s^2
for 10 seconds. In the second round, the car starts with 10 m/s and accelerates at 7 m/s^2
for 8 seconds. ..." The list decoder (bfcl_lists) and the enumeration rule read each call
from the whole question, and the 135M model often takes a number from the wrong sentence
(the first round's time from "^2", a fund's years from the other fund). When the question
has exactly as many sentences that each state (in digits) all of a function's required
numbers as the answerer has calls for it, call i takes its required numbers from sentence i
alone, decoded with the earlier calls in the prompt. Strings and optional values stay as
they were, except a required string stated only in another call's sentence.

Dev ground truth (parallel, functions with at least two required numbers and at least two
such sentences): 33 have as many calls as sentences, 29 of them with every required number
of call i in sentence i. Held out, on the 75 dev questions whose answer calls a function at
least twice and has two such sentences: 6 fixed, 0 broken (with one required number
enough, 3 more broken: "5 bins each" is no scenario). docs/agent.md ("One call per
scenario sentence")."""
from __future__ import annotations

import re

from loracle.agent.bfcl_values import _params, number_spans

# A sentence ends at . ? ! ; and space, but not after an abbreviation ("Apple Inc. (AAPL)",
# "Washington D.C. and").
_END = re.compile(r"(?<!\bInc)(?<!\bCo)(?<!\bCorp)(?<!\bLtd)(?<!\bDr)(?<!\bMr)(?<!\bMrs)"
                  r"(?<!\bMs)(?<!\bSt)(?<!\bvs)(?<!\bNo)(?<!\bU\.S)(?<!\be\.g)(?<!\bi\.e)"
                  r"(?<!\bD\.C)(?:[.?!;]\s+|:\s+(?=[A-Z]))")
# "1. What is ..." numbers the question's items; it states no value.
_ITEM_NUMBER = re.compile(r"(?m)^\s*\d+[.)]\s")
_ANY_NUMBER = {"type": "float"}


def _required_numbers(function: dict) -> list[str]:
    """The function's required integer and float parameters."""
    props, req = _params(function)
    return [p for p in req if props.get(p, {}).get("type") in ("integer", "float")]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the text's sentences."""
    cuts = [0] + [m.end() for m in _END.finditer(text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [len(text)]) if text[a:b].strip()]


def scenario_spans(question: str, function: dict,
                   region: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The sentences (within `region`, the function's clauses, when given) that state at
    least as many numbers as the function has required numeric parameters; none when it
    has no such parameter."""
    need = len(_required_numbers(function))
    if need < 2:  # one number per sentence says little (a "5 bins each" sentence)
        return []
    items = {i for m in _ITEM_NUMBER.finditer(question) for i in range(m.start(), m.end())}
    # Written numbers only: "four individuals" counts the scenarios, it states no value.
    starts = {a for a, b, _ in number_spans(question, _ANY_NUMBER)
              if a not in items and any(c.isdigit() for c in question[a:b])}
    out = []
    for a, b in sentence_spans(question):
        if region:  # the part of the sentence inside the function's clauses
            parts = [(max(a, lo), min(b, hi)) for lo, hi in region if lo < b and a < hi]
            if not parts:
                continue
            a, b = parts[0][0], parts[-1][1]
        if sum(a <= s < b for s in starts) >= need:
            out.append((a, b))
    return out


def by_scenario(dec, question: str, function: dict, many: list[dict],
                region: list[tuple[int, int]] | None = None) -> list[dict]:
    """The calls with their required numbers decoded again, call i's from the i-th scenario
    sentence, when there are as many such sentences as calls."""
    spans = scenario_spans(question, function, region)
    if len(many) < 2 or len(spans) != len(many):
        return many
    props, req = _params(function)
    numeric = _required_numbers(function)
    strings = [p for p in req if props.get(p, {}).get("type") == "string"]
    texts = [question[a:b].lower() for a, b in spans]
    out: list[dict] = []
    for i, (call, span) in enumerate(zip(many, spans)):
        # The earlier calls are in the prompt (the model knows which call it writes), but
        # where their values stood must not filter this one's: the sentence does.
        if hasattr(dec, "positions"):
            dec.positions = {}
        new = dec(question, function, prev=out or None, region=[span])
        take = [p for p in numeric if p in new]
        # A string stated only in another scenario's sentence, where the new one is stated in
        # this call's own ("$8000 in Microsoft ... $10000 in Amazon": not Microsoft twice).
        own, others = texts[i], texts[:i] + texts[i + 1:]
        take += [p for p in strings if isinstance(call.get(p), str) and isinstance(
            new.get(p), str) and call[p].lower() not in own and new[p].lower() in own
            and any(call[p].lower() in o for o in others)]
        out.append({**call, **{p: new[p] for p in take}})
    return out
