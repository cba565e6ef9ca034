"""Canonical forms (bfcl_forms): currencies as ISO codes, "^" formulas in Python syntax, and
the decoder choosing among them; the date forms the parameter's description spells out."""
from __future__ import annotations

import pytest

from loracle.agent.bfcl_decode import flag_asked
from loracle.agent.bfcl_enumerate import expand
from loracle.agent.bfcl_forms import canonical, canonical_args, canonical_forms, currencies, \
    currency_side, formulas, is_currency, is_formula, is_length_unit, is_ticker, \
    is_unit_param, paid, stated_unit, tickers
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
    # Two different currencies the question names, whole, the amount's the source,
    # whatever the (random) model.
    assert (args["from_currency"], args["to_currency"]) == ("British pounds", "Japanese yen")
    assert {canonical_args(FX, args)[p] for p in ("from_currency", "to_currency")} == {
        "GBP", "JPY"}
    args = bfcl_decoder("Calculate the derivative of the function 3x^2 + 2x - 1 at x = 5.",
                        DERIV)
    assert args["function"] == "3x^2 + 2x - 1"
    assert canonical_args(DERIV, args)["function"] == "3x**2 + 2x - 1"


def test_decoder_copies_a_named_company_the_answerer_writes_as_its_ticker(bfcl_decoder):
    f = {"name": "get_stock_price", "description": "Stock price.", "parameters": {
        "type": "dict", "required": ["company", "days"], "properties": {
            "company": {"type": "string", "description": "The ticker symbol of the company."},
            "days": {"type": "integer", "description": "Number of past days."}}}}
    args = bfcl_decoder("Get the stock price of Microsoft Corporation for the last 5 days.", f)
    assert args["company"] == "Microsoft Corporation"  # the only company: whatever the model
    assert canonical_args(f, args) == {"company": "MSFT", "days": 5}


def test_the_currency_an_amount_is_written_in_is_the_source():
    assert currency_side("from_currency") == currency_side("baseCurrency") == "from"
    assert currency_side("source_currency") == "from"
    assert currency_side("to_currency") == currency_side("target_currency") == "to"
    assert currency_side("currency") is None
    def amounts(q):
        return [q[a:b] for a, b, _ in paid(q, currencies(q))]
    assert amounts("Calculate the cost in British Pounds if I convert 200 US dollars.") == [
        "US dollars"]
    assert amounts("Convert $100 to euros, then 15000 Euro to US dollars.") == ["$", "Euro"]
    assert amounts("Get the exchange rate from British pounds to Japanese yen.") == []


@pytest.mark.parametrize("q, want", [
    ("Convert 200 euros to US dollars using current exchange rate.", ("euros", "US dollars")),
    ("What is the cost in British Pounds if I convert 200 US dollars?",
     ("US dollars", "British Pounds")),
    ("How many Canadian dollars can I get for 500 US dollars?",
     ("US dollars", "Canadian dollars"))])
def test_decoder_takes_the_amounts_currency_as_the_source(bfcl_decoder, q, want):
    args = bfcl_decoder(q, FX)
    assert (args["from_currency"], args["to_currency"]) == want


def test_canonical_values():
    city = {"type": "string", "description": "The city and state, e.g. Boston, MA."}
    assert canonical("location", city, "Chicago") == "Chicago, IL"
    assert canonical("location", city, "Paris") == "Paris"  # no state known: as it is
    assert canonical("location", STR, "Chicago") == "Chicago"  # no "City, ST" example
    assert canonical("month", STR, "Feb") == "February"  # written out
    assert canonical("month", STR, "Sept.") == "September"
    assert canonical("name", STR, "Feb") == "Feb"  # only a month parameter's
    named = {"type": "string", "description": "The city. In the format City, State."}
    assert canonical("location", named, "Chicago") == "Chicago, IL"  # the form named
    assert canonical("location", {"type": "string", "description": "The city, state or "
                                  "country."}, "Chicago") == "Chicago"
    assert canonical("to_currency", STR, "US dollars") == "USD"
    assert canonical("to_currency", STR, "dollars and euros") == "dollars and euros"
    assert canonical("function", STR, "x^2") == "x**2"
    assert canonical("function", STR, "the curve x^2") == "the curve x^2"  # not whole
    assert canonical("x", {"type": "integer"}, 5) == 5
    ticker = {"type": "string", "description": "The ticker symbol of the company."}
    assert canonical("company", ticker, "Apple Inc.") == "AAPL"
    assert canonical("company", ticker, "X") == "X"  # no company known: as it is
    assert canonical("company", STR, "Apple") == "Apple"  # a company name stays a name


