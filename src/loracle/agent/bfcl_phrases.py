"""A name the question writes with its head: "the theory of relativity", "the Battle of
Stalingrad", "the Treaty of Paris". The decoder copies the word after "of" ("relativity",
"evolution"), but on the dev ground truth the 14 values (not places) the question writes
with a head all accept the whole phrase, and 10 accept only it. Places keep the bare word:
"the signing of the Treaty of Lisbon" has location "Lisbon" (2 of 2). Pure function over a
decoded call."""
from __future__ import annotations

import re

from loracle.agent.bfcl_places import is_place
from loracle.agent.bfcl_values import _params

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


def with_heads(question: str, function: dict, args: dict) -> dict:
    """`args` with each string value (not a place's) that the question writes after
    "theory of", "Battle of", ... given its head."""
    props, _ = _params(function)
    return {p: _headed(question, v) if isinstance(v, str) and v.strip() and not is_place(
        p, props.get(p, {})) else v for p, v in args.items()}
