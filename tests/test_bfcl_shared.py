"""Values one task takes from another (bfcl_shared), and the answerer copying a value again
when no other task holds it."""
from __future__ import annotations

from fake_bfcl import FakeEncoder
from loracle.agent.bfcl import BfclAnswerer
from loracle.agent.bfcl_shared import names_only, share_values


def func(name: str, *required: str) -> dict:
    return {"name": name, "description": name, "parameters": {
        "type": "dict", "required": list(required),
        "properties": {p: {"type": "string", "description": p} for p in required}}}


HISTORY = func("bank.get_transaction_history", "account")
BALANCE = func("bank.calculate_balance", "account")
STATUS = func("criminal_record.get_status", "criminal_name")
NATURE = func("criminal_record.get_offense_nature", "criminal_name")


def test_a_value_made_of_name_words_states_nothing():
    assert names_only("balance", BALANCE["name"], "account")
    assert names_only("criminal", NATURE["name"], "criminal_name")
    assert names_only("the same platform", "video_games.on_sale", "platform")
    assert names_only("books", "library.search_book", "title")  # plural of a name word
    assert not names_only("00125648", BALANCE["name"], "account")
    assert not names_only("John Doe", NATURE["name"], "criminal_name")
    # Identifiers the question wrote, and "a_vs_b" parameters, take name words rightly.
    assert not names_only("DNA123", "fetch_DNA_sequence", "DNA_id")
    assert not names_only("data_random_forest", "random_forest.train", "data")
    assert not names_only("thinking", "MBTI.analyse", "thinking_vs_feeling")
    assert not names_only(5, "calc", "count")


def test_a_lone_word_that_states_nothing_is_no_value():
    """"how long it will take to travel ... to the museum": destination="long" was copied
    from a clause that states no destination."""
    assert names_only("long", "location.get_travel_time", "destination")
    assert names_only("Also", "store_count", "city")  # sequence words, any case
    assert names_only("their", "wildlife_population.assess_growth", "species")
    assert not names_only("Boston", "route_planner.calculate_route", "destination")
    assert not names_only("long jump", "sports.record", "event")  # only the word alone
    assert not names_only("jazz", "event_finder.find_upcoming", "genre")


def test_the_same_parameter_of_another_task_gives_the_value():
    q = ("Get me the transaction history for my account '00125648' for the past 7 days and "
         "also calculate the total balance.")
    tasks = [(HISTORY, [{"account": "00125648"}], [(0, 78)]),
             (BALANCE, [{"account": "balance"}], [(78, len(q))])]
    assert share_values(q, tasks) == [[{"account": "00125648"}], [{"account": "00125648"}]]
    # "name" alone is no shared parameter: company_name takes nothing from player_name.
    comp = func("finance.ratio", "company_name")
    player = func("sports.stats", "player_name")
    out = share_values(q, [(comp, [{"company_name": "ratio"}], None),
                           (player, [{"player_name": "Messi"}], None)])
    assert out[0] == [{"company_name": "ratio"}]


def test_of_several_donors_the_one_stated_last_before_the_task():
    q = ("The price of Zelda on the Nintendo Switch, and whether Mario is on sale on the "
         "same platform, and the currency on the PlayStation.")
    price = func("video_games.store_price", "game", "platform")
    sale = func("video_games.on_sale", "game", "platform")
    cur = func("video_games.store_currency", "platform")
    start = q.index("and whether")
    tasks = [(cur, [{"platform": "PlayStation"}], [(q.index("and the"), len(q))]),
             (price, [{"game": "Zelda", "platform": "Nintendo Switch"}], [(0, start)]),
             (sale, [{"game": "Mario", "platform": "platform"}], [(start, len(q))])]
    assert share_values(q, tasks)[2] == [{"game": "Mario", "platform": "Nintendo Switch"}]


def test_a_value_no_task_holds_is_copied_again_from_the_whole_question():
    seen = []

    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        seen.append((fixed, fresh, region))
        if fresh:
            return {**fixed, "criminal_name": "John Doe"}
        return {"criminal_name": "criminal"}
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    a.coef, a.bias, a.gate = a.coef * 0, 10.0, None
    q = "Find the nature of the criminal offenses of the man named John Doe."
    calls = a.answer({"id": "x", "question": [[{"role": "user", "content": q}]],
                      "function": [NATURE]})
    assert calls == [{"name": NATURE["name"], "arguments": {"criminal_name": "John Doe"}}]
    assert seen[-1] == ({}, frozenset({"criminal_name"}), None)


