"""Lists of calls to one function that the decoder writes call by call (bfcl.BfclAnswerer,
when no lexical enumeration gives them): the continuation, when it ends, and the restart
from the question's opening clauses when the first call took a later scenario's values
("turtles in 2015 ... the same for 2020" decoded year=2020 and nothing after it). `dec` is
an ArgDecoder (bfcl); the restart needs one that keeps `positions` (LMArgDecoder).
Measured effect in docs/agent.md ("Start the list again from the opening clauses")."""
from __future__ import annotations

import json
import re

from loracle.agent.bfcl_values import _STOP, _params, grounded, tokens


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the question's sentences and "then/also/after that" clauses."""
    cuts = [0] + [m.end() for m in re.finditer(
        r"[.;?!]\s+|,?\s+(?:and then|then|also|after that|secondly|lastly|finally)[,\s]+", text)]
    return [(a, b) for a, b in zip(cuts, cuts[1:] + [len(text)]) if text[a:b].strip()]


def adds_nothing(call: dict, before: list[dict]) -> bool:
    """A continued call states nothing new: each scalar is the last call's, each list's
    items are among earlier calls' ("the S&P 500 and the Dow Jones" in one call, then a
    call for "Dow Jones" alone)."""
    for p, v in call.items():
        if isinstance(v, list):
            seen = {json.dumps(x) for c in before if isinstance(c.get(p), list) for x in c[p]}
            if any(json.dumps(x) not in seen for x in v):
                return False
        elif v != before[-1].get(p):
            return False
    return True


# Words that order a question's tasks ("After that, could you also ..."): a value made of
# them (and stop words) is a run of clauses too short to state one.
_MARKERS = frozenset("also then after afterwards finally lastly next secondly first "
                     "additionally".split())


def marks_only(call: dict, req: list[str]) -> bool:
    """Whether a required string value is made only of such words."""
    vals = [v for p in req for v in (call.get(p) if isinstance(call.get(p), list)
                                     else [call.get(p)]) if isinstance(v, str)]
    return any(set(tokens(v)) <= _MARKERS | _STOP for v in vals)


# Verbs a question asks with ("retrieve their MRI report", "change size to", "takes under 30
# minutes"). No dev ground-truth value starts with one outside a quoted sentence (1 of
# them: "Do not forget ..."), so a later call (enumerated or continued) whose new value
# does is the question's wording, not another call.
_ASKING = frozenset("retrieve retrieves change changes take takes find finds get gets "
                    "calculate calculates compute show give tell provide search book check "
                    "fetch make makes is are was were has have using use uses want wants "
                    "need needs".split())


def asks(call: dict, last: dict) -> bool:
    """Whether a value the call changes from the last one starts with such a verb."""
    return any(isinstance(v, str) and v != last.get(p) and (t := tokens(v)) and
               t[0] in _ASKING for p, v in call.items())


def continue_list(dec, q: str, f: dict, many: list[dict], region) -> list[dict]:
    """The list continued by the decoder, each new call taking values stated later in
    the question. A repeat, a call that adds nothing, or one missing a required value
    the first call had, ends it."""
    _, req = _params(f)
    many = list(many)
    while len(many) < 6:
        nxt = dec(q, f, prev=many, region=region)
        if not nxt or nxt in many or adds_nothing(nxt, many) or \
                not set(req) & set(many[0]) <= set(nxt) or asks(nxt, many[-1]):
            break
        many.append(nxt)
    return many


def earliest(dec, q: str, f: dict, region, first: dict) -> dict | None:
    """The first call as the question's opening clauses state it: decoded from the
    shortest run of leading clauses (within the function's region) that holds every
    required value the decoder copies, optional values stated later dropped. None when
    no shorter run does, the call is the same, or the decoder keeps no positions."""
    if not hasattr(dec, "positions"):
        return None
    spans = clause_spans(q)
    _, req = _params(f)
    for k in range(1, min(len(spans), 5)):
        end = spans[k - 1][1]
        prefix = [(a, min(b, end)) for a, b in (region or [(0, len(q))]) if a < end]
        if not prefix:
            continue
        call = dec(q, f, region=prefix)
        where = dec.positions
        placed = [where[p] for p in req if p in where]
        # Every copied value inside the run, no two from one span (a run too short
        # for "500 elephants ... in 10 years" gives years the population's 500).
        if not placed or any(a >= end for a, _ in placed) or \
                len(set(placed)) < len(placed) or marks_only(call, req):
            continue
        call = {p: v for p, v in call.items() if p in req or (
            where[p][0] < end if p in where else isinstance(v, bool) or grounded(v, q[:end]))}
        # The continuation reads where this call's values stand: not the dropped ones.
        dec.positions = {p: s for p, s in where.items() if p in call}
        return call if call != first and set(req) & set(first) <= set(call) else None
    return None
