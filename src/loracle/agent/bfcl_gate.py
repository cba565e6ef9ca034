"""The multi-call gate: is a chosen function called more than once for this question? (And
how often a called-again function's values change: `repeat_log_odds`.)

Features are cues a reader would use: how many "and"s and commas, "respectively", "each /
both / two", "another / again / same", numbers per numeric parameter, capitalised names per
string parameter, sequence words ("first ... then ... finally"), and, strongest, how many
sibling values the first call's arguments have in the question (`alternatives`: "Berlin and
Madrid", "10, 20 and 30 years") and how many calls the enumeration rule makes of them
(`expand`: "rock and jazz concerts in Boston and Austin" is four). At fit time the
first call comes from the ground truth; at answer time from the decoder.

The classifier is a small gradient-boosted tree ensemble (bfcl_trees: JSON trees, no
pickle). Measured on 2-fold held-out functions of the four AST categories, with the first
call taken from the ground truth (the decoder's is noisier): right for 83% of functions,
against 79% for the logistic regression on the MiniLM embedding it replaced; on
simple/multiple 98% instead of 91%. Judged from the decoder's first call, the last two cues
(expanded calls, sequence words) took it from 86.9% to 88.6%; then how many functions the
question calls, from 1127 to 1176 of 1255 held-out functions (parallel 170 -> 183 of 194,
parallel_multiple 393 -> 431 of 486: it had read one task's "and"s as its own).
"""
from __future__ import annotations

import re

import numpy as np

from loracle.agent.bfcl_enumerate import alternatives, expand
from loracle.agent.bfcl_trees import fit_trees, tree_score
from loracle.agent.bfcl_values import _NUM, _params, _words, enum_mentions, named_enums

GATE_FEATURES = ["ands", "commas", "respectively", "quantifier", "nums_per_numeric",
                 "words_50", "again", "names_per_string", "n_required", "max_siblings",
                 "max_enum_named", "expanded_calls", "sequence_words", "functions_called"]


def gate_features(question: str, function: dict, first: dict, n_called: int = 1) -> list[float]:
    """The cue vector for one function; `first` is its first call's arguments, `n_called`
    how many functions the question calls (the selector's choice at answer time; the
    ground truth's at fit time): with several, each is usually called once."""
    props, req = _params(function)
    props = named_enums(props, question)
    q = question.lower()
    numeric = sum(props.get(p, {}).get("type") in ("integer", "float") for p in req)
    strings = sum(props.get(p, {}).get("type") == "string" for p in req)
    avoid = frozenset().union(*[_words(p) for p in props])
    sib = [len(alternatives(question, first[p], avoid)) for p in req if p in first]
    named = [len(enum_mentions(question, s["enum"])) for s in props.values() if s.get("enum")]
    names = len(re.findall(r"(?<![.?!\"] )(?<!^)\b[A-Z][\w-]+(?:\s+[A-Z][\w-]+)*", question))
    return [len(re.findall(r"\band\b", q)), q.count(","), float("respectively" in q),
            float(bool(re.search(r"\b(each|both|all|multiple|several|two|three|four|five)\b",
                                 q))),
            len(_NUM.findall(question)) / max(numeric, 1), len(q.split()) / 50,
            float(bool(re.search(r"\b(another|second|again|same|other|also|as well)\b", q))),
            names / max(strings, 1), float(len(req)), float(max(sib or [1])),
            # Counted before number lists are paired: pairing changes 5 dev rows' counts,
            # and the refit trees flipped 12 held-out decisions either way (noise).
            float(max(named or [0])),
            float(len(expand(question, first, avoid, props, pair=False))),
            float(len(re.findall(r"\b(first|second|third|fourth|then|finally|lastly|another|"
                                 r"also)\b", q))), float(n_called)]


def first_call(ground_truth: list[dict], name: str) -> dict:
    """The first ground-truth call of `name` as plain arguments (each param's first accepted
    value; "" means absent)."""
    call = next(c[name] for c in ground_truth if name in c)
    return {p: v[0] for p, v in call.items() if v and v[0] != ""}


def fit_gate(X: np.ndarray, y: np.ndarray, seed: int = 0) -> dict:
    """Gradient-boosted trees (class-balanced; few functions are called twice) as JSON."""
    return fit_trees(X, y, GATE_FEATURES, seed=seed)


gate_score = tree_score  # the ensemble's log-odds that the function is called again


def repeat_log_odds(questions: list[dict], answers: dict[str, dict]) -> float:
    """How much likelier a continued call's required scalar (string, number; no enum) is
    to change value than to repeat the last call's, as log-odds over the ground truth's
    consecutive calls of one function (all dev rows: 640 changes, 212 repeats, 1.1). The
    decoder takes it off the logits of repeating the last call's value (docs/agent.md,
    "Repeat or change")."""
    change = same = 0
    for row in questions:
        gt = answers.get(row["id"], {}).get("ground_truth", [])
        for f in row["function"]:
            calls = [c[f["name"]] for c in gt if f["name"] in c]
            props, req = _params(f)
            for p in req:
                spec = props.get(p, {})
                if spec.get("type") not in ("string", "integer", "float") or spec.get("enum"):
                    continue
                for a, b in zip(calls, calls[1:]):
                    hit = set(map(str, a.get(p, []))) & set(map(str, b.get(p, [])))
                    same, change = same + bool(hit), change + (not hit)
    return float(np.log((change + 1) / (same + 1)))
