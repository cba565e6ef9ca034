"""Canonical forms (bfcl_forms): currencies as ISO codes, "^" formulas in Python syntax, and
the decoder choosing among them; the date forms the parameter's description spells out."""
from __future__ import annotations

from loracle.agent.bfcl_decode import flag_asked
from loracle.agent.bfcl_forms import canonical, canonical_args, canonical_forms, currencies, \
    formulas, is_currency, is_formula
from loracle.agent.bfcl_values import date_format, dates_in

STR = {"type": "string"}
FX = {"name": "convert", "description": "Convert money.", "parameters": {
    "type": "dict", "required": ["amount", "from_currency", "to_currency"], "properties": {
        "amount": {"type": "float", "description": "Amount."},
        "from_currency": {"type": "string", "description": "From."},
        "to_currency": {"type": "string", "description": "To."}}}}
DERIV = {"name": "derivative", "description": "Derivative of a function.", "parameters": {
    "type": "dict", "required": ["function", "x"], "properties": {
        "function": {"type": "string", "description": "The polynomial."},
        "x": {"type": "integer", "description": "Where."}}}}


def test_currencies_longest_name_first_codes_and_symbols():
    q = "Convert 150 Euros to Canadian dollars, $5 in USD, usd, and British Pounds sterling."
    assert [c for *_, c in currencies(q)] == ["EUR", "CAD", "USD", "USD", "GBP"]
    a, b, _ = currencies(q)[1]
    assert q[a:b] == "Canadian dollars"  # not "dollars" alone, which would be USD
    assert currencies("The current is 5 amps.") == []


def test_formulas_whole_in_python_syntax_without_their_name():
    q = "Integrate f(x)=x^2. Then 3x^2 + 2x - 1, exp(-x^2) from -2 to 2, and 2x^2+3x-1."
    assert [f for *_, f in formulas(q)] == ["x**2", "3x**2 + 2x - 1", "exp(-x**2)",
                                            "2x**2 + 3x - 1"]
    a, b, _ = formulas(q)[1]
    assert q[a:b] == "3x^2 + 2x - 1"
    assert formulas("from x = -2 to x = 3") == []  # no power, no math call: no formula


def test_which_parameters_take_canonical_forms():
    assert is_currency("base_currency", STR) and is_currency("toCurrency", STR)
    assert not is_currency("current", STR) and not is_currency("currency", {"type": "integer"})
    assert not is_currency("currency", {"type": "string", "enum": ["USD", "EUR"]})
    assert is_formula("function", STR) and is_formula("func", STR)
    assert not is_formula("function_variable", STR) and not is_formula("city", STR)
    q = "the derivative of 3x^2 in euros"
    assert canonical_forms(q, "function", STR) == formulas(q)
    assert canonical_forms(q, "to_currency", STR) == currencies(q)
    assert canonical_forms(q, "city", STR) == []


def test_decoder_chooses_stated_forms_the_answerer_writes_canonically(bfcl_decoder):
    q = "How much is 200 British pounds in Japanese yen?"
    args = bfcl_decoder(q, FX)
    # Two different currencies the question names, whole, whatever the (random) model.
    assert {args["from_currency"], args["to_currency"]} == {"British pounds", "Japanese yen"}
    assert {canonical_args(FX, args)[p] for p in ("from_currency", "to_currency")} == {
        "GBP", "JPY"}
    args = bfcl_decoder("Calculate the derivative of the function 3x^2 + 2x - 1 at x = 5.",
                        DERIV)
    assert args["function"] == "3x^2 + 2x - 1"
    assert canonical_args(DERIV, args)["function"] == "3x**2 + 2x - 1"


def test_canonical_values():
    city = {"type": "string", "description": "The city and state, e.g. Boston, MA."}
    assert canonical("location", city, "Chicago") == "Chicago, IL"
    assert canonical("location", city, "Paris") == "Paris"  # no state known: as it is
    assert canonical("location", STR, "Chicago") == "Chicago"  # no "City, ST" example
    assert canonical("to_currency", STR, "US dollars") == "USD"
    assert canonical("to_currency", STR, "dollars and euros") == "dollars and euros"
    assert canonical("function", STR, "x^2") == "x**2"
    assert canonical("function", STR, "the curve x^2") == "the curve x^2"  # not whole
    assert canonical("x", {"type": "integer"}, 5) == 5


def test_date_formats_spelt_in_words_or_cut_short():
    assert date_format({"description": "Start in the format of MM-DD-YYY."}) == "%m-%d-%Y"
    assert date_format({"description": "The date (month-day-year) you want."}) == "%m-%d-%Y"
    assert date_format({"description": "Date as YYYY-MM-DD."}) == "%Y-%m-%d"
    assert [d.isoformat() for d in dates_in("air quality in London 2022/08/16?")] == [
        "2022-08-16"]


def test_detail_flags_are_asked_by_the_word_detail():
    # 9 of the 10 dev flags named *detail* whose question says "detail" wanted True.
    assert flag_asked("details", "Get the weather for 3 days with details.")
    assert flag_asked("detailed", "Find me detailed information about the cell.")
    assert not flag_asked("detailed", "Find me information about the cell.")