def test_decoder_copies_a_fresh_value_outside_the_region_and_not_a_name_word(bfcl_decoder):
    q = "Criminal record. Offense nature of John"
    region = [(0, 16)]  # "Criminal record.": name words only
    assert names_only(bfcl_decoder(q, NATURE, region=region)["criminal_name"],
                      NATURE["name"], "criminal_name")
    again = bfcl_decoder(q, NATURE, region=region, fresh=frozenset({"criminal_name"}))
    assert again["criminal_name"] == "John"


def test_a_later_call_that_says_the_same_takes_the_call_before_s_value():
    from loracle.agent.bfcl_shared import same_as_before
    order = {"name": "whole_foods.order", "parameters": {"type": "dict", "properties": {
        "location": {"type": "string"}, "items": {"type": "array", "items": {"type": "string"}}}}}
    calls = [{"location": "downtown", "items": ["pepperoni pizza", "salad"]},
             {"location": "uptown", "items": ["same"]}, {"location": "the same", "items": ["tea"]}]
    assert same_as_before(order, calls) == [
        {"location": "downtown", "items": ["pepperoni pizza", "salad"]},
        {"location": "uptown", "items": ["pepperoni pizza", "salad"]},
        {"location": "uptown", "items": ["tea"]}]
    # A first call has no call before it; a value that names something stays.
    assert same_as_before(order, [{"items": ["same"]}]) == [{"items": ["same"]}]
    assert same_as_before(order, calls[:1] + [{"items": ["same sauce"]}])[1] == \
        {"items": ["same sauce"]}


def test_the_answerer_repeats_the_items_a_later_order_calls_the_same():
    order = {"name": "whole_foods.order", "description": "Order food.", "parameters": {
        "type": "dict", "required": ["location", "items"], "properties": {
            "location": {"type": "string", "description": "Store location."},
            "items": {"type": "array", "items": {"type": "string"}, "description": "Items."}}}}
    q = ("Order a pizza and a salad from the downtown store, then another order of the "
         "same items from the uptown store.")

    def dec(question, function, prev=None, region=None, fixed=None, fresh=frozenset()):
        # The list decoder: the first order, then the second as the 135M model wrote it.
        return [{"location": "downtown", "items": ["pizza", "salad"]},
                {"location": "uptown", "items": ["same"]}, {}][len(prev or [])]
    a = BfclAnswerer(encoder=FakeEncoder(), decoder=dec, threshold=0.0)
    row = {"id": "parallel_0", "question": [[{"role": "user", "content": q}]],
           "function": [order]}
    assert [c["arguments"] for c in a.answer(row)] == [
        {"location": "downtown", "items": ["pizza", "salad"]},
        {"location": "uptown", "items": ["pizza", "salad"]}]


def test_a_call_written_twice_is_written_once(monkeypatch):
    from loracle.agent import bfcl
    from loracle.agent.bfcl_shared import written_once
    a, b = {"name": "f", "arguments": {"x": "1"}}, {"name": "f", "arguments": {"x": "2"}}
    assert written_once([a, b, dict(a), b]) == [a, b]
    assert written_once([a, {"name": "g", "arguments": {"x": "1"}}]) == [
        a, {"name": "g", "arguments": {"x": "1"}}]
    # The answerer's last step: the rules before it may write a call twice.
    case = func("law_case.get_details", "case_number")
    monkeypatch.setattr(bfcl, "complete_lists", lambda q, f, calls: calls + calls)
    ans = BfclAnswerer(encoder=FakeEncoder(), threshold=0.0,
                       decoder=lambda *a, **k: {"case_number": "28473"})
    row = {"id": "t", "question": [[{"role": "user", "content": "Details of case 28473."}]],
           "function": [case]}
    assert ans.answer(row) == [{"name": "law_case.get_details",
                                "arguments": {"case_number": "28473"}}]
