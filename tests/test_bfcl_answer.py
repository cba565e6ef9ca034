"""Offline tests of loracle.agent.bfcl: no SmolLM2, no MiniLM (fake encoder and decoder)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fake_bfcl import FakeEncoder
from loracle.agent import bfcl
from loracle.agent.bfcl import BfclAnswerer, answer_file, load_questions
from loracle.agent.bfcl_enumerate import alternatives, drop_foreign, expand, split_pairs
from loracle.agent.bfcl_values import coerce, grounded, parse_value, spans
from loracle.errors import InputError

AREA = {"name": "triangle_area", "description": "Calculate the area of a triangle.",
        "parameters": {"type": "dict", "required": ["base", "height"], "properties": {
            "base": {"type": "integer", "description": "The base."},
            "height": {"type": "integer", "description": "The height."}}}}
BMI = {"name": "bmi", "description": "Body mass index from weight and height.",
       "parameters": {"type": "dict", "required": ["weight"], "properties": {
           "weight": {"type": "float", "description": "Weight in kg."}}}}


def fake_decoder(question: str, function: dict, prev: list | None = None, region=None,
                 fixed=None) -> dict:
    nums = [int(n) for n in bfcl._NUM.findall(question)]
    return dict(zip(function["parameters"]["properties"], nums))


def row(rid: str, text: str, funcs: list[dict]) -> dict:
    return {"id": rid, "question": [[{"role": "user", "content": text}]], "function": funcs}


def test_parse_and_coerce_types():
    assert parse_value("5", {"type": "integer"}) == 5
    assert parse_value("5.0)", {"type": "integer"}) == 5
    assert parse_value("2.5", {"type": "integer"}) is None
    assert type(parse_value("3", {"type": "float"})) is float
    assert parse_value('"New York"', {"type": "string"}) == "New York"
    assert parse_value("[1, 2]", {"type": "array", "items": {"type": "float"}}) == [1.0, 2.0]
    assert parse_value("True", {"type": "boolean"}) is True
    assert parse_value("oops(", {"type": "integer"}) is None
    assert coerce("x", {"type": "dict"}) is None


def test_scientific_notation_is_one_number():
    from loracle.agent.bfcl_values import number_spans
    q = "Charges of 1e-9 and 2e-9 at 0.05 m, in a permittivity of 8.854 x 10^-12 F/m"
    assert [s for *_, s in number_spans(q, {"type": "float"})] == \
        ["1e-09", "2e-09", "0.05", "8.854e-12"]
    assert parse_value("8.854e-12", {"type": "float"}) == 8.854e-12


def test_grounding_keeps_only_stated_values():
    q = "Find restaurants in New York, with a rating of 4.5 or more."
    assert grounded("new york", q) and grounded(4.5, q)
    assert not grounded("Boston", q) and not grounded(3, q) and not grounded(True, q)


def test_an_enumerated_item_ends_before_a_possessive():
    q = "Get me the price of a Yamaha P125 piano in Berlin and Madrid's music stores."
    assert [c["city"] for c in expand(q, {"city": "Berlin", "instrument": "Yamaha P125"})] \
        == ["Berlin", "Madrid"]


def test_counted_cases_pair_their_enumerations_item_by_item():
    q = ("The first object is dropped with an initial speed of 0 m/s and the second object "
         "is dropped with an initial speed of 5 m/s. If the first object is in free fall for "
         "10 seconds and the second object is in free fall for 7 seconds, what are their "
         "final speeds?")
    assert expand(q, {"initial_speed": 0, "time": 10}) == [
        {"initial_speed": 0, "time": 10}, {"initial_speed": 5, "time": 7}]
    # Without the count ("first ... second") lists that follow one another multiply.
    q = q.replace("The first object", "One object").replace("the first object", "one object")
    assert len(expand(q, {"initial_speed": 0, "time": 10})) == 4


def test_a_value_is_read_where_its_functions_clauses_state_it():
    q = ("What is the weight of Neutron and Proton in amu? Also what is the diameter of a "
         "Proton and Neutron in femtometers?")
    diameter = {"particle": "Proton", "unit": "femtometers"}
    # The first "Proton" ends the weight's list; the diameter's clause lists Neutron after it.
    assert expand(q, diameter) == [diameter]
    assert expand(q, diameter, region=[(q.index("Also"), len(q))]) == [
        diameter, {"particle": "Neutron", "unit": "femtometers"}]


def test_enumerations_become_parallel_calls():
    q = ("Play songs from the artists Taylor Swift and Maroon 5, with a play time of "
         "20 minutes and 15 minutes respectively, on Spotify.")
    assert alternatives(q, "Taylor Swift") == ["Taylor Swift", "Maroon 5"]
    assert alternatives(q, 20) == [20, 15]
    calls = expand(q, {"artist": "Taylor Swift", "duration": 20})
    assert calls == [{"artist": "Taylor Swift", "duration": 20},
                     {"artist": "Maroon 5", "duration": 15}]
    # A string's siblings that are another parameter's list items are not its own.
    q = "Who won the game between Lakers and Clippers on Jan 28, 2021?"
    assert expand(q, {"teams": ["Lakers", "Clippers"], "venue": "Lakers"}) == \
        [{"teams": ["Lakers", "Clippers"], "venue": "Lakers"}]
    # Two values of different params are no enumeration: "between 5 and 10" stays one call.
    assert expand("numbers between 5 and 10", {"lo": 5, "hi": 10}) == [{"lo": 5, "hi": 10}]
    # Unequal lists multiply.
    assert len(expand("weather in Paris and Rome in 2019, 2020 and 2021",
                      {"city": "Paris", "year": 2019})) == 6


def test_siblings_by_context_words_and_by_named_enum_values():
    q = ("The first person weighs 75 kilograms and is 180 centimeters tall, the second "
         "person weighs 60 kilograms and is 165 centimeters tall.")
    # "and is" is all stop words: three words of context ("kilograms and is") decide.
    assert expand(q, {"weight": 75, "height": 180}) == [{"weight": 75, "height": 180},
                                                        {"weight": 60, "height": 165}]
    q = "If you play this game 20 times, ... Also, if you play the game 50 times, ..."
    assert alternatives(q, 20) == [20, 50]  # one content word of context: "game"
    mode = {"mode": {"type": "string", "enum": ["driving", "walking", "transit"]}}
    q = "Traffic from A to B when driving, then from B to C by transit."
    assert [c["mode"] for c in expand(q, {"mode": "driving"}, props=mode)] == \
        ["driving", "transit"]
    assert expand(q, {"mode": "driving"}) == [{"mode": "driving"}]  # no enum: no sibling


def test_enumerated_names_end_before_stop_words_and_skip_state_codes():
    q = "Temperature in New York, Los Angeles, London and Tokyo, if I want both."
    assert alternatives(q, "New York") == ["New York", "Los Angeles", "London", "Tokyo"]
    q = "Libraries in New York, NY and Los Angeles, CA that have a Cafe."
    assert alternatives(q, "New York") == ["New York", "Los Angeles"]
    assert alternatives("Parks in New York, USA that have a pool.", "New York") == ["New York"]
    # and full state names, but not "Washington D.C."; an item is its whole capitalised run
    q = "Concerts in San Francisco, California and New York, New York next month."
    assert alternatives(q, "San Francisco") == ["San Francisco", "New York"]
    q = "From New York with stops at Philadelphia, Washington D.C., and Atlanta."
    assert alternatives(q, "Philadelphia") == ["Philadelphia", "Washington D.C.", "Atlanta"]
    q = "The ranking of Barcelona and Manchester United in the Champions League and La Liga " \
        "respectively."
    assert alternatives(q, "Barcelona") == ["Barcelona", "Manchester United"]
    starts, ends = spans(q, set())  # "respectively" is no part of a value
    assert q.index("La Liga") + len("La Liga") in ends and q.index(".") not in ends


def test_a_parameter_word_ends_an_enumeration_unless_the_value_holds_it():
    # "base and height" are two parameters, not two values; both empires are empire_names.
    q = "Details of the ancient empires Persian Empire and Mauryan Empire with influences."
    avoid = frozenset({"empir", "name", "inclu", "influ"})
    assert alternatives(q, "Persian Empire", avoid) == ["Persian Empire", "Mauryan Empire"]
    q = "A trip to Base Camp and Height Lodge."
    assert alternatives(q, "Base Camp", frozenset({"heigh"})) == ["Base Camp"]
    assert alternatives(q, "Base Camp") == ["Base Camp", "Height Lodge"]


def test_copied_values_never_start_on_a_state_code_or_end_on_a_stop_word():
    t = "restaurants in Los Angeles, CA for the next days and in New York, USA that"
    starts, ends = spans(t, set())
    assert not {t[i:i + 2] for i in starts} & {"CA", "US"}
    assert {"Los Angeles", "Los Angeles, CA"} <= {t[t.index("Los"):e] for e in ends}
    assert not any(t[:e].endswith((" for", " and", " that")) for e in ends)


def test_the_asker_is_no_value_but_a_quoted_sentence_is():
    t = "First, I'd like the lyrics of Hey Jude by the Beatles and I'm craving Sushi. " \
        "Review: 'I love it here! Fresh and delicious.'."
    starts, ends = spans(t, set())
    assert not [t[i:i + 3] for i in starts if t[i] == "I" and t[i - 1] != "'"]
    assert not any(t[:e].endswith(("I'd", "I'm")) for e in ends)
    assert t.index("I love") in starts  # inside quotes it is what the reviewer wrote
    # a closing quote ends a value before it: "delicious." and "delicious", not "delicious.'."
    assert {t[t.index("I love"):e] for e in ends if e > t.index("delicious")} == {
        "I love it here! Fresh and delicious", "I love it here! Fresh and delicious."}
    # ... and no enumeration runs on into the asker ("the Beatles and I'm craving").
    assert alternatives(t, "Beatles") == ["Beatles"]


def test_irrelevant_question_gets_no_call_with_fake_scorer():
    ans = BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder)
    train = [row("simple_0", "Calculate the area of a triangle with base 10 and height 5.", [AREA]),
             row("simple_1", "What is the body mass index for weight 70 kg?", [BMI]),
             row("simple_2", "Area of a triangle with base 4 and height 9.", [AREA, BMI]),
             row("irrelevance_0", "Who won the football world cup in 2010?", [AREA]),
             row("irrelevance_1", "Tell me a joke about cats.", [BMI])]
    answers = {"simple_0": {"ground_truth": [{"triangle_area": {"base": [10], "height": [5]}}]},
               "simple_1": {"ground_truth": [{"bmi": {"weight": [70.0]}}]},
               "simple_2": {"ground_truth": [{"triangle_area": {"base": [4], "height": [9]}}]}}
    ans.fit(train * 5, answers)
    assert ans.answer(row("x", "Tell me a joke about dogs.", [AREA])) == []
    calls = ans.answer(row("y", "Calculate the area of a triangle with base 8 and height 3.",
                           [AREA, BMI]))
    assert calls == [{"name": "triangle_area", "arguments": {"base": 8, "height": 3}}]


def test_save_load_roundtrip(tmp_path):
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder)
    a.coef[:] = np.arange(len(bfcl.FEATURES)) / 10
    a.repeat_penalty = 1.25
    a.save(tmp_path)
    b = BfclAnswerer.load(tmp_path, encoder=FakeEncoder(), decoder=fake_decoder)
    assert np.allclose(a.coef, b.coef) and b.threshold == a.threshold
    assert b.repeat_penalty == 1.25
    for bad in ('"many"', "-1.0", "NaN", "null"):  # a clear error, not a crash or a guess
        d = json.loads((tmp_path / "selector.json").read_text())
        (tmp_path / "selector.json").write_text(
            json.dumps(d).replace('"repeat_penalty": 1.25', f'"repeat_penalty": {bad}'))
        with pytest.raises(InputError, match="repeat_penalty|float|NoneType"):
            BfclAnswerer.load(tmp_path)
        a.save(tmp_path)
    for key, bad in (("threshold", '"high"'), ("threshold", "1.5"), ("bias", "null"),
                     ("coef", "[1.0, 2.0]"), ("coef", '"x"')):
        d = json.loads((tmp_path / "selector.json").read_text())
        d[key] = json.loads(bad)
        (tmp_path / "selector.json").write_text(json.dumps(d))
        with pytest.raises(InputError, match="selector"):  # named, not a crash later on
            BfclAnswerer.load(tmp_path)
        a.save(tmp_path)
    (tmp_path / "selector.json").write_text("{}")
    with pytest.raises(InputError):
        BfclAnswerer.load(tmp_path)


def test_gate_survives_save_and_load_and_an_old_gate_is_refused(tmp_path):
    from loracle.agent.bfcl_gate import GATE_FEATURES, fit_gate, gate_score
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, len(GATE_FEATURES)))
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder)
    a.gate = fit_gate(X, (X[:, 9] > 0).astype(float))
    a.save(tmp_path)
    b = BfclAnswerer.load(tmp_path)
    assert [gate_score(b.gate, list(x)) for x in X] == [gate_score(a.gate, list(x)) for x in X]
    # A selector.json from before the tree gate ("multi_coef") must be re-fit, not guessed at.
    d = json.loads((tmp_path / "selector.json").read_text())
    del d["gate"]
    d["multi_coef"], d["multi_bias"] = [0.0] * 390, 0.0
    (tmp_path / "selector.json").write_text(json.dumps(d))
    with pytest.raises(InputError, match="selector"):
        BfclAnswerer.load(tmp_path)


def test_shipped_selector_loads_with_its_gate():
    a = BfclAnswerer.load()
    assert a.gate is not None and len(a.gate["trees"]) > 10 and 0.2 <= a.threshold <= 0.8
    assert a.spans is not None and len(a.spans["trees"]) > 10  # the value-span prior
    assert 0.5 < a.repeat_penalty < 2.0  # fit on the dev ground truth: log(641 / 213) = 1.1
    # ... and its call adapter: a PEFT LoRA dir whose config names no local path
    conf = json.loads((Path(a.adapter) / "adapter_config.json").read_text())
    assert (conf["peft_type"], conf["r"], conf["base_model_name_or_path"]) == (
        "LORA", 8, "embedded:smollm2-135m-instruct")
    assert conf["target_modules"] == ["k_proj", "o_proj", "q_proj", "v_proj"]
    assert (Path(a.adapter) / "adapter_model.safetensors").stat().st_size > 1_000_000


def test_a_model_dir_with_an_adapter_decodes_with_it_unless_told_not_to(tmp_path):
    BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder).save(tmp_path)
    assert BfclAnswerer.load(tmp_path).adapter is None
    (tmp_path / "adapter").mkdir()
    (tmp_path / "adapter" / "adapter_config.json").write_text("{}")
    assert BfclAnswerer.load(tmp_path).adapter == str(tmp_path / "adapter")
    assert BfclAnswerer.load(tmp_path, use_adapter=False).adapter is None


def test_answer_file_writes_valid_deterministic_jsonl(tmp_path):
    qs = tmp_path / "q.json"
    qs.write_text("\n".join(json.dumps(row(f"simple_{i}", f"Area of a triangle with base {i} "
                                             f"and height {i + 1}.", [AREA])) for i in range(3)))
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder, threshold=0.0)
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    info = answer_file(qs, out1, a, progress=False)
    answer_file(qs, out2, a, progress=False)
    assert info["questions"] == 3
    rows = [json.loads(x) for x in out1.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["simple_0", "simple_1", "simple_2"]
    assert rows[1]["calls"] == [{"name": "triangle_area", "arguments": {"base": 1, "height": 2}}]
    strip = [{k: v for k, v in json.loads(x).items() if k != "latency_ms"}
             for x in out2.read_text().splitlines()]
    assert strip == [{k: v for k, v in r.items() if k != "latency_ms"} for r in rows]


def test_load_questions_names_the_bad_line(tmp_path):
    p = tmp_path / "q.json"
    p.write_text(json.dumps(row("a", "hi", [AREA])) + "\n{not json\n")
    with pytest.raises(InputError, match="line 2"):
        load_questions(p)
    p.write_text(json.dumps({"id": "a", "question": [], "function": []}) + "\n")
    with pytest.raises(InputError, match="line 1"):
        load_questions(p)


def test_enumerations_that_follow_each_other_multiply_and_interleaved_ones_zip():
    q = "Find upcoming rock and jazz concerts in Boston and Austin."
    calls = expand(q, {"genre": "rock", "city": "Boston"})
    assert sorted((c["genre"], c["city"]) for c in calls) == [
        ("jazz", "Austin"), ("jazz", "Boston"), ("rock", "Austin"), ("rock", "Boston")]
    q = "Find rock and jazz concerts in Boston and Austin respectively."
    assert expand(q, {"genre": "rock", "city": "Boston"}) == [
        {"genre": "rock", "city": "Boston"}, {"genre": "jazz", "city": "Austin"}]
    # A list value as long as another enumeration goes item by item with "respectively";
    # without it, each call keeps the whole list.
    q = "Prices for Apple, Microsoft and Tesla over 1 week, 2 weeks and 1 month respectively."
    first = {"companies": ["Apple", "Microsoft", "Tesla"], "duration": "1 week"}
    assert expand(q, first) == [{"companies": ["Apple"], "duration": "1 week"},
                                {"companies": ["Microsoft"], "duration": "2 weeks"},
                                {"companies": ["Tesla"], "duration": "1 month"}]
    plain = expand(q.replace(" respectively", ""), first)
    assert [c["duration"] for c in plain] == ["1 week", "2 weeks", "1 month"]
    assert all(c["companies"] == first["companies"] for c in plain)
    # Interleaved lists zip; a shorter one's items go to the calls they stand next to, and a
    # call that states none keeps the previous value ("a similar house" keeps 3 rooms).
    q = ("Predict the price of a house with an area of 2500 sq ft, 3 rooms, built in the year "
         "2000, then a similar house with an area of 3000 sq ft, built in the year 2005, and "
         "finally one with an area of 2000 sq ft, 2 rooms, built in the year 1995.")
    assert expand(q, {"area": 2500, "rooms": 3, "year": 2000}) == [
        {"area": 2500, "rooms": 3, "year": 2000}, {"area": 3000, "rooms": 3, "year": 2005},
        {"area": 2000, "rooms": 2, "year": 1995}]  # area 2000 is no "year 2000" repeat


def test_number_lists_that_share_their_siblings_take_them_in_turn():
    q = ("Point A at [3, 2] and Point B at [7, 5]: their distance. Then another set, "
         "Point C at [10, 8] and Point D at [14, 12].")
    first = {"pointA": [3, 2], "pointB": [7, 5]}
    assert expand(q, first) == [first, {"pointA": [10, 8], "pointB": [14, 12]}]
    # Unpaired (what the multi-call gate counts), each point lists every later list.
    assert {"pointA": [10, 8], "pointB": [10, 8]} in expand(q, first, pair=False)
    # The first call's own order does not matter: the first parameter takes the first list.
    assert expand(q, {"pointA": [7, 5], "pointB": [3, 2]}) == [
        {"pointA": [3, 2], "pointB": [7, 5]}, {"pointA": [10, 8], "pointB": [14, 12]}]



def test_string_lists_that_pair_up_item_by_item_are_one_call_per_pair():
    q = "Theatres near San Diego with Tenet at 5 pm and No Time To Die at 7:30 pm."
    call = {"location": "San Diego", "movie": ["No Time To Die", "Tenet"],
            "time": ["5 pm", "7:30 pm"]}
    assert split_pairs(q, call) == [
        {"location": "San Diego", "movie": ["Tenet"], "time": ["5 pm"]},
        {"location": "San Diego", "movie": ["No Time To Die"], "time": ["7:30 pm"]}]
    # Lists that follow one another, one list alone, or an item not written: as it is.
    q2 = "Theatres near San Diego with Tenet and No Time To Die at 5 pm and 7:30 pm."
    assert split_pairs(q2, call) == [call]
    assert split_pairs(q, {"movie": ["Tenet", "No Time To Die"]}) == [
        {"movie": ["Tenet", "No Time To Die"]}]
    assert split_pairs(q, {**call, "time": ["5 pm", "8 pm"]}) == [{**call, "time": ["5 pm",
                                                                                  "8 pm"]}]

def test_an_enumeration_may_start_before_the_decoded_number():
    q = "Alimony in California for the next 10 years and 20 years if the income is 10000."
    assert alternatives(q, 20) == [20, 10]
    assert expand(q, {"income": 10000, "duration": 20}) == [
        {"income": 10000, "duration": 10}, {"income": 10000, "duration": 20}]
    # Enum values that differ only in case are still siblings of each other.
    spec = {"genotype": {"type": "string", "enum": ["AA", "Aa", "aa"]}}
    q = "Frequency of the genotypes AA, Aa and aa at an allele frequency of 0.7."
    assert [c["genotype"] for c in expand(q, {"p": 0.7, "genotype": "AA"}, props=spec)] == \
        ["AA", "Aa", "aa"]


def test_tuple_siblings_and_optional_values_of_later_calls():
    q = "A drone at the point (5, 7) flies to (10, 15), then to another point (20, 25)."
    assert alternatives(q, 7) == [7, 15, 25]  # the second number of every tuple
    assert expand(q, {"x": 5, "y": 7}) == [{"x": 5, "y": 7}, {"x": 10, "y": 15},
                                           {"x": 20, "y": 25}]
    # An optional z of 10 is the next call's x, not this call's z ...
    assert drop_foreign(q, {"x": 5, "y": 7, "z": 10}, ["x", "y"]) == {"x": 5, "y": 7}
    # ... but an earlier item of the enumeration may be this call's own.
    q = "Absolute pressure at an atmospheric pressure of 1 atm and a gauge pressure of 2 atm."
    assert drop_foreign(q, {"atm": 1, "gauge": 2}, ["gauge"]) == {"atm": 1, "gauge": 2}


def test_names_before_the_same_noun_are_siblings():
    q = ("The evolutionary rate of the African Elephant over 5000 years using the Darwin "
         "model, and how would it change if we use the Lamarck model instead?")
    assert alternatives(q, "Lamarck") == ["Lamarck", "Darwin"]
    assert alternatives(q, "African Elephant") == ["African Elephant"]  # one "Elephant"


def test_a_string_another_param_holds_is_no_sibling():
    q = "Get me the exchange rate of USD against AUD and USD."
    assert alternatives(q, "AUD") == ["AUD", "USD"]  # the enumeration as written ...
    # ... but no call converts USD to USD.
    assert expand(q, {"base": "USD", "target": "AUD"}) == [{"base": "USD", "target": "AUD"}]


def test_pairs_with_the_same_source_enumerate_their_targets():
    q = "Get me the exchange rates of USD to AUD and USD to CAD."
    assert alternatives(q, "AUD") == ["AUD", "CAD"]
    assert expand(q, {"base": "USD", "target": "AUD"}) == [
        {"base": "USD", "target": "AUD"}, {"base": "USD", "target": "CAD"}]
    q = "Convert 100 USD to EUR and 200 USD to British Pounds."
    assert expand(q, {"amount": 100, "from": "USD", "to": "EUR"}) == [
        {"amount": 100, "from": "USD", "to": "EUR"},
        {"amount": 200, "from": "USD", "to": "British Pounds"}]
    assert alternatives("Directions from Boston to New York.", "New York") == ["New York"]


RECIPE = {"name": "recipe", "description": "A recipe.", "parameters": {
    "type": "dict", "required": ["dish", "serving"], "properties": {
        "dish": {"type": "string", "description": "Dish."},
        "serving": {"type": "integer", "description": "People."},
        "diet": {"type": "string", "enum": ["vegan", "any"], "description": "Diet."}}}}


def test_values_the_enumeration_kept_are_decoded_again_as_a_continued_call():
    seen = []
    def dec(question, function, prev=None, region=None, fixed=None):
        seen.append((list(prev or []), fixed))
        return {"dish": "Caesar Salad", "serving": 99, "diet": "any"}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec)
    q = "A recipe for 'Lasagne' serving 4 and another one for 'Caesar Salad' serving 2"
    many = [{"dish": "Lasagne", "serving": 4, "diet": "vegan"},
            {"dish": "Lasagne", "serving": 2, "diet": "vegan"}]
    # Only the kept required scalar is re-decoded; the enumerated value and the enum are
    # given to the decoder and stay.
    assert a._redecode_kept(q, RECIPE, many, None) == [
        many[0], {"dish": "Caesar Salad", "serving": 2, "diet": "vegan"}]
    assert seen == [([many[0]], {"serving": 2, "diet": "vegan"})]
    seen.clear()
    changed = [many[0], {"dish": "Caesar Salad", "serving": 2}]
    assert a._redecode_kept(q, RECIPE, changed, None) == changed and seen == []


def test_a_list_the_enumeration_kept_is_decoded_again_even_when_optional():
    reserve = {"name": "reserve", "description": "Nature reserves.", "parameters": {
        "type": "dict", "required": ["location"], "properties": {
            "location": {"type": "string", "description": "City."},
            "amenities": {"type": "array", "items": {"type": "string"}, "description": "A."},
            "radius": {"type": "integer", "description": "Km."}}}}
    seen = []
    def dec(question, function, prev=None, region=None, fixed=None):
        seen.append(fixed)
        return {"location": "x", "amenities": ["Playgrounds", "Biking Trails"], "radius": 1}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec)
    q = ("A reserve around Berkeley that has picnic tables and public restrooms, as well as "
         "one around Tokyo that has playgrounds and biking trails, both within 5 km")
    first = {"location": "Berkeley", "amenities": ["Picnic Tables", "Public Restrooms"],
             "radius": 5}
    many = [first, {**first, "location": "Tokyo"}]
    # The list is decoded again; the optional scalar (radius) is not, the location is given.
    assert a._redecode_kept(q, reserve, many, None) == [first, {
        "location": "Tokyo", "amenities": ["Playgrounds", "Biking Trails"], "radius": 5}]
    assert seen == [{"location": "Tokyo", "radius": 5}]


def test_numbers_listed_without_spaces_are_siblings_and_separators_stay_inside():
    q = "Find the factorial of 5,10 and 15."
    assert bfcl._NUM.findall(q) == ["5", "10", "15"]  # not 510
    assert [c["n"] for c in expand(q, {"n": 5})] == [5, 10, 15]
    assert alternatives("Future value for 1,5 and 10 years.", 1) == [1, 5, 10]
    # A thousands separator is part of the number, and the value is found written with it.
    q = "Tax on gains of $15,000 and $20,000 in 2019."
    assert bfcl._NUM.findall(q) == ["15,000", "20,000", "2019"]
    assert alternatives(q, 15000) == [15000, 20000]
    assert alternatives(q, 15) == [15]  # no "15" stands alone in the question


def test_a_quoted_list_is_an_enumeration():
    q = "What were the 'Open', 'Close', 'High', and 'Low' prices for Microsoft and Apple?"
    assert alternatives(q, "Close") == ["Close", "Open", "High", "Low"]
    calls = expand(q, {"company": "Microsoft", "data_type": "Open"})
    assert len(calls) == 8 and {"company": "Apple", "data_type": "Low"} in calls
    q = 'News on "Climate Change" and "Artificial Intelligence" for the region "Europe".'
    assert alternatives(q, "Climate Change") == ["Climate Change", "Artificial Intelligence"]
    assert alternatives(q, "Europe") == ["Europe"]


def test_the_gate_reads_how_many_functions_the_question_calls():
    from loracle.agent.bfcl_gate import GATE_FEATURES, gate_features
    calls = []
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=fake_decoder)
    a.gate = {"features": GATE_FEATURES, "baseline": 0.0, "trees": []}
    a.is_multi = lambda q, f, first, n_called=1: calls.append(n_called) or False
    a.select = lambda q, funcs: funcs
    a.answer(row("x", "Area of a triangle with base 4 and height 9 and bmi for 70", [AREA, BMI]))
    assert calls == [2, 2]
    x1 = gate_features("base 4 and height 9", AREA, {"base": 4, "height": 9})
    x3 = gate_features("base 4 and height 9", AREA, {"base": 4, "height": 9}, 3)
    assert x1[-1] == 1.0 and x3[-1] == 3.0 and x1[:-1] == x3[:-1]
    assert GATE_FEATURES[-1] == "functions_called" and len(x1) == len(GATE_FEATURES)


def test_strings_after_the_same_words_are_siblings_and_a_region_keeps_its_own():
    q = ("What is the status and trial date for case number XY1234 in Los Angeles County "
         "Court, and case number GH5678 in Orange County Court?")
    assert alternatives(q, "XY1234") == ["XY1234", "GH5678"]
    assert alternatives("Sort in order of size, then in order of age", "size") == ["size", "age"]
    # Written differently is no sibling: a capitalised value's sibling is capitalised.
    assert alternatives("Flights from city of Paris to the city of rome", "Paris") == ["Paris"]
    q = "Get the weather for the city of Paris. Then the air quality for the city of Rome."
    weather = [(0, q.index(" Then"))]
    args = {"city": "Paris"}
    assert len(expand(q, args)) == 2  # "city of Paris ... city of Rome"
    assert expand(q, args, region=weather) == [args]  # Rome is the air quality's


def test_numbers_before_the_same_words_and_abbreviations_in_lists():
    q = ("Light travel time to an exoplanet that is 4.22 light years away, then to another "
         "exoplanet that is 6.1 light years from the first, and back to Earth which is 5.88 "
         "light years from the second.")
    assert alternatives(q, 4.22) == [4.22, 6.1, 5.88]  # "that is" finds only two
    assert alternatives("it is 5 of the best and 7 of the worst", 5) == [5]  # stop words
    q = "Closing prices for Apple Inc., Google LLC., and Microsoft Corporation on the NYSE"
    assert alternatives(q, "Apple Inc.") == ["Apple Inc.", "Google LLC", "Microsoft Corporation"]


def test_rival_functions_the_questions_words_rule_out_go():
    from loracle.agent.bfcl_rivals import drop_rivals

    def fn(name):
        return {"name": name, "description": "", "parameters": {"type": "dict"}}
    shops = [fn("wholefoods.vegan_products"), fn("walmart.vegan_products")]
    q = "Get me vegetarian and gluten-free foods at the Walmart near Denver."
    assert [f["name"] for f in drop_rivals(q, shops, [False, False])] == [
        "walmart.vegan_products"]
    # Unless the other one is the function a clause of the question reads most like.
    assert drop_rivals(q, shops, [True, False]) == shops
    points = [fn("sports.most_points_single_season"), fn("sports.most_points_career"),
              fn("sports.most_points_single_game")]
    q = "What is the record for the most points scored by a single player in an NBA game?"
    assert [f["name"] for f in drop_rivals(q, points, [False] * 3)] == [
        "sports.most_points_single_game"]
    # Both named, or names that share less than half their words: both stay.
    both = [fn("video_games.get_player_count"), fn("video_games.get_sales")]
    q = "How many players did the game have, and what were its sales?"
    assert drop_rivals(q, both, [False, False]) == both
    apart = [fn("train_ticket.buy"), fn("hotel.book")]
    assert drop_rivals("Book a train and a hotel.", apart, [False, False]) == apart


def test_three_siblings_of_the_one_functions_value_are_calls_whatever_the_gate(monkeypatch):
    monkeypatch.setattr(bfcl, "gate_score", lambda gate, x: -1.0)  # a gate that says no
    a = BfclAnswerer(encoder=FakeEncoder())
    a.gate = {}
    f = {"name": "get_metal_price", "description": "Price of a metal.", "parameters": {
        "type": "dict", "required": ["metal", "measure"], "properties": {
            "metal": {"type": "string", "description": "The metal."},
            "measure": {"type": "string", "description": "The measure unit."}}}}
    first = {"metal": "gold", "measure": "ounce"}
    q = "What is the current price per ounce of gold, silver, platinum, and palladium?"
    assert a.is_multi(q, f, first, 1)
    assert not a.is_multi(q, f, first, 2)  # with other functions, the gate decides
    assert not a.is_multi("What is the price per ounce of gold and silver?", f, first, 1)
