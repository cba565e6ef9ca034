"""Small rules on what the question states: an optional value with no words ("2022-12-31") is
stated, not a name; values a description lists without quotes; an enum value's digits ("2D"
does not name "3D"); a number written with the unit its description names ("3.5 m/s^2"); an
exponent is no value ("x^2"); a verb that leads up to a value never starts one ("made of
marble"); dimensions with a unit are a written list ("16x16 inches"); an enum value in
camel case is named ("free WiFi"); a formula's siblings are the other whole formulas ("4y^3
- 3y^2 + 2y - 1", not "4y"); a clock time is an hour in 24 hour format ("11 PM": 23); a
period with no number is its days ("the next week": 7); feet and inches are inches, and SI
prefixes scale to the unit the description names ("50mH": 0.05). The decoder runs on the
tiny random Llama, so what is asserted holds whatever the model prefers (or the choice is
pinned where the rule is about the options).
"""
from __future__ import annotations

from loracle.agent.bfcl_values import (described_values, enum_mentions, lead_verbs,
                                        named_enums, spans)

RESERVE = {"name": "library.reserve_book", "description": "Reserve a book.", "parameters": {
    "type": "dict", "required": ["book_id"], "properties": {
        "book_id": {"type": "string", "description": "The book's id."},
        "return_date": {"type": "string", "description": "When it comes back (optional)."},
        "month": {"type": "string", "description": "The month."}}}}


def test_an_optional_value_without_words_is_stated_not_a_name(bfcl_decoder, monkeypatch):
    q = "Reserve the book '123ABC' for this month. I plan to return it by '2022-12-31'."
    for copied, kept in (("2022-12-31", True), ("-122.4194", False), ("month", True)):
        monkeypatch.setattr(bfcl_decoder, "_copy_string",  # what the model would copy
                            lambda logits, question, spec, named=False, v=copied: (
                                v, None, logits))
        args = bfcl_decoder(q, RESERVE, fixed={"book_id": "123ABC"})
        # A date has no words and names nothing; a bare number is no string.
        assert (args.get("return_date") == copied) is kept
        # "month" for month names the parameter only (the copy the others got is another
        # value's, or a number).
        assert "month" not in args


MEAL = {"type": "string", "description": "Type of the meal, it's optional and could be "
        "breakfast, lunch or dinner. Default is all if not specified."}


def test_values_a_description_lists_without_quotes(bfcl_decoder):
    assert described_values(MEAL) == ["breakfast", "lunch", "dinner"]
    assert described_values({"type": "string", "description": "It can be length, width or "
                             "diagonal."}) == ["length", "width", "diagonal"]
    # Examples do not bound the value; one value is no list.
    assert described_values({"type": "string", "description": "Can be e.g. London or "
                             "Paris."}) == []
    assert described_values({"type": "string", "description": "Must be positive."}) == []
    f = {"name": "restaurant_search", "description": "Find a restaurant.", "parameters": {
        "type": "dict", "required": ["city"], "properties": {
            "city": {"type": "string", "description": "City."}, "meal": MEAL}}}
    assert named_enums(f["parameters"]["properties"], "a lunch place")["meal"]["enum"][1] \
        == "lunch"
    args = bfcl_decoder("Then for lunch I want a new restaurant in Boston.", f)
    assert args["meal"] == "lunch"


def test_an_enum_value_with_digits_is_named_only_with_them():
    q = "movie releases in the IMAX format in New York and in the 2D format in Los Angeles"
    assert [v for *_, v in enum_mentions(q, ["IMAX", "2D", "3D"])] == ["IMAX", "2D"]
    assert [v for *_, v in enum_mentions("a 4k screen", ["4K", "8K"])] == ["4K"]


