"""The BFCL call adapter: its training text is the decoder's own call format, the adapter holds
only LoRA weights (and lowers the loss on what it saw), the saved directory is a PEFT
adapter, the same seed gives the same bytes, and the decoder with the adapter still obeys
every constraint."""
from __future__ import annotations

import json

import pytest

from loracle.agent.bfcl_adapter import (AdapterConfig, call_examples, gold_args,
                                        train_call_adapter, train_ids_hash)

WEATHER = {"name": "get_weather", "description": "Weather forecast.",
           "parameters": {"type": "dict", "required": ["city", "days"], "properties": {
               "city": {"type": "string", "description": "City."},
               "days": {"type": "integer", "description": "Days ahead."},
               "unit": {"type": "string", "description": "celsius or fahrenheit."}}}}
QUESTIONS = [
    {"id": "q1", "question": [[{"role": "user", "content": "Weather in Boston, MA for 3 days"}]],
     "function": [WEATHER]},
    {"id": "q2", "question": [[{"role": "user",
                                "content": "Forecast for Paris and Rome over 5 days"}]],
     "function": [WEATHER]},
]
ANSWERS = {
    "q1": {"ground_truth": [{"get_weather": {"days": [3], "city": ["Boston, Massachusetts",
                                                                     "Boston, MA"],
                                             "unit": ["", "celsius"]}}]},
    "q2": {"ground_truth": [{"get_weather": {"city": ["Paris"], "days": [5], "unit": [""]}},
                            {"get_weather": {"city": ["Rome"], "days": [5], "unit": [""]}}]},
}
TINY = AdapterConfig(lora_r=4, lora_alpha=8, learning_rate=2e-2, epochs=40, batch_size=2,
                     target_modules="all-linear",
                     max_len=256)


def test_gold_args_signature_order_stated_value_and_no_blank_params():
    args = gold_args(WEATHER, ANSWERS["q1"]["ground_truth"][0]["get_weather"],
                     "Weather in Boston, MA for 3 days")
    # signature order (city, days, unit); "Boston, MA", not the first accepted value, since
    # the question says it; an optional param with a real accepted value keeps it.
    assert list(args.items()) == [("city", "Boston, MA"), ("days", 3), ("unit", "celsius")]
    q2 = ANSWERS["q2"]["ground_truth"][0]["get_weather"]
    assert gold_args(WEATHER, q2, "") == {"city": "Paris", "days": 5}  # unit: only ""


def test_examples_continue_calls_as_the_decoder_does():
    ex = call_examples(QUESTIONS, ANSWERS)
    assert [t for _, _, t in ex] == [
        'get_weather(city="Boston, MA", days=3, unit="celsius")',
        'get_weather(city="Paris", days=5), get_weather(city="Rome", days=5)']
    # An irrelevance question (no ground truth) teaches nothing.
    assert call_examples([dict(QUESTIONS[0], id="none")], ANSWERS) == []


@pytest.fixture(scope="module")
def adapter_dir(tiny_lm_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("adapter")
    train_call_adapter(QUESTIONS, ANSWERS, out, TINY, model=str(tiny_lm_dir))
    return out


def test_adapter_holds_only_lora_weights_and_lowers_the_loss(adapter_dir, tiny_lm_dir):
    from peft import PeftModel

    from loracle import models
    from loracle.agent.bfcl_decode import prompt_text
    from loracle.train.sft import build_example, eval_loss

    info = json.loads((adapter_dir / "train_info.json").read_text())
    assert info["examples"] == 2 and info["steps"] == 40
    assert info["train_ids_sha256"] == train_ids_hash(QUESTIONS)
    from safetensors.torch import load_file
    saved = load_file(str(adapter_dir / "adapter_model.safetensors"))
    assert saved and all("lora_" in k for k in saved)  # the base is not in the adapter
    tok = models.load_tokenizer(tiny_lm_dir)
    base = models.load_causal_lm(tiny_lm_dir, dtype="float32")
    ex = [build_example(tok, prompt_text(tok, f, q), t, 256)
          for q, f, t in call_examples(QUESTIONS, ANSWERS)]
    loss0 = eval_loss(base, tok, ex)
    tuned = PeftModel.from_pretrained(base, str(adapter_dir))  # a plain PEFT adapter dir
    lora_b = [p for n, p in tuned.named_parameters() if "lora_B" in n]
    assert lora_b and all(p.abs().sum() > 0 for p in lora_b)  # B starts at 0: it trained
    assert eval_loss(tuned, tok, ex) < loss0 - 0.3  # 6.00 -> 5.55 here


def test_same_seed_same_adapter_bytes(adapter_dir, tiny_lm_dir, tmp_path):
    train_call_adapter(QUESTIONS, ANSWERS, tmp_path, TINY, model=str(tiny_lm_dir))
    for name in ("adapter_model.safetensors", "adapter_config.json"):
        assert (tmp_path / name).read_bytes() == (adapter_dir / name).read_bytes(), name


def test_decoder_with_adapter_keeps_the_constraints(adapter_dir, tiny_lm_dir):
    from loracle.agent.bfcl_decode import LMArgDecoder
    dec = LMArgDecoder(model=str(tiny_lm_dir), dtype="float32", adapter=str(adapter_dir))
    q = "Forecast for Madrid over 4 days"
    args = dec(q, WEATHER)
    assert isinstance(args["city"], str) and args["city"] in q
    assert args["days"] == 4  # the only number the question states