def test_tickers_of_named_companies_and_written_codes():
    ticker = {"type": "string", "description": "The ticker symbol of the stock."}
    assert is_ticker("stock", ticker) and is_ticker("symbol", {
        "type": "string", "description": "The stock symbol of the company."})
    assert not is_ticker("company_name", {"type": "string", "description": "The company."})
    assert not is_ticker("stock", {**ticker, "enum": ["AAPL", "MSFT"]})
    q = "Prices for Apple Inc., Google LLC., and Microsoft Corporation on the NYSE."
    assert [(q[a:b], t) for a, b, t in tickers(q)] == [
        ("Apple Inc.", "AAPL"), ("Google LLC.", "GOOG"), ("Microsoft Corporation", "MSFT")]
    # The code written after a name is its ticker, and no second mention of the company.
    q = "I invested in Amazon.com, Inc. (AMZN) and in Zoom Video (ZM), then in MSFT."
    assert [(q[a:b], t) for a, b, t in tickers(q)] == [
        ("Amazon.com, Inc.", "AMZN"), ("ZM", "ZM"), ("MSFT", "MSFT")]
    assert tickers("Invest $5000 in stock 'X' for 7 years.") == []
    assert canonical_forms(q, "stock", ticker) == tickers(q)
    assert canonical_forms(q, "company_name", STR) == []


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


CIRCLE = {"name": "calculate_circumference", "description": "Circumference of a circle.",
          "parameters": {"type": "dict", "required": ["radius"], "properties": {
              "radius": {"type": "integer", "description": "The radius of the circle."},
              "unit": {"type": "string",
                       "description": "The unit of measurement for the radius. Default is 'cm'."}}}}


def test_a_unit_is_the_one_written_after_the_number_it_measures():
    props = CIRCLE["parameters"]["properties"]
    q = "What is the circumference of a circle with a radius of 4 inches?"
    at = q.index("4")
    assert stated_unit(q, "unit", props["unit"], props, {"radius": (at, at + 1)}) == "inches"
    q2 = "Circles with a radius of 5m, then 10m."
    assert stated_unit(q2, "unit", props["unit"], props, {"radius": (25, 26)}) == "m"
    # No unit after the number ("5 in the" is no unit), or the number's place unknown.
    q3 = "A radius of 5 in the first case."
    assert stated_unit(q3, "unit", props["unit"], props, {"radius": (12, 13)}) is None
    assert stated_unit(q, "unit", props["unit"], props, {}) is None
    # The unit of a derived quantity (an area) is not the lengths' unit; nor is a "5 million".
    area = {"type": "string", "description": "The measurement unit for the area."}
    tri = {"base": {"type": "integer"}, "height": {"type": "integer"}, "unit": area}
    q4 = "A triangle with a base of 12 meters and a height of 15 meters."
    spans = {"base": (q4.index("12"), q4.index("12") + 2),
             "height": (q4.index("15"), q4.index("15") + 2)}
    assert stated_unit(q4, "unit", area, tri, spans) is None
    used = {"type": "string", "description": "The unit of measure used."}
    assert stated_unit(q4, "unit", used, {**tri, "unit": used}, spans) == "meters"
    mixed = q4.replace("15 meters", "15 feet")
    spans["height"] = (mixed.index("15"), mixed.index("15") + 2)
    assert stated_unit(mixed, "unit", used, {**tri, "unit": used}, spans) is None  # two units
    assert is_length_unit("cm") and not is_length_unit("second")
    assert is_unit_param("to_unit", STR) and not is_unit_param("unit", {"type": "integer"})


def test_decoder_writes_the_radius_unit_and_the_enumeration_keeps_it(bfcl_decoder):
    q = ("What is the total circumference of two circles, where the first circle has a "
         "radius of 5cm, the second circle has a radius of 10cm?")
    args = bfcl_decoder(q, CIRCLE)
    assert args["radius"] in (5, 10) and args["unit"] == "cm"  # the copied number's unit
    calls = expand(q, {"radius": 5, "unit": "cm"}, props=CIRCLE["parameters"]["properties"])
    assert calls == [{"radius": 5, "unit": "cm"}, {"radius": 10, "unit": "cm"}]


def test_a_state_parameter_takes_a_named_state_or_a_named_citys_state():
    from loracle.agent.bfcl_forms import is_state, states
    q = "Provide me the official crime rate of violent crime in San Francisco in 2020."
    assert states(q) == [(55, 68, "CA")]  # not "official": only states and known cities
    q = "Supermarkets in Miami, and in Los Angeles, California"
    assert [f for *_, f in states(q)] == ["FL", "CA", "California"]
    state = {"type": "string", "description": "The state, e.g. CA."}
    assert is_state("state", state) and not is_state("statement", state)
    assert canonical("state", state, "San Francisco") == "CA"
    assert canonical("state", state, "Illinois") == "Illinois"
    assert canonical("city", {"type": "string"}, "San Francisco") == "San Francisco"


