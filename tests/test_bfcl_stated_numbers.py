"""Numbers the question ties to a parameter or a list: a number written right after the
parameter's whole name ("a width of 30 meters"), a data list that writes a number twice
("3,4,5,2,8,5"), a range's ends ("between 1 and 1000"), a compounding frequency word
("monthly": 12) and a dropped object's initial velocity (0). The decoder runs on the tiny
random Llama, so what is asserted holds whatever the model prefers."""
from __future__ import annotations

from loracle.agent.bfcl_named import named_number_starts
from loracle.agent.bfcl_values import (bound_side, compounding_spans, number_spans, ranges,
                                        rest_spans)

RECT = {"name": "geometry_rectangle.calculate", "description": "Area of a rectangle.",
        "parameters": {"type": "dict", "required": ["width", "length"], "properties": {
            "width": {"type": "integer", "description": "The width of the rectangle."},
            "length": {"type": "integer", "description": "The length of the rectangle."}}}}
MEDIAN = {"name": "statistics.median", "description": "Median of data points.",
          "parameters": {"type": "dict", "required": ["data"], "properties": {
              "data": {"type": "array", "items": {"type": "integer"},
                       "description": "The data points."}}}}


def test_a_number_right_after_the_parameters_whole_name():
    q = "A net income of $100,000, panelArea: 50000, a width of 30 m and the length 50."
    starts = {lit: a for a, _, lit in number_spans(q, {"type": "float"})}
    assert named_number_starts(q, "net_income") == {starts["100000"]}
    assert named_number_starts(q, "panelArea") == {starts["50000"]}
    assert named_number_starts(q, "width") == {starts["30"]}
    assert starts["50"] in named_number_starts(q, "length")
    # Part of the name, or a word between name and number, ties nothing.
    assert not {starts["100000"]} & named_number_starts(q, "income_tax")
    q = "the width and length of 30"
    starts = {a for a, _, _ in number_spans(q, {"type": "integer"})}
    assert not named_number_starts(q, "width") & starts


def test_a_required_number_is_the_one_written_after_its_name(bfcl_decoder):
    for q in ("In a park there is a playground with a length of 50 meters and a width of 30 "
              "meters, 4 benches and 7 trees. What is its area?",
              "A lawn with a width of 30 meters and a length of 50 meters lies next to 2 "
              "sandboxes of 9 square meters."):
        args = bfcl_decoder(q, RECT)  # the random model alone picks any of four numbers
        assert args == {"width": 30, "length": 50}, (q, args)
    # Not when two numbers follow the name, nor when an unclaimed number comes first (a
    # later scenario's value: "2 sandboxes of 9 ... then a width of 30").
    bfcl_decoder.function = RECT
    for q in ("A width of 30 m, then a width of 40 m; a length of 50 m.",
              "2 sandboxes of 9 square meters, then a lawn with a width of 30 meters."):
        bfcl_decoder.param = "width"
        found = number_spans(q, {"type": "integer"})
        assert bfcl_decoder._named_number(q, found) == found, q


def test_a_list_takes_a_number_written_again_next(bfcl_decoder, monkeypatch):
    # A model that copies the question's numbers in order, asking for another item while
    # the question has one.
    q = "Determine the median for the data points 3,4,5,2,8,5 and 7."
    spans = number_spans(q, {"type": "integer"})

    def in_order(logits, options, close, penalised=frozenset(), limit=24):
        at = bfcl_decoder.num_after
        later = [lit for a, _, lit in spans if at is None or a > at]
        if not later:
            return options[0], bfcl_decoder.rbracket[0], logits
        return later[0], bfcl_decoder.comma[0], logits

    monkeypatch.setattr(bfcl_decoder, "_copy_choice", in_order)
    assert bfcl_decoder(q, MEDIAN)["data"] == [3, 4, 5, 2, 8, 5, 7]
    # A repeat the question writes after a full stop is no item: the list ends.
    q = "Determine the median for the data points 3,4,5. Use 3 bins."
    spans = number_spans(q, {"type": "integer"})
    assert bfcl_decoder(q, MEDIAN)["data"] == [3, 4, 5]


FV = {"name": "finance.predict_future_value", "description": "Future value.",
      "parameters": {"type": "dict", "required": ["present_value", "n"], "properties": {
          "present_value": {"type": "integer", "description": "The present value."},
          "n": {"type": "integer",
                "description": "The number of times that interest is compounded per year."},
          "periods_per_year": {"type": "integer", "description":
                               "How many times interest is compounded per year. Default 1."},
          "years": {"type": "integer", "description": "Years, compounded for."}}}}