MOTION = {"name": "calculate_displacement", "description": "Displacement of an object.",
          "parameters": {"type": "dict", "required": ["initial_velocity", "time"],
                         "properties": {
                             "initial_velocity": {"type": "integer",
                                                  "description": "Initial velocity in m/s."},
                             "time": {"type": "integer", "description": "Time in seconds."},
                             "acceleration": {"type": "float", "description":
                                              "The acceleration of the object in m/s^2."}}}}


def test_an_optional_number_written_with_its_descriptions_unit(bfcl_decoder):
    q = "A car moving at 15 m/s speeds up at 3.5 m/s^2 for 7 seconds. How far does it go?"
    assert bfcl_decoder(q, MOTION)["acceleration"] == 3.5
    # "15 m/s" is no m/s^2; with no number in that unit the value is not taken from it.
    q = "A car moving at 15 m/s for 7 seconds. How far does it go?"
    assert bfcl_decoder(q, MOTION).get("acceleration") in (None, 15, 7)


QUADRATIC = {"name": "solve.quadratic_equation", "description": "Roots of a quadratic.",
             "parameters": {"type": "dict", "required": ["a", "b", "c"], "properties": {
                 "a": {"type": "integer", "description": "Coefficient of x^2."},
                 "b": {"type": "integer", "description": "Coefficient of x."},
                 "c": {"type": "integer", "description": "Constant term."}}}}


def test_an_exponent_is_no_value(bfcl_decoder, monkeypatch):
    # The model takes the first option it is offered: the exponent would come first.
    monkeypatch.setattr(bfcl_decoder, "_copy_choice", lambda logits, opts, close, again=(): (
        opts[0], None, logits))
    q = "Solve a quadratic equation where the coefficient of x^2 is 5, the coefficient of x " \
        "is 6, and the constant term is 1."
    args = bfcl_decoder(q, QUADRATIC)
    assert 2 not in args.values() and set(args.values()) <= {5, 6, 1}


def test_a_verb_that_leads_up_to_a_value_never_starts_one(bfcl_decoder):
    q = "Price a sculpture made of marble, named 'Dawn', of the Made In Italy brand."
    leads = lead_verbs(q)
    assert leads == {q.index("made"), q.index("named")}  # capitalised: a name may start
    starts, _ = spans(q, exclude=leads)  # as the decoder asks for them
    assert q.index("made") not in starts and q.index("marble") in starts
    price = {"name": "sculpture_price", "description": "Price of a sculpture.", "parameters": {
        "type": "dict", "required": ["material"], "properties": {
            "material": {"type": "string", "description": "Material."}}}}
    for _ in range(3):  # whatever the (random) model prefers
        assert not bfcl_decoder("Price a sculpture made of marble.", price)["material"] \
            .startswith("made")


def test_dimensions_with_their_unit_are_a_written_list(bfcl_decoder):
    from loracle.agent.bfcl_values import number_lists
    q = "Price a 4 ft x 4 ft marble statue and a 6 ft x 3 ft bronze one, in a 2x2 table."
    assert [t for *_, t in number_lists(q)] == ["4, 4", "6, 3"]  # the table has no unit
    paint = {"name": "painting.create", "description": "Create a painting.", "parameters": {
        "type": "dict", "required": ["dimensions"], "properties": {"dimensions": {
            "type": "array", "items": {"type": "integer"}, "description": "Size."}}}}
    args = bfcl_decoder("Create a square painting, dimensions 16x16 inches, for 30 s.", paint)
    assert args["dimensions"] == [16, 16]  # whole, whatever the (random) model prefers


def test_an_enum_value_written_in_camel_case_is_named():
    q = "hotels with amenities like free WiFi, breakfast included, and gym facility"
    values = ["Free WiFi", "Breakfast Included", "Gym", "Pool"]
    assert [v for *_, v in enum_mentions(q, values)] == ["Free WiFi", "Breakfast Included",
                                                          "Gym"]
    # A value written whole still names one split ("PlayStation" names "Playstation").
    assert [v for *_, v in enum_mentions("on PlayStation", ["Playstation", "Xbox"])] == [
        "Playstation"]


