"""Coefficients from written polynomials: "the equation is 5x^2 - 7x + 3 = 0" gives a
quadratic-roots function a=5, b=-7, c=3, one call per equation of its degree. The model
copies "7" for b (a sign is no span it can choose) and, with several coefficients on show,
often the wrong one; the written polynomial says which is which. Measured: docs/agent.md
("Polynomials")."""
from __future__ import annotations

import re

from loracle.agent.bfcl_values import _params

_SUP = {"²": 2, "³": 3, "⁴": 4}
_NUM = r"\d+(?:\.\d+)?"
# One term: an optional coefficient, x, an optional power ("x^2", "x**2", "x²"); or a constant.
_TERM = (r"(?:(?:" + _NUM + r")\s*\*?\s*)?x(?:\s*(?:\^|\*\*)\s*\d|[²³⁴])?(?![\w^])"
         r"|" + _NUM + r"(?!\s*\*?\s*x|[\w.^])")
_POLY = re.compile(r"(?<![\w.(^*/])(-\s*)?(?:" + _TERM + r")(?:\s*[-+]\s*(?:" + _TERM + r"))+")
_ONE = re.compile(r"([-+])?\s*(?:(" + _NUM + r")\s*\*?\s*)?(x)?"
                  r"(?:\s*(?:\^|\*\*)\s*(\d)|([²³⁴]))?")  # sign, coefficient, x, power


def polynomials(text: str) -> list[tuple[int, int, dict[int, float]]]:
    """The polynomials in x the text writes, as (start, end, {degree: coefficient}); terms
    it leaves out have coefficient 0 ("x^2 - 4": {2: 1, 1: 0, 0: -4})."""
    out = []
    for m in _POLY.finditer(text):
        coef: dict[int, float] = {}
        for t in re.finditer(r"[-+]?\s*(?:" + _TERM + ")", m.group()):
            sign, num, x, pw, sup = _ONE.fullmatch(t.group().strip()).groups()
            deg = (int(pw) if pw else _SUP[sup] if sup else 1) if x else 0
            value = float(num) if num else 1.0
            coef[deg] = coef.get(deg, 0.0) + (-value if sign == "-" else value)
        if max(coef) >= 1 and len(coef) >= 2:
            top = max(coef)
            out.append((m.start(), m.end(), {d: coef.get(d, 0.0) for d in range(top, -1, -1)}))
    return out


def coefficient_params(function: dict) -> list[str]:
    """The coefficient parameters of a polynomial function, highest degree first: required
    numbers named a, b, c (and d) with no gap. [] for any other function."""
    props, req = _params(function)
    names = []
    for letter in "abcde":
        if letter not in req or props.get(letter, {}).get("type") not in ("integer", "float"):
            break
        names.append(letter)
    return names if len(names) >= 3 else []


def coefficient_calls(question: str, function: dict,
                      region: list[tuple[int, int]] | None = None) -> list[dict]:
    """One {a, b, c, ...} per polynomial of the function's degree the question (within the
    function's clauses, when it has any there) writes; [] when it writes none."""
    names = coefficient_params(function)
    if not names:
        return []
    degree = len(names) - 1
    found = [(a, c) for a, _, c in polynomials(question) if max(c) == degree]
    if region:
        found = [x for x in found if any(lo <= x[0] < hi for lo, hi in region)] or found
    props = _params(function)[0]
    def typed(p: str, v: float) -> float | int:
        return int(v) if props[p]["type"] == "integer" and v.is_integer() else v
    return [{p: typed(p, c[degree - k]) for k, p in enumerate(names)} for _, c in found]