def test_a_compounding_frequency_word_is_its_count(bfcl_decoder):
    n, years = FV["parameters"]["properties"]["n"], FV["parameters"]["properties"]["years"]
    q = "$5000 at 5% for 3 years, compounded quarterly, or with monthly compounding."
    assert [lit for *_, lit in compounding_spans(q, n)] == ["4", "12"]
    assert compounding_spans(q, years) == []  # no count of compoundings
    assert compounding_spans("an annual interest rate of 5% for 3 years", n) == []
    for word, count in (("monthly", 12), ("quarterly", 4), ("semi-annually", 2)):
        q = f"Predict the future value of $5000 at 5% in 3 years, compounded {word}."
        args = bfcl_decoder(q, FV)  # the random model alone picks 5000, 5 or 3
        assert args["n"] == count and args.get("periods_per_year") == count, (q, args)


KIN = {"name": "calculate_final_speed", "description": "Final speed of a falling object.",
       "parameters": {"type": "dict", "required": ["initial_velocity", "height"],
                      "properties": {
                          "initial_velocity": {"type": "integer", "description": "m/s."},
                          "height": {"type": "integer", "description": "Height in m."}}}}


def test_a_dropped_object_starts_at_zero(bfcl_decoder):
    assert [lit for *_, lit in rest_spans("an object dropped from 100 m", "initial_velocity")] \
        == ["0"]
    for h in (100, 250, 40):
        q = f"Calculate the final speed of an object dropped from {h} m with 3 kg of mass."
        assert bfcl_decoder(q, KIN)["initial_velocity"] == 0, q


INTEGRAL = {"name": "math.gaussian_integral", "description": "Integral of a function.",
            "parameters": {"type": "dict", "required": ["function", "lower_limit",
                                                         "upper_limit"], "properties": {
                "function": {"type": "string", "description": "The function."},
                "lower_limit": {"type": "float", "description": "Lower limit."},
                "upper_limit": {"type": "float", "description": "Upper limit."}}}}


def test_a_range_gives_each_end_its_number(bfcl_decoder):
    assert [bound_side(p) for p in ("lower_limit", "to_year", "start", "initial_velocity")] \
        == [0, 1, 0, None]
    q = "Sum the multiples of 3 and 5 between 1 and 1000, from 5 m to 10 m."
    assert [(x[2], y[2]) for x, y in ranges(q, {"type": "integer"})] == [
        ("1", "1000"), ("5", "10")]
    for q, ends in (("Integrate exp(-x^2) from -2 to 2.", (-2.0, 2.0)),
                    ("Integrate x^3 between 4 and 7, then report 9 digits.", (4.0, 7.0)),
                    ("Integrate 3x^2 from 10 to 5 (reversed).", (10.0, 5.0))):
        args = bfcl_decoder(q, INTEGRAL)  # the random model alone picks any number
        assert (args["lower_limit"], args["upper_limit"]) == ends, (q, args)


BUILDING = {"name": "analyze_structure", "description": "Structural analysis.",
            "parameters": {"type": "dict", "required": ["building_id", "floors"],
                           "properties": {
                               "building_id": {"type": "string", "description": "The id."},
                               "floors": {"type": "array", "items": {"type": "integer"},
                                          "description": "Floor numbers."}}}}


def test_an_identifier_written_after_the_parameters_name(bfcl_decoder):
    from loracle.agent.bfcl_named import named_ids
    q = "What is the dynamic analysis of the building with building Id B1004 for 2nd, 3rd " \
        "and 4th floors of Tower A7?"
    assert named_ids(q, "building_id") == [(q.index("B1004"), q.index("B1004") + 5, "B1004")]
    assert named_ids(q, "building_name") == []  # not named for an identifier
    assert bfcl_decoder(q, BUILDING)["building_id"] == "B1004"  # any model


def test_a_string_is_never_copied_from_inside_a_written_date(bfcl_decoder, monkeypatch):
    f = {"name": "hotel.book", "description": "Book a hotel.", "parameters": {
        "type": "dict", "required": ["location"], "properties": {
            "location": {"type": "string", "description": "Where."}}}}

    def earliest(logits, src, starts, ends, close, limit=24, bias=None):  # a model that
        a = min(starts)  # copies from the first place it may, one word
        return src[a:min(e for e in ends if e > a)], None, logits

    monkeypatch.setattr(bfcl_decoder, "_copy", earliest)
    q = "From March 10th, 2023 to July 20, 2023, a room near Manhattan."
    assert bfcl_decoder(q, f)["location"] == "room"  # not "March"


def test_an_optional_value_must_be_stated_in_the_functions_own_clauses(bfcl_decoder,
                                                                       monkeypatch):
    f = {"name": "get_event_date", "description": "Date of a historical event.",
         "parameters": {"type": "dict", "required": ["event"], "properties": {
             "event": {"type": "string", "description": "The event."},
             "year": {"type": "integer", "description": "Year it began."}}}}
    monkeypatch.setattr(bfcl_decoder, "_number", lambda logits, is_float: "100")
    q = "When was the Battle of Gettysburg? Then the speed after a fall of 100 meters."
    own = [(0, q.index("Then"))]
    # The whole question states 100; the function's own clause does not.
    assert bfcl_decoder(q, f).get("year") == 100
    assert "year" not in bfcl_decoder(q, f, region=own)