def test_a_formulas_siblings_are_the_other_whole_formulas():
    from loracle.agent.bfcl_enumerate import expand
    q = "Compute the derivative of the function 3x^2 + 2x - 1 at the value 5, and then the " \
        "derivative of the function 4y^3 - 3y^2 + 2y - 1 at the value 3."
    props = {"function": {"type": "string"}, "value": {"type": "integer"}}
    calls = expand(q, {"function": "3x^2 + 2x - 1", "value": 5}, frozenset(), props)
    assert [c["function"] for c in calls] == ["3x^2 + 2x - 1", "4y^3 - 3y^2 + 2y - 1"]
    assert [c["value"] for c in calls] == [5, 3]
    # Only those in the function's own clauses.
    calls = expand(q, {"function": "3x^2 + 2x - 1", "value": 5}, frozenset(), props,
                   region=[(0, q.index("and then"))])
    assert [c["function"] for c in calls] == ["3x^2 + 2x - 1"]


def test_a_clock_time_is_an_hour_in_24_hour_format(bfcl_decoder):
    from loracle.agent.bfcl_values import clock_hours
    vegan = {"name": "vegan_restaurant.find_nearby", "description": "Vegan restaurants.",
             "parameters": {"type": "dict", "required": ["location"], "properties": {
                 "location": {"type": "string", "description": "The city."},
                 "operating_hours": {"type": "integer", "description": "Latest closing "
                                     "time. This is in 24 hour format."}}}}
    spec = vegan["parameters"]["properties"]["operating_hours"]
    assert [h for *_, h in clock_hours("open until 11 PM or 9 a.m.", spec)] == ["23", "9"]
    assert clock_hours("open until 11 PM", {"type": "integer", "description": "Hour."}) == []
    for q, want in (("Find a vegan restaurant in Boston that opens until at least 11 PM.", 23),
                    ("Find vegan restaurants in Austin open until at least 22:00.", 22)):
        assert bfcl_decoder(q, vegan)["operating_hours"] == want


def test_a_period_with_no_number_is_its_days(bfcl_decoder):
    from loracle.agent.bfcl_values import period_days
    days = {"type": "integer", "description": "Number of days for the forecast."}
    assert period_days("What will the air quality be for the next week?", "days", days) == "7"
    assert period_days("Concerts in the upcoming month", "days", days) == "30"
    assert period_days("the next week", "year", {"type": "integer"}) is None  # no days
    aq = {"name": "air_quality_forecast", "description": "Air quality forecast.",
          "parameters": {"type": "dict", "required": ["location", "days"], "properties": {
              "location": {"type": "string", "description": "The city."}, "days": days}}}
    assert bfcl_decoder("What will be the air quality index of New York for the next week?",
                        aq)["days"] == 7
    # A number the question writes still comes first.
    assert bfcl_decoder("Air quality in Boston for the next 3 days of the week?", aq)[
        "days"] == 3


def test_feet_and_inches_are_inches_and_si_prefixes_scale_to_the_base_unit():
    from loracle.agent.bfcl_values import number_spans
    lits = lambda q, spec: [lit for *_, lit in number_spans(q, spec)]  # noqa: E731
    num = {"type": "integer", "description": "Height of the person in inches."}
    assert lits("weight 150lbs and height 5ft 10in, lightly active", num) == ["150", "70"]
    assert lits("I am a 180 lbs, 5'11\" tall individual", num) == ["180", "71"]
    henries = {"type": "float", "description": "The inductance (L) in henries (H)."}
    assert lits("capacitance of 100µF and inductance of 50mH.", henries) == ["100", "0.05"]
    # Only for the unit the description names; "5m" is metres, no prefix.
    assert lits("a 5m rope, 10 kW", {"type": "float", "description": "Power in watts."}) \
        == ["5", "10000.0"]
    assert lits("inductance of 50mH", {"type": "float", "description": "Inductance."}) == [
        "50"]
