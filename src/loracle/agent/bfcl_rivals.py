"""Near-duplicate functions the selector chose together, only one of which the question
asks for: `wholefoods.vegan_products` and `walmart.vegan_products` for "... at the Walmart
near Denver", `most_points_single_season`, `_career` and `_single_game` for "the most points
scored by a single player in an NBA game". The selector scores each function on its own, so
rivals that read alike pass its cut together.

Two chosen functions are rivals when their names share at least half their words. When the
question writes a word only one of them has in its name ("walmart", "game") and not one
only the other has, the other goes, unless it is the function some clause of the question
reads most like (then it has a task of its own: "the population ... for the last 5 years.
Also provide the projection" calls `get_history` and `get_projection`). Measured on the
2-fold held-out selector: docs/agent.md ("Rival functions").
"""
from __future__ import annotations

from loracle.agent.bfcl_values import _words, tokens


def _name(f: dict) -> set[str]:
    return set(tokens(f["name"]))


def drop_rivals(question: str, functions: list[dict], owns_clause: list[bool]) -> list[dict]:
    """The chosen `functions` less the rivals the question's words rule out; `owns_clause[i]`
    says whether some clause reads most like functions[i] (bfcl.features' clause_top)."""
    said = _words(question)
    out = set()
    for i, a in enumerate(functions):
        for j in range(i + 1, len(functions)):
            na, nb = _name(a), _name(functions[j])
            if len(na & nb) < len(na | nb) / 2:
                continue
            only_a, only_b = _words(" ".join(na - nb)) & said, _words(" ".join(nb - na)) & said
            if only_a and not only_b and not owns_clause[j]:
                out.add(j)
            elif only_b and not only_a and not owns_clause[i]:
                out.add(i)
    return [f for k, f in enumerate(functions) if k not in out]
