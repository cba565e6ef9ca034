"""Values one task of a question takes from another. "The transaction history for my account
'00125648' ... and also calculate the total balance": the balance task's clause states no
account, so the decoder, held to that clause, copies a word of the function's own name
("balance"). Such a value states nothing; the same parameter of another task in the
question ("account" of the history task) holds the value meant. Pure functions over the
answerer's decoded calls; measured effect in docs/agent.md ("Values from another task")."""
from __future__ import annotations

import json
import re

from loracle.agent.bfcl_values import _params, _words, tokens

# Name words that say nothing about which value a parameter holds: "company_name" and
# "player_name" share "name" but no value.
_GENERIC = _words("name id type value number data info detail")
# Words that state no value on their own: pronouns, conjunctions, the question's own verbs
# and sequence words. A value that is one of them alone ("destination='long'" for "how long
# it will take to travel ... to the museum", "start='but'", "species='their'") was copied
# from a clause that states none; no dev ground-truth value is one.
# ("US", "OR" and "IT" are a country, a state and a department: not here.)
_EMPTY = set("""their his her its they them this that these those my our your we
    but and also then finally lastly firstly secondly thirdly additionally however after
    before while between long how what when where which who whom help analyze find get
    calculate tell provide know things something""".split())


def _stems(text: str) -> set[str]:
    # Whole words, plural "s" off: bfcl_values._words' 5-letter prefixes would miss "book"
    # for "books" and let "crime" match "criminal".
    return {w[:-1] if w.endswith("s") and len(w) > 3 else w for w in tokens(text)}


def names_only(value, function_name: str, param: str) -> bool:
    """Whether a copied string is made only of words of the function's or the parameter's
    name, or "the same" ("coverage" for interest_coverage's company_name, "platform" for
    platform), or is one word that states nothing (_EMPTY). Values with digits or
    underscores are identifiers the question wrote ("DNA123", 'data_random_forest'); a
    parameter named "a_vs_b" takes a or b."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z][A-Za-z .'-]*", value.strip()):
        return False
    if "vs" in tokens(param):
        return False
    if value.strip().lower() in _EMPTY:
        return True
    words = _stems(value) - {"the"}
    return bool(words) and words <= _stems(function_name) | _stems(param) | {"same"}


def name_only_params(function: dict, call: dict) -> list[str]:
    """The call's required plain strings (no enum) that name only (above)."""
    props, req = _params(function)
    return [p for p in req if props.get(p, {}).get("type") == "string"
            and not props[p].get("enum") and names_only(call.get(p), function["name"], p)]


def share_values(question: str, tasks: list[tuple[dict, list[dict], list | None]]
                 ) -> list[list[dict]]:
    """Each task's calls (`tasks`: function, its calls, its region) with every required
    string that names only (above) replaced by the same parameter's value in another task:
    of those values, the one the question states last before this task's clauses begin
    ("on the Nintendo Switch ... on sale on the same platform"), else the first."""
    out = []
    for f, calls, region in tasks:
        start = min((a for a, _ in region), default=0) if region else 0
        mended = []
        for call in calls:
            call = dict(call)
            for p in name_only_params(f, call):
                donors = [c[o] for g, cs, _ in tasks if g is not f for c in cs for o in c
                          if (_words(o) & _words(p)) - _GENERIC and isinstance(c[o], str)
                          and not names_only(c[o], g["name"], o)]
                if donors:
                    call[p] = max(donors, key=lambda v: question.rfind(v, 0, start))
            mended.append(call)
        out.append(mended)
    return out


def same_as_before(function: dict, calls: list[dict]) -> list[dict]:
    """A later call's value that says "the same" and names nothing else ("then another
    order of the same items" decoded as `items=["same"]`) is the call before's value of
    that parameter."""
    out: list[dict] = []
    for call in calls:
        call = dict(call)
        for p, v in call.items():
            vals = v if isinstance(v, list) else [v]
            if out and p in out[-1] and vals and \
                    any(isinstance(x, str) and "same" in tokens(x) for x in vals) and \
                    all(names_only(x, function["name"], p) for x in vals):
                call[p] = out[-1][p]
        out.append(call)
    return out


def written_once(calls: list[dict]) -> list[dict]:
    """Each call once: the enumeration rules can write one twice ("Case No 28473 and
    64725": 28473, 64725, 28473). One dev question in 1,240 repeats a call ("two from a
    normal distribution with a mean of 5"), and no answer of ours for it does."""
    seen: set[str] = set()
    out = []
    for call in calls:
        key = json.dumps(call, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(call)
    return out
