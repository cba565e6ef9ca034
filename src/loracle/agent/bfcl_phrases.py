"""Values as a phrase of the question means them. A name written with its head: "the theory
of relativity", "the Battle of Stalingrad", "the Treaty of Paris". The decoder copies the word after "of" ("relativity",
"evolution"), but on the dev ground truth the 14 values (not places) the question writes
with a head all accept the whole phrase, and 10 accept only it. Places keep the bare word:
"the signing of the Treaty of Lisbon" has location "Lisbon" (2 of 2). Pure function over a
decoded call. And a value written with its kind: "a gas-fueled car" for fuel_type is "gas"
(the decoder copies the compound; no dev ground-truth value is "X-<a word of the
parameter's name>").
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


def with_heads(question: str, function: dict, args: dict) -> dict:
    """`args` with each string value (not a place's) that the question writes after
    "theory of", "Battle of", ... given its head, and one written with its kind
    ("gas-fueled") without it."""
    props, _ = _params(function)
    return {p: _unkinded(p, _headed(question, v)) if isinstance(v, str) and v.strip()
            and not is_place(p, props.get(p, {})) else v for p, v in args.items()}
