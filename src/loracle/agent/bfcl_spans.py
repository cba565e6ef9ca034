"""The value-span prior: which span of the question is a required string parameter's value?

SmolLM2 copies a required string from the question (bfcl_decode), and where it goes wrong it
mostly starts on the wrong word ("room_type='2022'" for "a single room ... 2022", a docket
"docket" for "docket numbered 2022/AL2562") or stops a word early or late ("plasma" for
"plasma membrane", "Super Mario Bros. game"). A reader finds the value from its neighbours:
the parameter's name or description words just before or after it, a preposition ("in",
"by", "named"), capitals, quotes, where in the question it sits relative to the other
parameters, and what the words mean (MiniLM similarity of the span to the parameter's name
and description). This module learns that from the training questions' ground truth as
boosted trees over every candidate span (bfcl_trees) and scores spans at decode time; the
decoder adds the score to the LM's token logits, so the prior and the LM decide together.

Measured alone on 2-fold held-out simple/multiple questions (required plain strings whose
value is a span of the question, 542 of them): the prior's top span is right 73% of the
time, the LM's copy 78%; they are wrong on different questions, which is why the decoder
adds the two rather than choosing one (docs/agent.md has the end-to-end effect).
"""
from __future__ import annotations

import re
from typing import Any, Callable

import numpy as np

from loracle.agent.bfcl_trees import fit_trees, tree_score
from loracle.agent.bfcl_values import _STOP, WORD, _params, _words, spans

MAX_WORDS = 6  # longer values are rare; they are still copied, at the lowest prior
_PREP = [("in", "at", "near", "around", "within"), ("from",), ("to", "into"), ("by",),
         ("for",), ("of",), ("about", "on", "regarding"), ("named", "called", "titled")]
SPAN_FEATURES = [
    "name_before", "name_after", "desc_before", "desc_after", "span_in_name", "span_in_desc",
    "span_in_function", "first_in_name", "last_in_name", "last_in_desc", "n_words",
    "capitalised", "first_capitalised", "has_digit", "is_year", "quote_before", "quote_after",
    "punct_after", "stop_after", "position", "param_position", "position_gap",
    "cap_before", "cap_after"] + [f"after_{g[0]}" for g in _PREP] + [
    "cos", "cos_gap"]


def param_text(param: str, spec: dict) -> str:
    return f"{param.replace('_', ' ')}: {spec.get('description', '')}"


def candidates(question: str, starts: list[int], ends: set[int]) -> list[tuple[int, int]]:
    """Spans from a start to an end at most MAX_WORDS words later."""
    ends_sorted = sorted(ends)
    return [(a, b) for a in starts for b in ends_sorted
            if b > a and len(WORD.findall(question[a:b])) <= MAX_WORDS]


def span_features(question: str, function: dict, param: str, cands: list[tuple[int, int]],
                  enc: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """One row per candidate span (SPAN_FEATURES)."""
    props, req = _params(function)
    spec = props.get(param, {})
    toks = [(m.start(), m.end(), m.group()) for m in WORD.finditer(question)]
    nw = _words(param)
    dw = _words(str(spec.get("description", ""))) - nw
    fw = _words(function["name"]) | _words(function.get("description", ""))
    order = (req.index(param) if param in req else len(req)) / max(len(req), 1)
    E = enc([param_text(param, spec)] + [question[a:b] for a, b in cands])
    cos = E[1:] @ E[0]
    rows = []
    for (a, b), c in zip(cands, cos):
        ia = next(i for i, t in enumerate(toks) if t[0] >= a)
        ib = max(i for i, t in enumerate(toks) if t[0] < b)
        before = _words(" ".join(t[2] for t in toks[max(0, ia - 3):ia]))
        after = _words(" ".join(t[2] for t in toks[ib + 1:ib + 4]))
        inner = toks[ia:ib + 1]
        sw, first, last = _words(question[a:b]), _words(inner[0][2]), _words(inner[-1][2])
        prev = toks[ia - 1][2].lower() if ia > 0 else ""
        nxt = toks[ib + 1][2] if ib + 1 < len(toks) else ""
        cap = [t[2][0].isupper() for t in inner]
        rows.append([
            len(nw & before), len(nw & after), len(dw & before), len(dw & after),
            len(sw & nw) / max(len(sw), 1), len(sw & dw) / max(len(sw), 1),
            len(sw & fw) / max(len(sw), 1), float(bool(first & (nw | fw))),
            float(bool(last & (nw | fw))), float(bool(last & dw)), len(inner),
            sum(cap) / len(cap), float(cap[0]), float(any(ch.isdigit() for ch in question[a:b])),
            float(re.fullmatch(r"(19|20)\d\d", question[a:b]) is not None),
            float(a > 0 and question[a - 1] in "'\""), float(question[b:b + 1] in ("'", '"')),
            float(b == len(question) or question[b] in ",.?!"), float(nxt.lower() in _STOP),
            a / len(question), order, a / len(question) - order,
            float(ia > 0 and toks[ia - 1][2][0].isupper()), float(nxt[:1].isupper())]
            + [float(prev in g) for g in _PREP]
            + [float(c), float(c - cos.max())])
    return np.asarray(rows, dtype=np.float64).reshape(len(cands), len(SPAN_FEATURES))


def plain_strings(function: dict) -> list[str]:
    """The required string parameters without an enum: the ones copied from the question."""
    props, req = _params(function)
    return [p for p in req if props.get(p, {}).get("type") == "string"
            and not props[p].get("enum")]


def training_rows(question: str, function: dict, calls: list[dict],
                  enc: Callable[[list[str]], np.ndarray]) -> tuple[list[np.ndarray], list]:
    """(features, labels) for each plain string parameter whose ground-truth value (of any
    of the function's calls) is a candidate span; label 1 for the spans that equal one."""
    X, y = [], []
    starts, ends = spans(question, exclude=set())
    cands = candidates(question, starts, ends)
    for p in plain_strings(function):
        ok = {v.lower() for c in calls for v in c.get(p, []) if isinstance(v, str) and v}
        lab = [float(question[a:b].lower() in ok) for a, b in cands]
        if any(lab):
            X.append(span_features(question, function, p, cands, enc))
            y += lab
    return X, y


def fit_span_prior(X: np.ndarray, y: np.ndarray, seed: int = 0) -> dict:
    # Not class-balanced: the decoder uses scores relative to the best span of a question.
    return fit_trees(X, y, SPAN_FEATURES, seed=seed, max_iter=300, balanced=False)


def span_scores(model: dict[str, Any], question: str, function: dict, param: str,
                cands: list[tuple[int, int]], enc: Callable) -> dict[tuple[int, int], float]:
    """Log-odds per candidate span."""
    if not cands:
        return {}
    X = span_features(question, function, param, cands, enc)
    return {c: tree_score(model, list(x)) for c, x in zip(cands, X)}
