"""Coefficients read from written polynomials (loracle.agent.bfcl_poly), and the answerer
calling a coefficient function once per written equation of its degree."""
from __future__ import annotations

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_poly import coefficient_calls, coefficient_params, polynomials


def _num(name: str, t: str = "integer") -> dict:
    return {"type": t, "description": f"Coefficient {name}."}


QUAD = {"name": "quadratic_roots", "description": "Roots of ax^2 + bx + c = 0.",
        "parameters": {"type": "dict", "required": ["a", "b", "c"], "properties": {
            "a": _num("a"), "b": _num("b"), "c": _num("c"),
            "root_type": {"type": "string", "description": "real or all"}}}}
CUBIC = {"name": "cubic_roots", "description": "Roots of a cubic.", "parameters": {
    "type": "dict", "required": ["a", "b", "c", "d"],
    "properties": {k: _num(k, "float") for k in "abcd"}}}


def test_polynomials_by_degree_with_signs_and_missing_terms():
    assert [c for *_, c in polynomials("First 3x^2 + 4x - 7 = 0, then 2x² - x = 0.")] == [
        {2: 3.0, 1: 4.0, 0: -7.0}, {2: 2.0, 1: -1.0, 0: 0.0}]
    assert polynomials("y = -x**3 + 2*x - 4")[0][2] == {3: -1.0, 2: 0.0, 1: 2.0, 0: -4.0}
    # No polynomial: arithmetic without x, a lone power inside a call, a bare "x^3".
    assert polynomials("between 2 - 3 and 10") == []
    assert polynomials("the integral of exp(-x^2) from -2 to 2") == []
    assert polynomials("the area under x^3 from 2 to 5") == []


def test_coefficient_params_are_required_numbers_a_b_c_in_order():
    assert coefficient_params(QUAD) == ["a", "b", "c"]
    assert coefficient_params(CUBIC) == ["a", "b", "c", "d"]
    two = {"name": "f", "parameters": {"type": "dict", "required": ["a", "b"],
                                       "properties": {"a": _num("a"), "b": _num("b")}}}
    assert coefficient_params(two) == []


def test_one_call_per_equation_of_the_functions_degree():
    q = ("Solve 5x^2 - 7x + 3 = 0 and 2x^2 + x - 1 = 0, and the cubic "
         "2x^3 - 5x^2 + 3x - 1 = 0.")
    assert coefficient_calls(q, QUAD) == [{"a": 5, "b": -7, "c": 3}, {"a": 2, "b": 1, "c": -1}]
    assert coefficient_calls(q, CUBIC) == [{"a": 2.0, "b": -5.0, "c": 3.0, "d": -1.0}]
    assert coefficient_calls("Roots with a = 2, b = 5, and c = 3.", QUAD) == []


def test_the_answerer_gives_the_coefficients_and_decodes_the_rest():
    seen = []
    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        seen.append(fixed)
        return {"a": 9, "b": 9, "c": 9, "root_type": "real", **(fixed or {})}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "q", "question": [[{"role": "user", "content":
                                     "Roots of 3x^2 + 4x + 2 = 0 and of 5x^2 - 7x + 3 = 0."}]],
           "function": [QUAD]}
    calls = a.answer(row)
    assert [c["arguments"] for c in calls] == [
        {"a": 3, "b": 4, "c": 2, "root_type": "real"},
        {"a": 5, "b": -7, "c": 3, "root_type": "real"}]
    assert seen == [{"a": 3, "b": 4, "c": 2}, {"a": 5, "b": -7, "c": 3}]
