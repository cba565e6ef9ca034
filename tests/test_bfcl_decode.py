"""The BFCL value rules and the constrained decoder. The decoder runs on the tiny random
Llama: whatever its weights, a required value must be a span of the question (or of a
rewrite the parameter asks for), a number must be one the question states, an enum value one
of the enum. That is the constraint's whole promise, so it is what these tests hold it to."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer, adds_nothing, clause_spans, regions
from loracle.agent.bfcl_decode import flag_asked
from loracle.agent.bfcl_enumerate import alternatives
from loracle.agent.bfcl_gate import GATE_FEATURES, repeat_log_odds
from loracle.agent.bfcl_values import (date_format, dates_in, grounded, number_spans,
                                        rest_spans, rewrites, spans)

HOTEL = {"name": "book_hotel", "description": "Book a hotel room.",
         "parameters": {"type": "dict", "required": ["hotel_name", "nights", "room", "start"],
                        "properties": {
                            "hotel_name": {"type": "string", "description": "Hotel name."},
                            "nights": {"type": "integer", "description": "Nights."},
                            "room": {"type": "string", "enum": ["single", "double", "suite"],
                                     "description": "Room type."},
                            "start": {"type": "string",
                                      "description": "Start date, format YYYY-MM-DD."},
                            "rate": {"type": "float", "description": "Discount rate."}}}}


def number_candidates(q: str, spec: dict) -> list[str]:
    return [lit for _, _, lit in number_spans(q, spec)]


def test_numbers_as_stated_percentages_as_fractions_and_words():
    q = "Invest $10,000 at 5% for two years, then 3.5 percent."
    assert number_candidates(q, {"type": "float"}) == ["10000", "0.05", "2", "0.035"]
    # A description that asks for a percentage keeps it as written.
    assert "5" in number_candidates(q, {"type": "float", "description": "Rate in percent."})
    # Integers keep a percentage as written (what the dev questions wanted 19 times of 19).
    assert number_candidates(q, {"type": "integer"}) == ["10000", "5", "2"]
    assert [s for s, _, lit in number_spans(q, {"type": "integer"})] == [
        q.index("10,000"), q.index("5%"), q.index("two")]


def test_millions_are_written_out_but_kelvin_and_metres_are_not_scaled():
    q = "Revenue of $1.2M in 2020, 213 million people, 9.597 million km2, at 300K over 5m."
    assert number_candidates(q, {"type": "integer"}) == [
        "1200000", "2020", "213000000", "9597000", "300", "5"]
    a, b, _ = number_spans(q, {"type": "float"})[2]
    assert q[a:b] == "213 million"  # the span covers the word, for the enumeration rule
    assert grounded(213000000, q) and not grounded(213, "one of 213000 people")


def test_dates_in_the_format_the_parameter_asks_for():
    q = "Book from May 12, 2022 until 1st June 2022 (or 2022-06-03, 06/04/2022)."
    assert [d.isoformat() for d in dates_in(q)] == ["2022-05-12", "2022-06-01",
                                                     "2022-06-03", "2022-06-04"]
    # The year first, dashes month first, and a date without a year after one with it.
    q2 = "Not 20th June: from 2023 April 4th to April 8th, or 12-01-2022, not March 2021."
    assert [d.isoformat() for d in dates_in(q2)] == ["2023-04-04", "2023-04-08", "2022-12-01"]
    assert dates_in("Either July 1st or 20th June.") == []  # no year anywhere
    assert date_format({"description": "Check-in date in MM-DD-YYYY."}) == "%m-%d-%Y"
    assert date_format({"description": "The city."}) is None
    assert rewrites(q, {"description": "Start date."})[:2] == ["2022-05-12", "2022-06-01"]
    assert rewrites("the function 3x^2", {"description": "f"}) == ["the function 3x**2"]


def test_copy_spans_respect_words_names_and_formulas():
    q = "Find the hours for the Louvre Museum and La Liga scores, f(x) = 3x^2."
    starts, ends = spans(q, exclude=set())
    words_at = {q[s:].split()[0] for s in starts}
    assert "Find" not in words_at and "the" not in words_at and "for" not in words_at
    assert "Louvre" in words_at and "Museum" not in words_at  # no start inside a name
    assert "La" in words_at and "Liga" not in words_at
    assert "f(x)" not in words_at and "3x^2." in words_at
    assert q.index("Louvre") + len("Louvre") not in ends  # nor an end inside one
    assert q.index("Museum") + len("Museum") in ends
    assert spans(q, exclude={q.index("Louvre")})[0].count(q.index("Louvre")) == 0


def test_flags_only_when_named():
    assert flag_asked("include_human_impact", "growth for 5 years including human impact")
    assert not flag_asked("include_human_impact", "growth of the forest for 5 years")
    assert not flag_asked("detailed", "Who discovered it?")
    # A name's abbreviation is named by the word written out.
    assert flag_asked("include_stats", "The last game played by Liverpool. Include its statistics.")
    assert flag_asked("extra_info", "The movie, with additional information like its cast.")
    assert not flag_asked("include_stats", "The last game played by Liverpool.")


def test_each_function_reads_its_own_clause():
    q = "Convert 5000 euros to dollars. Then find the weather in Paris tomorrow."
    assert [q[a:b].strip() for a, b in clause_spans(q)] == [
        "Convert 5000 euros to dollars.", "Then find the weather in Paris tomorrow."]
    conv = {"name": "convert_currency", "description": "Convert euros to dollars."}
    wea = {"name": "weather", "description": "Find the weather in a city."}
    where = regions(q, [conv, wea], FakeEncoder())
    assert [q[a:b] for a, b in where["convert_currency"]] == ["Convert 5000 euros to dollars. "]
    assert "Paris" in q[slice(*where["weather"][0])]
    assert regions(q, [conv], FakeEncoder()) == {}


def test_continued_lists_stop_at_a_repeat_or_a_missing_value():
    area = {"name": "area", "description": "Area of a square.", "parameters": {
        "type": "dict", "required": ["side"], "properties": {"side": {"type": "integer"}}}}
    def dec(question, function, prev=None, region=None, fixed=None):
        nums = [int(n) for n in question.split() if n.isdigit()]
        k = len(prev or [])
        return {"side": nums[min(k, len(nums) - 1)]}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "p", "question": [[{"role": "user", "content": "Areas of squares with side "
                                     "3 then side 7 then side 9"}]], "function": [area]}
    assert [c["arguments"]["side"] for c in a.answer(row)] == [3, 7, 9]
    a.gate = {"features": GATE_FEATURES, "baseline": -1.0, "trees": []}  # the gate: one call
    # (three enumerated values are calls whatever the gate says: two here)
    row["question"][0][0]["content"] = "Areas of squares with side 3 then side 7"
    assert [c["arguments"]["side"] for c in a.answer(row)] == [3]


class LateFirst:
    """A decoder with the LM's late bias: a first call copies the last year its region
    states, a continued one the first year after the last call's; it records where its
    values stand (`positions`), as LMArgDecoder does."""

    def __init__(self):
        self.positions: dict = {}

    def __call__(self, question, function, prev=None, region=None, fixed=None,
                 fresh=frozenset()):
        years = [(m.start(), m.end(), int(m.group())) for m in re.finditer(r"\d{4}", question)]
        if prev:
            after = max(e for _, e in self.positions.values())
            years = [y for y in years if y[0] >= after]
            if not years:
                return dict(prev[-1])
            pick = years[0]
        else:
            pick = ([y for y in years if any(a <= y[0] < b for a, b in region or [])]
                    or years)[-1]
        self.positions = {"year": pick[:2]}
        return {"year": pick[2]}


def test_a_first_call_with_a_later_scenarios_values_restarts_from_the_opening_clauses():
    turtles = {"name": "turtles", "description": "Turtle population.", "parameters": {
        "type": "dict", "required": ["year"], "properties": {"year": {"type": "integer"}}}}
    row = {"id": "t", "function": [turtles], "question": [[{"role": "user", "content":
           "Turtle population in the Galapagos in 2015. Then the same for 2020 please."}]]}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=LateFirst(), threshold=0.0)
    assert [c["arguments"]["year"] for c in a.answer(row)] == [2015, 2020]
    # A decoder that keeps no positions gives no restart: the late call stands alone.
    plain = LateFirst()
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=lambda *x, **k: plain(*x, **k),
                     threshold=0.0)
    assert [c["arguments"]["year"] for c in a.answer(row)] == [2020]


class LateOptional:
    """A decoder that copies a first call's optional value stated at the question's end
    ("Plus their cost for children"): its position ends the first scenario there, so a
    continued call finds no name after it and repeats the last call."""

    def __init__(self):
        self.positions: dict = {}

    def __call__(self, question, function, prev=None, region=None, fixed=None,
                 fresh=frozenset()):
        inside = [(a, b) for a, b in region or [(0, len(question))]]
        names = [m for m in re.finditer(r"'(\w+)'", question)
                 if any(a <= m.start() < b for a, b in inside)]
        kid = next((m for m in re.finditer(r"children", question)
                    if any(a <= m.start() < b for a, b in inside)), None)
        if prev:
            after = max(e for _, e in self.positions.values())
            names = [m for m in names if m.start() >= after]
            if not names:
                return dict(prev[-1])
        call, self.positions = {"name": names[0].group(1)}, {"name": names[0].span()}
        if kid:
            call["visitor"], self.positions["visitor"] = "children", kid.span()
        return call


def test_a_restart_that_drops_a_late_optional_value_continues_after_the_old_first_call():
    show = {"name": "exhibition", "description": "Exhibition details.", "parameters": {
        "type": "dict", "required": ["name"], "properties": {
            "name": {"type": "string"}, "visitor": {"type": "string"}}}}
    row = {"id": "e", "function": [show], "question": [[{"role": "user", "content":
           "Details of 'Wonder' in the Louvre, and 'Reptiles' in the British Museum. "
           "Plus their cost for children."}]]}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=LateOptional(), threshold=0.0)
    # The restart from the first sentence has no visitor; the list it continues is kept,
    # led by the old first call with its visitor.
    assert [c["arguments"] for c in a.answer(row)] == [
        {"name": "Wonder", "visitor": "children"}, {"name": "Reptiles", "visitor": "children"}]


def test_a_continued_call_that_states_nothing_new_ends_the_list():
    market = {"name": "market", "description": "Index performance.", "parameters": {
        "type": "dict", "required": ["indexes", "days"], "properties": {
            "indexes": {"type": "array", "items": {"type": "string"}},
            "days": {"type": "integer"}}}}
    def dec(question, function, prev=None, region=None, fixed=None):
        return [{"indexes": ["S&P 500", "Dow Jones"], "days": 5},
                {"indexes": ["Dow Jones"], "days": 5}][min(len(prev or []), 1)]
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "m", "question": [[{"role": "user", "content": "The S&P 500 and the Dow "
                                     "Jones over the past 5 days"}]], "function": [market]}
    assert [c["arguments"] for c in a.answer(row)] == [{"indexes": ["S&P 500", "Dow Jones"],
                                                        "days": 5}]
    assert adds_nothing({"indexes": ["Dow Jones"], "days": 5}, [{"indexes": ["S&P 500",
                                                                 "Dow Jones"], "days": 5}])
    # a new scalar against the last call, or a new list item, is something new
    assert not adds_nothing({"indexes": ["Dow Jones"], "days": 7},
                            [{"indexes": ["Dow Jones"], "days": 5}])
    assert not adds_nothing({"indexes": ["Nasdaq"], "days": 5},
                            [{"indexes": ["Dow Jones"], "days": 5}])


def test_random_model_can_only_copy_what_the_question_states(bfcl_decoder):
    q = "Book the Grand Plaza for 3 nights in a suite from May 12, 2022 at a 5% rate."
    args = bfcl_decoder(q, HOTEL)
    assert set(args) >= {"hotel_name", "nights", "room", "start"}
    assert args["hotel_name"] in q and args["hotel_name"].strip()
    assert args["nights"] in (3, 12, 2022, 5)
    assert args["room"] in ("single", "double", "suite")
    assert args["start"] == "2022-05-12"
    if "rate" in args:  # optional: kept only when stated
        assert args["rate"] in (0.05, 5.0, 3.0, 12.0, 2022.0)
    assert bfcl_decoder(q, HOTEL) == args  # greedy: deterministic


def test_continued_call_takes_the_same_or_a_later_value(bfcl_decoder):
    f = {"name": "square", "description": "Square a number.", "parameters": {
        "type": "dict", "required": ["x"], "properties": {"x": {"type": "integer"}}}}
    q = "Square 4, then 6, then 8."
    first = bfcl_decoder(q, f)
    nxt = bfcl_decoder(q, f, prev=[first])
    assert first["x"] in (4, 6, 8)
    assert nxt["x"] == first["x"] or nxt["x"] > first["x"]


def test_gate_trees_in_json_score_as_sklearn_does():
    from sklearn.ensemble import HistGradientBoostingClassifier

    from loracle.agent.bfcl_gate import fit_gate, gate_score
    rng = np.random.default_rng(0)
    X = rng.normal(size=(800, len(GATE_FEATURES)))
    y = (X[:, 2] + X[:, 9] * X[:, 0] > 0.3).astype(float)
    gate = json.loads(json.dumps(fit_gate(X, y)))  # what save/load sees
    ref = HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05,
                                         class_weight="balanced", random_state=0,
                                         early_stopping=False).fit(X, y)
    Xt = rng.normal(size=(200, len(GATE_FEATURES)))
    assert np.allclose([gate_score(gate, list(x)) for x in Xt], ref.decision_function(Xt))
    assert 0.8 < np.mean([(gate_score(gate, list(x)) >= 0) == (x[2] + x[9] * x[0] > 0.3)
                          for x in Xt])


def test_enum_mentions_by_stem_in_question_order_longest_wins():
    from loracle.agent.bfcl_values import enum_mentions
    q = "Is the vintage game like new? Show strength and weakness traits, and the trial date."
    vals = ["New", "Like New", "Used", "strengths", "weaknesses", "trial_date", "status"]
    assert [v for *_, v in enum_mentions(q, vals)] == ["Like New", "strengths", "weaknesses",
                                                       "trial_date"]
    a, b, _ = enum_mentions(q, ["Like New"])[0]
    assert q[a:b].lower() == "like new"
    assert enum_mentions("Nothing here.", vals) == []
    # A shared stem of six letters or more, each suffix at most five: "vaporizing" names
    # "vaporization"; "transportation" still does not name "transit" (stem "trans").
    phases = ["melting", "freezing", "vaporization", "condensation"]
    q = "I melt ice, freeze it, then I am vaporizing water and condensing it back."
    assert [v for *_, v in enum_mentions(q, phases)] == ["melting", "vaporization",
                                                         "condensation"]
    assert enum_mentions("public transportation", ["transit", "driving"]) == []


AMENITY = {"name": "find_park", "description": "Find parks.", "parameters": {
    "type": "dict", "required": ["city"], "properties": {
        "city": {"type": "string", "description": "City."},
        "amenities": {"type": "array", "description": "Wanted amenities.", "items": {
            "type": "string", "enum": ["Tennis Court", "Picnic Area", "Playground", "Pool"]}},
        "order": {"type": "string", "enum": ["nearest", "largest"], "description": "Sort."}}}}


def test_optional_enums_only_take_named_values_and_lists_take_the_enumeration(bfcl_decoder):
    q = "Find parks in Denver that have a Tennis Court and a Picnic Area."
    args = bfcl_decoder(q, AMENITY)
    assert "order" not in args  # named nowhere: left to the default
    assert args["amenities"] == ["Tennis Court", "Picnic Area"]  # the whole enumeration
    args = bfcl_decoder("Find the largest parks in Denver with a pool.", AMENITY)
    assert args["order"] == "largest" and args["amenities"] == ["Pool"]
    # A continued call that repeats the last call's list repeats it whole.
    q = "Parks in Denver with a Tennis Court and a Picnic Area, and then the same in Boston."
    first = bfcl_decoder(q, AMENITY, fixed={"city": "Denver"})
    assert first["amenities"] == ["Tennis Court", "Picnic Area"]
    nxt = bfcl_decoder(q, AMENITY, prev=[first], fixed={"city": "Boston"})
    assert nxt["amenities"] == ["Tennis Court", "Picnic Area"]
    # Quoted items are one enumeration too, and a quoted item elsewhere is not in it.
    q = "In Denver, I'd like both a 'Playground' and 'Tennis Court'. A 'Pool' is not needed."
    assert bfcl_decoder(q, AMENITY)["amenities"] == ["Playground", "Tennis Court"]


def test_optional_number_next_to_its_name_is_taken(bfcl_decoder):
    aq = {"name": "air_quality", "description": "Air quality index.", "parameters": {
        "type": "dict", "required": ["city"], "properties": {
            "city": {"type": "string", "description": "City."},
            "days": {"type": "integer", "description": "Days to fetch. Default today."}}}}
    args = bfcl_decoder("Find the air quality index in San Jose for the next three days.", aq)
    assert args["days"] == 3


def test_an_optional_year_is_a_number_written_as_a_year(bfcl_decoder):
    turtles = {"name": "turtle_population", "description": "Turtle population.",
               "parameters": {"type": "dict", "required": ["location"], "properties": {
                   "location": {"type": "string", "description": "Where."},
                   "year": {"type": "integer", "description": "Which. Default: this year."}}}}
    q = "What is the population of turtles in the Galapagos Islands in 2015, with 40 nests?"
    assert bfcl_decoder(q, turtles)["year"] == 2015


def test_an_optional_string_the_question_names_is_copied_from_it(bfcl_decoder):
    book = {"name": "book_hotel", "description": "Book a room.", "parameters": {
        "type": "dict", "required": ["hotel"], "properties": {
            "hotel": {"type": "string", "description": "Hotel name."},
            "view": {"type": "string", "description": "The room's view."},
            "month": {"type": "string", "description": "Month of the stay."}}}}
    q = "Book a room in Hotel Paradise with a sea view for next month."
    args = bfcl_decoder(q, book)
    # Named ("view"): copied, so it is a span of the question whatever the (random) model
    # prefers; "month" names only itself there, which states no value.
    assert args["view"] in q and args["view"] != "view"
    assert args.get("month") != "month"
    assert "view" not in bfcl_decoder("Book a room in Hotel Paradise for May.", book)


def test_an_optional_string_another_value_holds_is_dropped(bfcl_decoder, monkeypatch):
    game = {"name": "winner", "description": "Who won a game.", "parameters": {
        "type": "dict", "required": ["teams"], "properties": {
            "teams": {"type": "array", "items": {"type": "string"}},
            "venue": {"type": "string", "description": "The venue."}}}}
    q = "Who won the game between Lakers and Clippers at the Staples Center venue?"
    for copied, kept in (("Lakers", False), ("Staples Center", True)):
        monkeypatch.setattr(bfcl_decoder, "_copy_string",  # what the model would copy
                            lambda logits, question, spec, named=False, v=copied: (
                                v, None, logits))
        args = bfcl_decoder(q, game, fixed={"teams": ["Lakers", "Clippers"]})
        assert ("venue" in args) is kept and args.get("venue", copied) == copied


def test_a_repeat_penalty_moves_a_continued_call_off_the_last_value(bfcl_decoder):
    f = {"name": "forecast", "description": "Weather.", "parameters": {
        "type": "dict", "required": ["city", "days"], "properties": {
            "city": {"type": "string", "description": "City."},
            "days": {"type": "integer", "description": "Days."}}}}
    q = "Weather in Oslo for 3 days, then in Lima for 5 days."
    first = {"city": "Oslo", "days": 3}
    bfcl_decoder(q, f)  # positions of the first call's values: where it read them
    bfcl_decoder.positions = {"city": (q.index("Oslo"), q.index("Oslo") + 4),
                              "days": (q.index("3"), q.index("3") + 1)}
    try:
        bfcl_decoder.repeat_penalty = 1e4  # overwhelms any random logit
        nxt = bfcl_decoder(q, f, prev=[first])
    finally:
        bfcl_decoder.repeat_penalty = 0.0
    assert nxt["city"] != "Oslo" and nxt["city"] in q[q.index("Oslo") + 4:]
    assert nxt["days"] == 5


def test_repeat_log_odds_counts_changes_against_repeats():
    f = {"name": "g", "parameters": {"type": "dict", "required": ["c", "n", "e"], "properties": {
        "c": {"type": "string"}, "n": {"type": "integer"},
        "e": {"type": "string", "enum": ["a", "b"]}}}}
    rows = [{"id": "q", "function": [f]}]
    gt = [{"g": {"c": ["Oslo"], "n": [3], "e": ["a"]}},
          {"g": {"c": ["Lima"], "n": [3], "e": ["a"]}},
          {"g": {"c": ["Rome", "Roma"], "n": [5], "e": ["a"]}}]
    # c changes twice, n changes once and repeats once; the enum is not counted.
    assert repeat_log_odds(rows, {"q": {"ground_truth": gt}}) == pytest.approx(np.log(4 / 2))


def test_a_value_never_ends_on_a_possessive():
    q = "Piano prices in Berlin and Madrid's music stores."
    _, ends = spans(q, exclude=set())
    assert q.index("Madrid") + len("Madrid") in ends
    assert q.index("Madrid") + len("Madrid's") not in ends


def test_a_value_never_starts_or_ends_inside_what_slashes_or_at_signs_glue():
    q = "Mail john.doe@example.com the file C:/data/cars.csv, ~/data/scan.nii and /srv/a.csv " \
        "for docket 2022/AL2562 in km/h, key C# major"
    starts, ends = spans(q, exclude=set())
    for whole in ("john.doe@example.com", "C:/data/cars.csv", "~/data/scan.nii", "/srv/a.csv",
                  "2022/AL2562", "km/h", "C#"):
        at = q.index(whole)
        assert at in starts and at + len(whole) in ends, whole
    for part in ("john.doe", "C:", "C:/data"):  # no end inside
        assert q.index(part) + len(part) not in ends, part
    for part in ("example.com", "cars.csv", "AL2562", "scan.nii"):  # no start inside
        assert q.index(part) not in starts, part
    # and the enumeration rules read such a word whole
    q = "Send it to my colleague at john.doe@example.com, then to my colleague at " \
        "jane.doe@example.com and to al@x.org and bo@y.org."
    assert alternatives(q, "jane.doe@example.com") == ["jane.doe@example.com",
                                                       "john.doe@example.com"]
    assert alternatives(q, "al@x.org") == ["al@x.org", "bo@y.org"]


def test_fixed_values_are_taken_as_given(bfcl_decoder):
    q = "Book the Grand Plaza for 3 nights in a suite from May 12, 2022."
    args = bfcl_decoder(q, HOTEL, fixed={"nights": 7, "room": "double"})
    assert args["nights"] == 7 and args["room"] == "double"  # neither is in the question
    assert args["hotel_name"] in q and args["start"] == "2022-05-12"


def test_a_quoted_list_goes_on_only_with_another_quoted_item():
    from loracle.agent.bfcl_decode import list_goes_on
    t = "predictors 'Age', 'Income' and 'Education' and a target 'Purchase'"
    assert list_goes_on(t, t.index("Age") + 3) and list_goes_on(t, t.index("Income") + 6)
    assert not list_goes_on(t, t.index("Education") + 9)  # "and a target": it has ended
    t = "with an open hole, C foot, and silver headjoint"
    assert list_goes_on(t, t.index("hole") + 4) and not list_goes_on(t, len(t))


DIST = {"name": "distance", "description": "Distance between two GPS points.",
        "parameters": {"type": "dict", "required": ["coord1", "coord2"], "properties": {
            "coord1": {"type": "array", "items": {"type": "float"}, "description": "Lat, lon."},
            "coord2": {"type": "array", "items": {"type": "float"}, "description": "Lat, lon."},
            "counts": {"type": "array", "items": {"type": "integer"}, "description": "N."}}}}


def test_written_number_lists_signed_by_compass():
    from loracle.agent.bfcl_values import number_lists
    q = "From (33.4484 N, 112.0740 W) to (34.0522° S, 118.2437° E), flows=[200,300,400]"
    assert [t for *_, t in number_lists(q)] == [
        "33.4484, -112.0740", "-34.0522, 118.2437", "200, 300, 400"]
    assert number_lists("a table [ [10, 20], [30, 40] ] of 2 (or 3) rows") == [
        (10, 18, "10, 20"), (20, 28, "30, 40")]


def test_a_number_array_is_one_written_list_whole_and_each_list_once(bfcl_decoder):
    q = "Distance between (33.4484 N, 112.0740 W) and (34.0522 N, 118.2437 W) in miles."
    args = bfcl_decoder(q, DIST)
    # Whatever the (random) model prefers: two different lists, whole and signed.
    assert sorted([args["coord1"], args["coord2"]]) == [[33.4484, -112.074],
                                                          [34.0522, -118.2437]]
    args = bfcl_decoder("Points [1.5, 2] and [3, 4], counts [3, 4]", DIST)
    assert args["coord1"] != args["coord2"] and len(args["coord1"]) == 2


def test_written_lists_as_long_as_the_value_are_its_siblings():
    from loracle.agent.bfcl_enumerate import alternatives, expand
    q = ("Sort the lists [45, 12, 67], [34, 78, 12] and [23, 45, 67] in both ascending and "
         "descending order, then sum [1, 2].")
    assert alternatives(q, [45, 12, 67]) == [[45, 12, 67], [34, 78, 12], [23, 45, 67]]
    assert alternatives("sets [1.5, 2] and [3, 4.5]", [1.5, 2]) == [[1.5, 2], [3, 4.5]]
    order = {"order": {"type": "string", "enum": ["ascending", "descending"]}}
    assert len(expand(q, {"list": [45, 12, 67], "order": "ascending"}, props=order)) == 6
    q = "coefficients [3, -2, 1] on [-1, 2], then coefficients [1, 0, -1] on [0, 3]"
    assert expand(q, {"poly": [3, -2, 1], "limits": [-1, 2]}) == [
        {"poly": [3, -2, 1], "limits": [-1, 2]}, {"poly": [1, 0, -1], "limits": [0, 3]}]


CARD = {"name": "card_odds", "description": "Odds of drawing a card.", "parameters": {
    "type": "dict", "required": ["suit"], "properties": {
        "suit": {"type": "string", "description":
                 "The card suit. Valid values include: 'spades', 'clubs', 'hearts', 'diamonds'."},
        "detail_level": {"type": "string", "description": "Can be 'summary' or 'detailed'."},
        "city": {"type": "string", "description": "A city, e.g. 'London' or 'Paris'."}}}}


def test_values_a_description_lists_bound_the_value_when_the_question_names_one(bfcl_decoder):
    from loracle.agent.bfcl_values import described_values, named_enums
    props = CARD["parameters"]["properties"]
    assert described_values(props["detail_level"]) == ["summary", "detailed"]
    assert described_values(props["city"]) == []  # examples do not bound the value
    named = named_enums(props, "Odds of a heart card, with detail information, in London")
    assert named["suit"]["enum"][2] == "hearts" and "enum" in named["detail_level"]
    assert "enum" not in named["city"]
    assert "enum" not in named_enums(props, "Odds of a joker")["suit"]  # none named
    args = bfcl_decoder("Odds of drawing a heart card with detail information?", CARD)
    # Whatever the (random) model: the listed values the question names, as listed.
    assert args["suit"] == "hearts" and args["detail_level"] == "detailed"


def test_a_list_whose_examples_the_question_names_takes_those(bfcl_decoder):
    from loracle.agent.bfcl_values import example_values, named_enums
    f = {"name": "find_restaurants", "description": "Restaurants.", "parameters": {
        "type": "dict", "required": ["food_type"], "properties": {
            "food_type": {"type": "string", "description": "The type of food."},
            "dietary_requirements": {"type": "array", "items": {"type": "string"},
                                     "description": "Special dietary requirements, e.g. "
                                                    "vegan, gluten-free. Default is empty."}}}}
    diet = f["parameters"]["properties"]["dietary_requirements"]
    assert example_values(diet) == ["vegan", "gluten-free"]
    assert example_values(CARD["parameters"]["properties"]["city"]) == []  # not a list
    assert "enum" not in named_enums({"d": diet}, "Thai food for me")["d"]["items"]  # none named
    args = bfcl_decoder("Thai food restaurants with a vegan menu, please.", f)
    assert args.get("dietary_requirements") == ["vegan"]  # whatever the (random) model


RECIPE = {"name": "recipe_search", "description": "Find recipes.", "parameters": {
    "type": "dict", "required": ["ingredients"], "properties": {
        "ingredients": {"type": "array", "items": {"type": "string"}, "description": "Items."}}}}


def test_the_item_after_and_ends_a_list(bfcl_decoder, monkeypatch):
    # A model that copies the question's words in order: the list goes on while the question
    # enumerates ("eggs, milk, and bread, and it"), and the item after "and" is its last.
    def copy_next_word(logits, question, spec, close=None):
        at = (bfcl_decoder.after or question.index(" with ") + 5) + 1
        m = re.compile(r"\b(?!and\b|or\b)[a-z]+").search(question, at)  # no stop words
        bfcl_decoder.last_span, bfcl_decoder.last_end = m.span(), m.end()
        return m.group(), None, logits

    monkeypatch.setattr(bfcl_decoder, "_scalar", copy_next_word)
    q = "A recipe with eggs, milk, and bread, and it should be quick."
    assert bfcl_decoder(q, RECIPE)["ingredients"] == ["eggs", "milk", "bread"]
    q = "A recipe with rice or corn and then beans."
    assert bfcl_decoder(q, RECIPE)["ingredients"] == ["rice", "corn"]


KIN = {"name": "calculate_final_velocity", "description": "Final velocity.", "parameters": {
    "type": "dict", "required": ["initial_velocity", "acceleration", "time"], "properties": {
        "initial_velocity": {"type": "float", "description": "Initial velocity in m/s."},
        "acceleration": {"type": "float", "description": "Acceleration in m/s^2."},
        "time": {"type": "float", "description": "Time in seconds."}}}}


def test_an_object_starting_from_rest_has_initial_velocity_zero(bfcl_decoder):
    assert rest_spans("It started from rest, then at rest.", "initial_speed") == [
        (11, 20, "0"), (27, 34, "0")]
    assert rest_spans("It started from rest.", "final_speed") == []
    q = "Calculate the final velocity of an object that started from rest, accelerated " \
        "at a rate of 9.8 m/s^2 for a duration of 5 seconds."
    assert bfcl_decoder(q, KIN)["initial_velocity"] == 0
    # Another start's stated initial velocity remains an option for a later call.
    q = "Car A starts from rest and accelerates at 6 m/s^2 for 10 seconds; car B starts " \
        "with an initial velocity of 20 m/s and accelerates at 4 m/s^2 for 15 seconds."
    first = bfcl_decoder(q, KIN)
    assert first["initial_velocity"] in (0, 20)
    if first["initial_velocity"] == 0:
        assert bfcl_decoder(q, KIN, prev=[first])["initial_velocity"] in (0, 20)


def test_two_numbers_of_one_call_come_from_different_places(bfcl_decoder):
    f = {"name": "sum_of_multiples", "description": "Sum of multiples in a range.",
         "parameters": {"type": "dict", "required": ["lower_limit", "upper_limit"],
                        "properties": {"lower_limit": {"type": "integer", "description": "Lo."},
                                       "upper_limit": {"type": "integer", "description": "Hi."}}}}
    for q in ("Find the sum of all the multiples of 3 between 1 and 1000.",
              "Sum the multiples of 7 from 20 to 300, please."):
        args = bfcl_decoder(q, f)  # whatever the (random) model picks, not one number twice
        assert args["lower_limit"] != args["upper_limit"], (q, args)
    # ... unless the question writes it twice.
    args = bfcl_decoder("Multiples between 5 and 5.", f)
    assert args == {"lower_limit": 5, "upper_limit": 5}


def test_a_given_value_is_no_option_for_a_parameter_decoded_before_it(bfcl_decoder):
    fx = {"name": "get_exchange_rate", "description": "Exchange rate.", "parameters": {
        "type": "dict", "required": ["base_currency", "target_currency"], "properties": {
            "base_currency": {"type": "string", "description": "The base currency."},
            "target_currency": {"type": "string", "description": "The target currency."}}}}
    q = "Get me the exchange rates of the following pairs: USD to AUD and USD to CAD?"
    for given in ("CAD", "AUD", "USD"):
        args = bfcl_decoder(q, fx, fixed={"target_currency": given})
        assert args["target_currency"] == given and args["base_currency"] != given, args


def test_an_optional_string_inside_another_value_is_dropped(bfcl_decoder, monkeypatch):
    from loracle.agent.bfcl_decode import within_other
    call = {"team_name": "Manchester United", "location": "Manchester", "league": "EPL"}
    assert within_other("location", call) and not within_other("league", call)
    assert within_other("team", {"sport": "Basketball", "team": "basketball"})
    assert not within_other("team", {"player": "Tom Bradyson", "team": "Brady"})  # whole words
    f = {"name": "sports_team.get_schedule", "description": "Schedule.", "parameters": {
        "type": "dict", "required": ["team_name"], "properties": {
            "team_name": {"type": "string", "description": "The team."},
            "location": {"type": "string", "description": "Optional. The city."}}}}
    # A model that copies "Manchester United" for the team and "Manchester" for the location.
    monkeypatch.setattr(bfcl_decoder, "_scalar", lambda logits, q, spec, *a, **k: (
        "Manchester United" if bfcl_decoder.param == "team_name" else "Manchester",
        None, logits))
    q = "Give me the schedule of Manchester United for the next games, location Manchester."
    assert bfcl_decoder(q, f) == {"team_name": "Manchester United"}


HOTEL_DATES = {"name": "hotel_booking.check_availability", "description": "Availability.",
               "parameters": {"type": "dict",
                              "required": ["hotel_name", "check_in", "check_out"],
                              "properties": {
                                  "hotel_name": {"type": "string", "description": "The hotel."},
                                  "check_in": {"type": "string", "description": "YYYY-MM-DD."},
                                  "check_out": {"type": "string",
                                                "description": "YYYY-MM-DD."}}}}


def test_a_continued_calls_date_is_the_last_calls_or_a_later_one(bfcl_decoder):
    from loracle.agent.bfcl_values import dated_spans
    f = HOTEL_DATES
    q = "Availability for 'Queens Hotel' from March 10, 2022 to March 20, 2022 and for " \
        "'Royal Hotel' from April 5, 2022 to April 15, 2022, or from May 1, 2022 on."
    assert [d.isoformat() for *_, d in dated_spans(q)] == [
        "2022-03-10", "2022-03-20", "2022-04-05", "2022-04-15", "2022-05-01"]
    first = bfcl_decoder(q, f)
    pos = dict(bfcl_decoder.positions)
    assert {"check_in", "check_out"} <= set(pos)  # a date has its place in the question
    nxt = bfcl_decoder(q, f, prev=[first])
    seg = max(e for _, e in pos.values())
    later = {d.isoformat() for a, _, d in dated_spans(q) if a >= seg}
    assert nxt["check_in"] in later | {first["check_in"]}, (first, nxt)


def test_a_shared_value_stated_last_is_no_end_of_the_last_scenario(bfcl_decoder):
    """"solar energy for 12 months and wind energy for 8 months in the Midwest": the second
    call, given 8 months, may take a value after the first call's 12, not only after
    "Midwest" (which every call shares)."""
    from loracle.agent.bfcl_decode import _given_start, _scenario_end
    f = {"name": "emission_savings", "description": "Savings.", "parameters": {
        "type": "dict", "required": ["energy_type", "usage_duration", "region"],
        "properties": {"energy_type": {"type": "string", "description": "Energy."},
                       "usage_duration": {"type": "integer", "description": "Months."},
                       "region": {"type": "string", "description": "Region."}}}}
    q = "Savings if I switch to solar energy for 12 months and wind energy for 8 months " \
        "in the Midwest"
    at = {v: (q.index(v), q.index(v) + len(v)) for v in ("solar", "12", "Midwest")}
    pos = {"energy_type": at["solar"], "usage_duration": at["12"], "region": at["Midwest"]}
    first = {"energy_type": "solar", "usage_duration": 12, "region": "Midwest"}
    props = f["parameters"]["properties"]
    assert _given_start(q, props, {"usage_duration": 8}, first) == q.index("8")
    assert _scenario_end(pos, q.index("8")) == at["12"][1]
    assert _scenario_end(pos, None) == len(q)  # nothing given: as before
    # A given value equal to the last call's says nothing about where the next one starts.
    assert _given_start(q, props, {"usage_duration": 12}, first) is None
    bfcl_decoder(q, f)
    bfcl_decoder.positions = pos
    try:
        bfcl_decoder.repeat_penalty = 1e4
        nxt = bfcl_decoder(q, f, prev=[first], fixed={"usage_duration": 8})
    finally:
        bfcl_decoder.repeat_penalty = 0.0
    assert nxt["usage_duration"] == 8, nxt
    assert at["12"][1] <= q.index(nxt["energy_type"]) < at["Midwest"][0], nxt


def test_a_call_given_a_new_hotel_takes_a_date_after_it_not_the_last_again(bfcl_decoder):
    f = HOTEL_DATES
    q = "Availability for 'Queens Hotel' from March 10, 2022 to March 20, 2022 and for " \
        "'Royal Hotel' from April 5, 2022 to April 15, 2022."
    first = {"hotel_name": "Queens Hotel", "check_in": "2022-03-10",
             "check_out": "2022-03-20"}
    pos = {"hotel_name": (q.index("Queens"), q.index("Queens") + 12),
           "check_in": (q.index("March 10"), q.index("March 10") + 14),
           "check_out": (q.index("March 20"), q.index("March 20") + 14)}
    bfcl_decoder(q, f)
    bfcl_decoder.positions = pos
    nxt = bfcl_decoder(q, f, prev=[first], fixed={"hotel_name": "Royal Hotel"})
    assert nxt["check_in"] in ("2022-04-05", "2022-04-15"), nxt
    assert nxt["check_out"] in ("2022-04-05", "2022-04-15"), nxt
    # Given nothing new, the last call's date may come again (a shared date).
    bfcl_decoder.positions = pos
    same = bfcl_decoder(q, f, prev=[first], fixed={"hotel_name": "Queens Hotel"})
    assert bfcl_decoder.given_at is None and same["hotel_name"] == "Queens Hotel"