def test_a_number_the_clauses_leave_comes_from_elsewhere_before_a_taken_one(bfcl_decoder):
    f = {"name": "displacement", "description": "Displacement of a car.", "parameters": {
        "type": "dict", "required": ["speed", "acceleration"], "properties": {
            "speed": {"type": "integer", "description": "Initial speed."},
            "acceleration": {"type": "integer", "description": "Acceleration."}}}}
    q = "A car has speed 20 now. Then what if it gains 10 each second for 5 seconds?"
    own = [(0, q.index("Then"))]  # its clauses state one number only
    args = bfcl_decoder(q, f, region=own)
    assert args["speed"] == 20  # any model: the clauses' one number
    assert args["acceleration"] in (10, 5)  # not 20 again


def test_a_number_of_the_kind_the_parameter_refuses_is_not_its_value(bfcl_decoder):
    from loracle.agent.bfcl_kinds import fits, number_kind, param_kinds
    q = ("John has $5000 and 200 euros. Invest for 5 years, a 30-day trial, at 4% a year. "
         "A wall of 30 feet covers 400 square feet.")
    at = {lit: (a, b) for a, b, lit in number_spans(q, {"type": "integer"})}
    assert [number_kind(q, *at[n]) for n in ("5000", "200", "5", "4", "400")] == [
        "money", "money", "duration", "percent", "area"]
    assert number_kind(q, q.index("30-"), q.index("30-") + 2) == "duration"
    assert number_kind(q, q.index("30 f"), q.index("30 f") + 2) == "length"
    assert param_kinds("principle_amount") == {"money"} and param_kinds("time") == {"duration"}
    assert param_kinds("annual_rate") == {"rate"}
    assert param_kinds("short_term_gain") == set()  # money named for a term, no duration
    area = "The area in square feet that one gallon of paint can cover."
    assert param_kinds("coverage_rate", area) == {"rate", "area"}
    assert param_kinds("height", "Height of the wall in feet.") == {"length"}
    assert param_kinds("side", "The side length of the square.") == {"length"}
    assert not fits(q, "principal", at["5"]) and not fits(q, "years", at["5000"])
    assert not fits(q, "interest_rate", at["5"]) and fits(q, "interest_rate", at["4"])
    rate = {"type": "integer", "description": area}
    assert not fits(q, "coverage_rate", (q.index("30 f"), q.index("30 f") + 2), rate)
    assert fits(q, "coverage_rate", at["400"], rate) and not fits(q, "height", at["400"])
    assert fits(q, "count", at["5"])  # a parameter of no kind takes any number
    f = {"name": "interest", "description": "Simple interest.", "parameters": {
        "type": "dict", "required": ["principal", "time"], "properties": {
            "principal": {"type": "integer", "description": "The principal."},
            "time": {"type": "integer", "description": "Time in years."}}}}
    q = "Over 5 years, with $5000, what is the interest?"
    # The random model alone would pick either number for either parameter.
    assert bfcl_decoder(q, f) == {"principal": 5000, "time": 5}
    # Where the function's clauses state only a refused number, a fitting one from
    # elsewhere in the question is taken.
    own = [(0, q.index(","))]
    assert bfcl_decoder(q, f, region=own)["principal"] == 5000



def test_a_quoted_value_before_another_parameters_name_is_not_this_ones(bfcl_decoder,
                                                                       monkeypatch):
    from loracle.agent.bfcl_named import claimed_starts
    f = {"name": "game_score.highest", "description": "Highest score.", "parameters": {
        "type": "dict", "required": ["region", "platform"], "properties": {
            "region": {"type": "string", "description": "The region."},
            "platform": {"type": "string", "description": "The platform."}}}}
    q = "The top score on 'Playstation' platform in the 'Asia' region?"
    assert claimed_starts(q, f, "region") == {q.index("Playstation")}
    assert claimed_starts(q, f, "platform") == {q.index("Asia")}
    dna = {"name": "analyze", "parameters": {"type": "dict", "properties": {
        "sequence": {"type": "string"}, "reference_sequence": {"type": "string"}}}}
    q2 = "Analyze the DNA sequence 'AGTCG' against a reference sequence 'AGTCC'."
    # Two-word names claim the value after them; "sequence" alone claims nothing.
    assert claimed_starts(q2, dna, "sequence") == {q2.index("AGTCC")}
    assert claimed_starts(q2, dna, "reference_sequence") == set()

    def first_quoted(logits, src, starts, ends, close, limit=24, bias=None):
        a = min(i for i in starts if src[i - 1:i] == "'")  # the first quoted value it may
        return src[a:src.index("'", a)], None, logits

    monkeypatch.setattr(bfcl_decoder, "_copy", first_quoted)
    assert bfcl_decoder(q, f) == {"region": "Asia", "platform": "Playstation"}
