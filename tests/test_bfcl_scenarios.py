"""Which calls a question asks for: one per scenario sentence (loracle.agent.bfcl_scenarios),
none for a verb of the question (bfcl_lists.asks). Fake decoders, no LM."""
from __future__ import annotations

import re

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_scenarios import by_scenario, scenario_spans, sentence_spans

FUND = {"name": "predict_profit", "description": "Profit of an investment.", "parameters": {
    "type": "dict", "required": ["amount", "rate", "years", "fund"], "properties": {
        "amount": {"type": "integer", "description": "Amount invested."},
        "rate": {"type": "float", "description": "Annual return."},
        "years": {"type": "integer", "description": "Years held."},
        "fund": {"type": "string", "description": "The fund."},
        "fees": {"type": "float", "description": "Yearly fees."}}}}
FUNDS = ("John invests in two funds. He put $5000 in Fund A at 7% and keeps it for 5 years. "
         "On the other hand, he put $8000 in Fund B at 5% for 7 years. Predict both profits.")


def region_decoder(seen: list):
    """Reads a sentence's numbers in order when given a region; without one it mixes the
    sentences up as the 135M model does (the other fund's years and name)."""
    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        seen.append((len(prev or []), region))
        if not region:
            return {"amount": 5000, "rate": 0.07, "years": 7, "fund": "Fund B", "fees": 1.0}
        a, b = region[0]
        nums = [float(n) for n in re.findall(r"\d+(?:\.\d+)?", question[a:b])]
        fund = re.search(r"Fund [A-Z]", question[a:b])
        return {"amount": int(nums[0]), "rate": nums[1] / 100, "years": int(nums[2]),
                "fund": fund.group() if fund else "?", "fees": 9.0}
    return dec


def test_sentences_hold_abbreviations_and_a_colon_starts_one():
    q = "I hold Apple Inc. (AAPL) and Washington D.C. bonds. Also these: The first is 5."
    assert [q[a:b].strip() for a, b in sentence_spans(q)] == [
        "I hold Apple Inc. (AAPL) and Washington D.C. bonds.", "Also these:",
        "The first is 5."]


def test_scenario_sentences_state_every_required_number_in_digits():
    assert [FUNDS[a:b].split(",")[0] for a, b in scenario_spans(FUNDS, FUND)] == [
        "He put $5000 in Fund A at 7% and keeps it for 5 years. ", "On the other hand"]
    # "type 2 ... for four people" and item numbers ("1.") state no value.
    q = ("Predict it for four people with type 2 diabetes: The first person weighs 180 lbs "
         "at 7% for 5 years.\n\n1. The second weighs 200 lbs at 5% for 3 years.")
    assert len(scenario_spans(q, FUND)) == 2
    assert scenario_spans("Fund A: 5000 at 7% for 5 years. Fund B: 8000 at 5% for 7 years.",
                          FUND, region=[(0, 30)]) == [(0, 30)]
    # One required number per sentence is no scenario ("with 5 bins each").
    one = {**FUND, "parameters": {**FUND["parameters"], "required": ["amount"]}}
    assert scenario_spans(FUNDS, one) == []


def test_each_call_takes_its_numbers_from_its_own_sentence():
    seen = []
    many = [{"amount": 5000, "rate": 0.07, "years": 7, "fund": "Fund A", "fees": 1.0},
            {"amount": 8000, "rate": 0.07, "years": 5, "fund": "Fund A"}]
    out = by_scenario(region_decoder(seen), FUNDS, FUND, many)
    # Required numbers from the sentence; the optional fee stays as it was (absent stays
    # absent); Fund A is stated only in the first sentence, so the second call's string is
    # the one its own sentence states.
    assert out == [{"amount": 5000, "rate": 0.07, "years": 5, "fund": "Fund A", "fees": 1.0},
                   {"amount": 8000, "rate": 0.05, "years": 7, "fund": "Fund B"}]
    spans = scenario_spans(FUNDS, FUND)
    assert seen == [(0, [spans[0]]), (1, [spans[1]])]  # earlier calls in the prompt
    # Not as many sentences as calls: unchanged, nothing decoded.
    seen.clear()
    assert by_scenario(region_decoder(seen), FUNDS, FUND, many[:1]) == many[:1]
    assert by_scenario(region_decoder(seen), FUNDS, FUND, many + many[:1]) == many + many[:1]
    assert seen == []


def test_a_string_its_own_sentence_also_states_stays():
    q = ("Fund A pays 7% on 5000 for 5 years. Fund A pays 5% on 8000 for 7 years, and "
         "Fund C too.")
    many = [{"amount": 5000, "rate": 0.07, "years": 5, "fund": "Fund A"},
            {"amount": 8000, "rate": 0.05, "years": 7, "fund": "Fund A"}]

    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        return {**many[len(prev or [])], "fund": "Fund C"}
    assert by_scenario(dec, q, FUND, many) == many


def test_the_answerer_reads_each_scenario_from_its_sentence():
    seen = []
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=region_decoder(seen), threshold=0.0)
    row = {"id": "parallel_0", "question": [[{"role": "user", "content": FUNDS}]],
           "function": [FUND]}
    calls = [c["arguments"] for c in a.answer(row)]
    assert [(c["amount"], c["rate"], c["years"], c["fund"]) for c in calls] == [
        (5000, 0.07, 5, "Fund A"), (8000, 0.05, 7, "Fund B")]


MRI = {"name": "get_mri_report", "description": "MRI report of a patient.", "parameters": {
    "type": "dict", "required": ["patient_id"], "properties": {
        "patient_id": {"type": "string", "description": "The patient's id."}}}}


def test_a_verb_of_the_question_is_no_further_call():
    from loracle.agent.bfcl_enumerate import expand
    from loracle.agent.bfcl_lists import asks
    q = "Given patient with id 546382, retrieve their brain MRI report."
    first = {"patient_id": "546382"}
    assert len(expand(q, first)) == 2  # the enumeration rule reads "retrieve" as an id
    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        return dict(first)
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "simple_0", "question": [[{"role": "user", "content": q}]], "function": [MRI]}
    assert a.answer(row) == [{"name": "get_mri_report", "arguments": first}]
    assert asks({"diet": "takes", "n": 2}, {"diet": "vegan", "n": 2})
    assert not asks({"diet": "takes", "n": 3}, {"diet": "takes", "n": 2})  # unchanged
    assert not asks({"city": "Tokyo"}, {"city": "Paris"})