def test_a_place_keeps_the_country_or_state_the_question_writes_after_it():
    from loracle.agent.bfcl_places import with_region
    hotel = {"name": "hotel", "parameters": {"type": "dict", "properties": {
        "hotel_name": {"type": "string", "description": "Name."},
        "location": {"type": "string", "description": "The location of the hotel."}}}}
    q = "Rooms at 'Queens Hotel' in Berlin, Germany and 'Royal Hotel' in Paris, France."
    assert with_region(q, hotel, {"hotel_name": "Queens Hotel", "location": "Berlin"}) == {
        "hotel_name": "Queens Hotel", "location": "Berlin, Germany"}
    assert with_region(q, hotel, {"location": "Paris, France"}) == {"location": "Paris, France"}
    # US states too; not a city of an enumeration ("Philadelphia, Washington D.C."), not a
    # parameter that names no place, and not when the function takes the country itself.
    assert with_region("Parks in New York, New York.", hotel, {"location": "New York"}) == {
        "location": "New York, New York"}
    assert with_region("From Philadelphia, Washington D.C. and Miami", hotel,
                       {"location": "Philadelphia"}) == {"location": "Philadelphia"}
    assert with_region(q, hotel, {"hotel_name": "Berlin"}) == {"hotel_name": "Berlin"}
    weather = {"name": "w", "parameters": {"type": "dict", "properties": {
        "city": {"type": "string", "description": "City."},
        "country": {"type": "string", "description": "Country."}}}}
    assert with_region("Weather in Tokyo, Japan", weather, {"city": "Tokyo"}) == {"city": "Tokyo"}
    # An optional string that is only the region appended goes; a required one stays.
    book = {"name": "book", "parameters": {"type": "dict", "required": ["city", "guest"],
                                           "properties": {
        "city": {"type": "string", "description": "City."},
        "guest": {"type": "string", "description": "Guest name."},
        "room_type": {"type": "string", "description": "Room type."}}}}
    q2 = "Book a room in Paris, France for France Gall."
    assert with_region(q2, book, {"city": "Paris", "room_type": "France", "guest": "France"}) \
        == {"city": "Paris, France", "guest": "France"}
    assert with_region(q2, book, {"city": "Paris, France", "room_type": "France"}) == {
        "city": "Paris, France", "room_type": "France"}  # no region appended: kept


def test_a_country_after_a_citys_comma_is_no_sibling_but_countries_enumerate():
    from loracle.agent.bfcl_enumerate import alternatives
    q = "Hotels in Berlin, Germany and Paris, France for May."
    assert alternatives(q, "Berlin") == ["Berlin", "Paris"]
    assert alternatives("The GDP of Germany, France and Italy.", "Germany") == [
        "Germany", "France", "Italy"]


def test_a_country_parameter_takes_the_country_of_a_demonym():
    assert canonical("country", {"type": "string"}, "German") == "Germany"
    assert canonical("country_name", {"type": "string"}, "Japanese") == "Japan"
    assert canonical("country", {"type": "string"}, "Germany") == "Germany"
    assert canonical("cuisine", {"type": "string"}, "German") == "German"  # not a country


def test_a_plural_category_takes_the_descriptions_singular():
    from loracle.agent.bfcl_described import described_singular
    room = {"type": "string", "description": "Type of the room e.g. Living room, Bathroom etc."}
    assert canonical("room", room, "living rooms") == "living room"
    art = {"type": "string", "description": "Type of the artwork. E.g., painting, sculpture."}
    assert described_singular("sculptures", art) == "sculpture"
    # A name stays as written, and so does a plural the description writes too, a plural
    # it does not write at all, and a word ending in -ss.
    airline = {"type": "string", "description": "The name of the airline."}
    assert described_singular("Delta Airlines", airline) == "Delta Airlines"
    assert described_singular("rooms", {"description": "room or rooms"}) == "rooms"
    assert described_singular("forests", room) == "forests"
    assert described_singular("glass", {"description": "a glas"}) == "glass"


def test_a_word_takes_the_code_the_description_gives_for_it():
    from loracle.agent.bfcl_described import described_code
    order = {"type": "string", "description": "This can be 'asc' for ascending order, or "
                                              "'desc' for descending order."}
    assert canonical("order", order, "ascending") == "asc"
    assert described_code("Descending", order) == "desc"
    assert described_code("random", order) == "random"
    assert described_code("ascending", {"description": "The sort order."}) == "ascending"
