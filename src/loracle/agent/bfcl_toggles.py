"""A flag said one way and then the other: one call per saying.

"The process is isothermal ... What if the process is not isothermal?" asks for two calls
that differ only in `isothermal`: True, then False. "I would also like to know the verdict
details for this case ... I do not need the verdict details for this case" sets
`with_verdict` per call of an enumeration. A mention is a run of words holding every word
of the flag's name (less filler such as "include"); it is negated when "not", "without",
"no" or "n't" stands in the four words before it. Only a flag mentioned both ways fires: on
the dev questions (all five categories) that is 4 functions, each called twice in the
ground truth. Measured effect: docs/agent.md ("Rule notes").
"""
from __future__ import annotations

import re

from loracle.agent.bfcl_decode import _FLAG_FILLER, flag_asked
from loracle.agent.bfcl_values import _params, _words

# Name words that say nothing about what the flag is ("include_human_impact": the human
# impact): the decoder's flag filler, plus "apply" ("standardization applied").
_FILLER = _FLAG_FILLER | {"apply"}
_NEG = re.compile(r"\b(?:not|without|no|never)\b|n't\b", re.I)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_LABEL = re.compile(r"\bNo\.?\s*(?=\d)")  # "Case No 28473": a number, not a "no"


def mentions(question: str, param: str) -> list[bool]:
    """Each mention of the flag, in question order: True when said, False when negated."""
    name = _words(param) - _FILLER
    if not name:
        return []
    words = [m.group() for m in _WORD.finditer(_LABEL.sub("number ", question))]
    out, i = [], 0
    while i < len(words):
        for n in range(1, 5):  # the shortest run from word i that holds the whole name
            run = words[i:i + n]
            if len(run) < n or not _words(run[0]) & name:
                break
            if name <= _words(" ".join(run)):
                out.append(not _NEG.search(" ".join(words[max(0, i - 4):i])))
                i += n - 1
                break
        i += 1
    return out


def toggled(question: str, function: dict, calls: list[dict]) -> list[dict]:
    """The calls with a flag mentioned both ways set per mention: one call becomes one per
    mention (two), and as many calls as mentions take them in order. A flag only ever said
    negated is False where a call set it; a required flag the question names and never
    negates is True. Other calls as given."""
    props, req = _params(function)
    for p, spec in props.items():
        if spec.get("type") != "boolean":
            continue
        said = mentions(question, p)
        if said and not any(said):  # "Don't return full text": False, not the named True
            calls = [{**c, p: False} if c.get(p) else c for c in calls]
            continue
        if p in req and all(said) and flag_asked(p, question):
            # "verify if it's already closed" names closed_status: True, whatever the model
            # chose (on the dev set every required flag so named and never negated is True
            # in the ground truth but 3 of 29: two per-call "formatted" toggles and one
            # personality trait).
            calls = [{**c, p: True} if p in c else c for c in calls]
        if len(set(said)) != 2:
            continue
        if len(calls) == 1 and len(said) == 2:
            return [{**calls[0], p: v} for v in said]
        if len(calls) == len(said):
            return [{**c, p: v} for c, v in zip(calls, said)]
    return calls
