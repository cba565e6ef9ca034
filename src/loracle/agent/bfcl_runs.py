"""One call per run of a function's clauses. With several functions in one question, each
reads the clauses that read most like it (bfcl.regions). When those clauses fall in runs
that other tasks' clauses separate ("book a hotel in Paris ... rent a car in Paris ... book
another hotel in Rome ... rent a car in Rome"), each run is one task of that function. The
list decoder reads every call from all of the function's clauses, and the 135M model took
the second call's values from the first run again (the car's "7 days" and "SUV" twice, the
building's floors "1, 2, 3, and 4" twice). When the answerer has as many calls for the
function as runs that state something (or more calls: they become one per run), call i is
decoded again from run i alone, the earlier calls in the prompt. docs/agent.md ("One call
per run of clauses")."""
from __future__ import annotations

import re

from loracle.agent.bfcl_lists import _MARKERS, clause_spans
from loracle.agent.bfcl_values import _params, grounded

# Words that open a clause without stating anything ("Lastly, could you ...", "Can you help
# me with a few tasks?"): a run whose capitalised words are only these states no value.
_OPENERS = frozenset("can could would will please lastly finally secondly thirdly first "
                     "second third then also after additionally later next what how who "
                     "i i'm i've i'd".split())
_STATED = re.compile(r"\d|['\"`]")


def states(text: str) -> bool:
    """Whether a run of clauses states a value: a digit, a quote, or a capitalised word
    other than the run's first and the openers above."""
    text = text.strip().strip('"')
    if _STATED.search(text):
        return True
    words = text.split()[1:]
    return any(w[0].isupper() and w.strip(",.?!").lower() not in _OPENERS for w in words)


def runs(question: str, region: list[tuple[int, int]] | None) -> list[tuple[int, int]]:
    """The region's clauses merged into runs of adjacent clauses, keeping the runs that
    state a value."""
    spans = clause_spans(question)
    idx = sorted(spans.index(s) for s in region or [] if s in spans)
    groups: list[list[int]] = []
    for i in idx:
        if groups and groups[-1][-1] == i - 1:
            groups[-1].append(i)
        else:
            groups.append([i])
    out = [(spans[g[0]][0], spans[g[-1]][1]) for g in groups]
    return [(a, b) for a, b in out if states(question[a:b])]


def by_run(dec, question: str, function: dict, many: list[dict],
           region: list[tuple[int, int]] | None) -> list[dict]:
    """The calls decoded again, call i from the i-th run of the function's clauses, when
    there are two or more runs and at least as many calls (more calls than runs become one
    per run: an enumeration had multiplied the runs' values). A required value the run
    does not yield stays; an optional one is the new or else the old value, whichever the
    run states (a run's "Lastly" or "Then" is no team name, the other run's "5 seconds" no
    duration of this call); a flag is the new one."""
    spans = runs(question, region)
    if len(many) < 2 or not 2 <= len(spans) <= len(many):
        return many
    props, req = _params(function)
    out: list[dict] = []
    for call, (a, b) in zip(many, spans):
        # The earlier calls are in the prompt, but where their values stood must not filter
        # this one's: the run does.
        if hasattr(dec, "positions"):
            dec.positions = {}
        new = dec(question, function, prev=out or None, region=[(a, b)])
        merged = {}
        for p in props:
            if p in req or isinstance(new.get(p, call.get(p)), bool):
                value = new.get(p, call.get(p))
            else:
                value = next((v for v in (new.get(p), call.get(p)) if v is not None
                              and grounded(v, question[a:b]) and not _marks(v)), None)
            if value is not None:
                merged[p] = value
        out.append(merged)
    return out


def _marks(value) -> bool:
    """A value made only of words that order tasks or open clauses ("Lastly", "Then")."""
    words = [w.lower() for v in (value if isinstance(value, list) else [value])
             if isinstance(v, str) for w in re.findall(r"[A-Za-z']+", v)]
    return bool(words) and set(words) <= _OPENERS | _MARKERS
