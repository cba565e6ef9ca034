"""BFCL AST checker: hand-made cases for each rule of BFCL's ast_checker that we mirror."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from loracle.agent.bfcl_check import category_of, check_calls, load_jsonl_by_id, score_files
from loracle.errors import InputError

BFCL = Path("/work/shared/data/agent/bfcl")


def fn(name: str, props: dict, required: list[str] | None = None) -> dict:
    req = list(props) if required is None else required
    return {"name": name, "description": "",
            "parameters": {"type": "dict", "properties": props, "required": req}}


def call(name: str, **args) -> dict:
    return {"name": name, "arguments": args}


AREA = fn("calc_area", {"base": {"type": "integer"}, "height": {"type": "float"},
                        "unit": {"type": "string"}}, required=["base", "height"])
AREA_GT = [{"calc_area": {"base": [10], "height": [5.0], "unit": ["cm", ""]}}]
WEATHER = fn("weather.get", {"city": {"type": "string"}, "days": {"type": "integer"}},
             required=["city"])


def simple(calls: list[dict], functions=None, gt=None) -> tuple[bool, str]:
    return check_calls(calls, functions or [AREA], gt or AREA_GT, "simple_python")


def test_category_of():
    assert category_of("simple_python_3") == "simple_python"
    assert category_of("parallel_multiple_12") == "parallel_multiple"
    assert category_of("irrelevance_0") == "irrelevance"
    assert category_of("live_simple_3-2-0") == "live_simple"
    with pytest.raises(InputError):
        category_of("nonumber")


def test_correct_simple_call():
    assert simple([call("calc_area", base=10, height=5.0, unit="cm")]) == (True, "ok")


def test_int_for_float_accepted_float_for_int_rejected():
    assert simple([call("calc_area", base=10, height=5)])[0]
    ok, reason = simple([call("calc_area", base=10.0, height=5.0)])
    assert not ok and "base" in reason and "integer" in reason


def test_bool_is_not_an_integer():
    assert not simple([call("calc_area", base=True, height=5.0)])[0]


def test_wrong_value_reason():
    ok, reason = simple([call("calc_area", base=12, height=5.0)])
    assert not ok and reason == "param 'base': value 12 not in [10]"


@pytest.mark.parametrize("got,accepted", [("New York", "new york"),
                                          ("San Francisco, CA", "sanfranciscoca"),
                                          ("2024-04-01", "2024/04/01")])
def test_string_normalisation(got, accepted):
    gt = [{"weather.get": {"city": [accepted], "days": [""]}}]
    assert check_calls([call("weather.get", city=got)], [WEATHER], gt, "simple_python")[0]


def test_string_normalisation_keeps_letters():
    gt = [{"weather.get": {"city": ["Boston"], "days": [""]}}]
    assert not check_calls([call("weather.get", city="Austin")], [WEATHER], gt, "simple_python")[0]


def test_optional_param_omitted():
    assert simple([call("calc_area", base=10, height=5.0)])[0]  # "" accepted for unit
    gt = [{"calc_area": {"base": [10], "height": [5.0], "unit": ["cm"]}}]
    ok, reason = simple([call("calc_area", base=10, height=5.0)], gt=gt)
    assert not ok and "unit" in reason


def test_unexpected_and_missing_required():
    ok, reason = simple([call("calc_area", base=10, height=5.0, color="red")])
    assert not ok and reason == "unexpected param 'color'"
    ok, reason = simple([call("calc_area", height=5.0)])
    assert not ok and reason == "missing required param 'base'"


def test_param_in_schema_but_not_in_ground_truth_is_unexpected():
    gt = [{"calc_area": {"base": [10], "height": [5.0]}}]
    assert not simple([call("calc_area", base=10, height=5.0, unit="cm")], gt=gt)[0]


def test_wrong_function_name_and_count():
    ok, reason = simple([call("calc_volume", base=10, height=5.0)])
    assert not ok and reason == "wrong function name: got calc_volume, expected calc_area"
    assert not simple([])[0]
    assert not simple([call("calc_area", base=10, height=5.0)] * 2)[0]


def test_dotted_name_or_underscored():
    gt = [{"weather.get": {"city": ["Paris"], "days": ["", 3]}}]
    for name in ("weather.get", "weather_get"):
        assert check_calls([call(name, city="Paris", days=3)], [WEATHER], gt, "simple_python")[0]
    assert not check_calls([call("weatherget", city="Paris")], [WEATHER], gt, "simple_python")[0]


def test_multiple_picks_the_right_function():
    gt = [{"weather.get": {"city": ["Paris"], "days": [""]}}]
    assert check_calls([call("weather.get", city="paris")], [AREA, WEATHER], gt, "multiple")[0]
    assert not check_calls([call("calc_area", base=10, height=5.0)], [AREA, WEATHER], gt,
                           "multiple")[0]


PAR_GT = [{"weather.get": {"city": ["Paris"], "days": [3]}},
          {"weather.get": {"city": ["Rome"], "days": [3]}}]


def test_parallel_any_order():
    calls = [call("weather.get", city="Rome", days=3), call("weather.get", city="Paris", days=3)]
    assert check_calls(calls, [WEATHER], PAR_GT, "parallel") == (True, "ok")


def test_parallel_duplicate_or_wrong_count_rejected():
    dup = [call("weather.get", city="Paris", days=3)] * 2
    ok, reason = check_calls(dup, [WEATHER], PAR_GT, "parallel")
    assert not ok and "Rome" in reason
    ok, reason = check_calls(dup[:1], [WEATHER], PAR_GT, "parallel")
    assert not ok and reason.startswith("wrong number of calls")
    three = dup + [call("weather.get", city="Rome", days=3)]
    assert not check_calls(three, [WEATHER], PAR_GT, "parallel")[0]


def test_parallel_multiple():
    gt = [{"calc_area": {"base": [10], "height": [5.0], "unit": [""]}},
          {"weather.get": {"city": ["Paris"], "days": [""]}}]
    calls = [call("weather_get", city="Paris"), call("calc_area", base=10, height=5)]
    assert check_calls(calls, [AREA, WEATHER], gt, "parallel_multiple")[0]
    calls[1]["arguments"]["base"] = 11
    ok, reason = check_calls(calls, [AREA, WEATHER], gt, "parallel_multiple")
    assert not ok and "'base': value 11" in reason  # the same-name call's error is reported


def test_irrelevance():
    assert check_calls([], [WEATHER], None, "irrelevance") == (True, "ok")
    ok, reason = check_calls([call("weather.get", city="Paris")], [WEATHER], None, "irrelevance")
    assert not ok and "weather.get" in reason


def test_malformed_call_is_wrong_not_a_crash():
    assert not simple([{"arguments": {}}])[0]
    assert not simple([{"name": "calc_area", "arguments": "base=10"}])[0]


LIST_FN = fn("mean", {"nums": {"type": "array", "items": {"type": "integer"}},
                      "tags": {"type": "array", "items": {"type": "string"}}}, required=["nums"])


def test_list_values():
    gt = [{"mean": {"nums": [[1, 2, 3]], "tags": [["New York", "LA"], ""]}}]
    assert check_calls([call("mean", nums=[1, 2, 3], tags=["new york", "la"])], [LIST_FN], gt,
                       "simple_python")[0]
    assert check_calls([call("mean", nums=[1, 2, 3])], [LIST_FN], gt, "simple_python")[0]
    assert not check_calls([call("mean", nums=[3, 2, 1])], [LIST_FN], gt, "simple_python")[0]
    ok, reason = check_calls([call("mean", nums=[1, "2", 3])], [LIST_FN], gt, "simple_python")
    assert not ok and "expected array of integer" in reason  # item type checked


DICT_FN = fn("find_homes", {"budget": {"type": "dict"},
                            "filters": {"type": "array", "items": {"type": "dict"}}},
             required=["budget"])
DICT_GT = [{"find_homes": {"budget": [{"min": [300], "max": [400], "currency": ["USD", ""]}],
                           "filters": [[{"field": ["age"], "op": [">"]}], ""]}}]


def test_nested_dict_values():
    good = call("find_homes", budget={"min": 300, "max": 400, "currency": "usd"},
                filters=[{"field": "Age", "op": ">"}])
    assert check_calls([good], [DICT_FN], DICT_GT, "simple_python")[0]
    assert check_calls([call("find_homes", budget={"min": 300, "max": 400})], [DICT_FN], DICT_GT,
                       "simple_python")[0]  # "currency" optional inside the dict
    for budget in ({"min": 300}, {"min": 300, "max": 401}, {"min": 300, "max": 400, "x": 1}):
        assert not check_calls([call("find_homes", budget=budget)], [DICT_FN], DICT_GT,
                               "simple_python")[0], budget
    bad_list = call("find_homes", budget={"min": 300, "max": 400},
                    filters=[{"field": "age", "op": ">"}, {"field": "job", "op": "="}])
    assert not check_calls([bad_list], [DICT_FN], DICT_GT, "simple_python")[0]


def test_boolean_type():
    f = fn("search", {"q": {"type": "string"}, "exact": {"type": "boolean"}}, required=["q"])
    gt = [{"search": {"q": ["cats"], "exact": [True]}}]
    assert check_calls([call("search", q="cats", exact=True)], [f], gt, "simple_python")[0]
    assert not check_calls([call("search", q="cats", exact=False)], [f], gt, "simple_python")[0]
    assert not check_calls([call("search", q="cats", exact="true")], [f], gt, "simple_python")[0]
    assert not check_calls([call("search", q="cats", exact=1)], [f], gt, "simple_python")[0]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_score_files_counts_missing_as_wrong(tmp_path):
    (tmp_path / "possible_answer").mkdir()
    qs = [{"id": f"simple_python_{i}", "question": [], "function": [AREA]} for i in range(3)]
    _write(tmp_path / "BFCL_v4_simple_python.json", qs)
    answers = _write(tmp_path / "possible_answer" / "BFCL_v4_simple_python.json",
                     [{"id": q["id"], "ground_truth": AREA_GT} for q in qs])
    calls = _write(tmp_path / "calls.jsonl", [
        {"id": "simple_python_0", "calls": [call("calc_area", base=10, height=5)]},
        {"id": "simple_python_1", "calls": [call("calc_area", base=9, height=5)]}])
    res = score_files(calls, answers)  # questions found beside possible_answer/
    assert (res["n"], res["correct"]) == (3, 1)
    assert res["accuracy"] == pytest.approx(1 / 3)
    assert res["missing"] == ["simple_python_2"]
    assert res["per_category"]["simple_python"]["correct"] == 1
    assert {e["id"]: e["reason"] for e in res["errors"]} == {
        "simple_python_1": "param 'base': value 9 not in [10]", "simple_python_2": "no answer"}


def test_score_files_irrelevance(tmp_path):
    qs = _write(tmp_path / "BFCL_v4_irrelevance.json",
                [{"id": f"irrelevance_{i}", "function": [WEATHER]} for i in range(2)])
    calls = _write(tmp_path / "calls.jsonl", [
        {"id": "irrelevance_0", "calls": []},
        {"id": "irrelevance_1", "calls": [call("weather.get", city="Paris")]}])
    res = score_files(calls, None, qs)
    assert (res["n"], res["correct"], res["missing"]) == (2, 1, [])
    with pytest.raises(InputError):
        score_files(calls, None)


def test_load_jsonl_by_id_errors(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text('{"id": "a_1"}\n{"id": "a_1"}\n')
    with pytest.raises(InputError, match="line 2.*duplicate id"):
        load_jsonl_by_id(p)
    p.write_text('{"id": "a_1"}\n{"no_id": 1}\n')
    with pytest.raises(InputError, match="line 2.*id"):
        load_jsonl_by_id(p)
    p.write_text('{"id": "a_1"}\n{broken\n')
    with pytest.raises(InputError, match="line 2.*malformed JSON"):
        load_jsonl_by_id(p)


@pytest.mark.skipif(not (BFCL / "possible_answer" / "BFCL_v4_simple_python.json").exists(),
                    reason="BFCL data not present")
def test_smoke_real_simple_python_ground_truth():
    """The first 3 real questions, answered with each param's first accepted value, all pass."""
    def head(p: Path) -> list[dict]:
        with p.open() as f:
            return [json.loads(next(f)) for _ in range(3)]
    qs = {q["id"]: q for q in head(BFCL / "BFCL_v4_simple_python.json")}
    for a in head(BFCL / "possible_answer" / "BFCL_v4_simple_python.json"):
        (name, params), = a["ground_truth"][0].items()
        args = {p: v[0] for p, v in params.items() if v[0] != ""}
        ok, reason = check_calls([call(name, **args)], qs[a["id"]]["function"], a["ground_truth"],
                                 "simple_python")
        assert ok, (a["id"], reason)
