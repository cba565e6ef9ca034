"""Values as a phrase of the question means them. A name written with its head: "the theory of
relativity", "the Battle of Stalingrad", "the Treaty of Paris". The decoder copies the word
after "of" ("relativity", "evolution"), but on the dev ground truth the 14 values (not
places) the question writes with a head all accept the whole phrase, and 10 accept only it.
Places keep the bare word: "the signing of the Treaty of Lisbon" has location "Lisbon" (2
of 2). Pure function over a decoded call. And a value written with its kind: "a gas-fueled
car" for fuel_type is "gas" (the decoder copies the compound; no dev ground-truth value is
"X-<a word of the parameter's name>"). A weekday with the "next" before it ("next Friday"),
and a place with the "of <Name>" after it ("the Boreal Forests of Canada"): the ground
truth's first value never drops either (0 of the dev first values changes unaccepted).
"""
from __future__ import annotations

import re

from loracle.agent.bfcl_places import is_place
from loracle.agent.bfcl_values import _params, _same_word, tokens

_HEADS = r"theory|theories|law|laws|principle|treaty|battle|war|act|siege|council|edict|" \
         r"peace|doctrine"


def _headed(question: str, value: str) -> str:
    """The phrase "<head> of [the] value" when every mention of `value` is so written."""
    mentions = list(re.finditer(rf"(?<![\w-]){re.escape(value)}(?![\w-])", question, re.I))
    phrases = []
    for m in mentions:
        head = re.search(rf"\b(?:{_HEADS}) of (?:the )?$", question[:m.start()], re.I)
        if not head:
            return value
        phrases.append(question[head.start():m.end()])
    return phrases[0] if phrases and len({p.lower() for p in phrases}) == 1 else value


def _unkinded(param: str, value: str) -> str:
    """"gas-fueled" for fuel_type -> "gas": the part after the hyphen names the kind."""
    m = re.fullmatch(r"(\w+)-(\w+)", value.strip())
    return m.group(1) if m and any(_same_word(m.group(2).lower(), w)
                                   for w in tokens(param)) else value


_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


def _weekday(question: str, value: str) -> str:
    """"Friday" -> "next Friday" as the question writes it (the decoder dropped "next")."""
    if value.lower() not in _WEEKDAYS:
        return value
    m = re.search(rf"\b(?:next|this|coming|upcoming)\s+{re.escape(value)}\b", question, re.I)
    return m.group() if m else value


def _place_of(question: str, value: str) -> str:
    """"Boreal Forests" -> "Boreal Forests of Canada": a place's name runs on through "of"
    and the capitalised words after it."""
    m = re.search(rf"(?<!\w){re.escape(value)}( of [A-Z][\w-]*(?: [A-Z][\w-]*)*)", question) \
        if value[:1].isupper() else None
    return value + m.group(1) if m else value


def phrased(question: str, function: dict, args: dict) -> dict:
    """`args` with each string value as the question's phrase means it: a name after
    "theory of", "Battle of", ... with its head; one written with its kind ("gas-fueled")
    without it; a weekday with its "next"; a place with its "of Canada"."""
    props, _ = _params(function)
    out = {}
    for p, v in args.items():
        if not isinstance(v, str) or not v.strip():
            out[p] = v
        elif is_place(p, props.get(p, {})):
            out[p] = _place_of(question, v)
        else:
            out[p] = _unkinded(p, _weekday(question, _headed(question, v)))
    return out
