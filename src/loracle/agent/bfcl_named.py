"""Values the question ties to a parameter by writing its name next to them: a number right
after the whole name ("a width of 30 meters"), an identifier after a name for one
("building Id B1004"), and quoted values a name claims ("on 'Playstation' platform", "a
reference sequence 'AGTCC...'") so that no other parameter copies them. The decoder's
named-value rules (bfcl_decode) read these; measured effects: docs/agent.md ("A number
written after the parameter's name", "A quoted value written before another parameter's
name is not this one's").
"""
from __future__ import annotations

import re

from loracle.agent.bfcl_values import _params


def _name_words(param: str) -> list[str]:
    """The parameter's name as words, digits kept ("year1_revenue": year1, revenue)."""
    return re.sub(r"([a-z])([A-Z])", r"\1 \2", param).replace("_", " ").lower().split()


def _whole_name(param: str) -> str:
    """A regex for the parameter's whole name as a question writes it: "net income",
    "panelArea", "building Id" ("" for an empty name)."""
    words = _name_words(param)
    return r"\b" + r"[\s_-]*".join(map(re.escape, words)) if words else ""


_NAMED_NUMBER = (r"s?\s*(?:of|is|was|=|:|equal to|equals|at)?\s*"
                 r"(?:about|approximately|around|roughly)?\s*\$?")


def named_number_starts(question: str, param: str) -> set[int]:
    """Where a number written right after the parameter's whole name starts ("a width of 30
    meters" for width, "net income of $100,000" for net_income, "panelArea: 50000"). On the
    dev ground truth, for a required number of a function called once whose name the
    question writes so before exactly one number, that number is the value 236 times in
    240 (the other 4: a number in another task's clause, and unit conversions)."""
    name = _whole_name(param)
    return {m.end() for m in re.finditer(name + _NAMED_NUMBER, question, re.I)} if name \
        else set()


_QUOTED_AFTER = r"""s?\s*(?:of|is|as|named|called|:|=)?\s*(['"])([^'"]+)\1"""


def _claims(question: str, param: str) -> set[int]:
    """Where the quoted values the parameter's name claims start: one written right before
    its name ("'Asia' region"), or right after a name of two words or more ("reference
    sequence 'AGTC...'"; one word such as "to" or "function" is too common to claim)."""
    name = _whole_name(param)
    if not name:
        return set()
    out = {m.start(2) for m in re.finditer(
        r"""(['"])([^'"]+)\1\s+""" + name + r"s?\b", question, re.I)}
    if len(_name_words(param)) > 1:
        out |= {m.start(2) for m in re.finditer(name + _QUOTED_AFTER, question, re.I)}
    return out


def claimed_starts(question: str, function: dict, param: str) -> set[int]:
    """Where a quoted value another string parameter of the function claims starts (by a
    longer name than this one's, where both do): "on 'Playstation' platform in the 'Asia'
    region" claims "Playstation" for platform and "Asia" for region; "the DNA sequence 'A'
    ... a reference sequence 'B'" claims B for reference_sequence, not sequence. No dev
    ground-truth value stands only where another parameter of its function claims it."""
    props, _ = _params(function)
    own, size = _claims(question, param), len(_name_words(param))
    out: set[int] = set()
    for p, spec in props.items():
        if p != param and (spec or {}).get("type") == "string":
            longer = len(_name_words(p)) > size
            out |= {a for a in _claims(question, p) if a not in own or longer}
    return out


def named_ids(question: str, param: str) -> list[tuple[int, int, str]]:
    """For a parameter named for an identifier (building_id, case_number, zip_code): the
    tokens with a digit written right after its whole name ("the building with building Id
    B1004 for 2nd, 3rd and 4th floors": B1004, not "2nd"), as (start, end, token). On the dev
    ground truth such a token is the value every time the question writes one."""
    if not set(_name_words(param)) & {"id", "number", "code", "no"}:
        return []
    name = _whole_name(param)
    if _name_words(param)[-1] == "number":  # "Case No 28473", "order # 123" for case_number
        name = name[:-len("number")] + r"(?:number|no\.?|#|num\.?)"
    pat = name + r"s?\s*(?:of|is|:|#|number|no\.?)?\s*['\"]?([A-Za-z]*\d[\w/-]*)"
    return [(m.start(1), m.end(1), m.group(1)) for m in re.finditer(pat, question, re.I)]
