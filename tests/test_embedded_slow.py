"""Real embedded weights (slow: GGUF conversion ~25 s once, then a short run)."""
from __future__ import annotations

import json

import pytest

from loracle.cli import run_py_main

pytestmark = pytest.mark.slow


def test_embedded_models_resolve_and_job_runs(tmp_path, sample_data):
    from loracle import models

    lm_dir = models.resolve_lm(models.EMBEDDED_LM)
    assert (lm_dir / "model.safetensors").is_file()
    tok = models.load_tokenizer(lm_dir)
    assert tok.chat_template and tok.eos_token == "<|im_end|>"
    train, val = sample_data
    out = tmp_path / "o.json"
    rc = run_py_main(["--train", str(train), "--val", str(val), "--weights",
                      str(tmp_path / "w"), "--output", str(out), "--set", "train.max_steps=2",
                      "--set", "intent.steps=20", "--set", "reply.max_new_tokens=16"])
    assert rc == 0
    res = json.loads(out.read_text())
    assert len(res["predictions"]) == len(val.read_text().splitlines())


def test_shipped_bfcl_answerer_with_its_call_adapter(tmp_path):
    """The shipped selector + call adapter on the real SmolLM2, end to end through the CLI
    (questions written here, not from the dev data)."""
    from loracle.cli import main
    from test_bfcl_answer import AREA
    weather = {"name": "get_weather", "description": "Current weather in a city.",
               "parameters": {"type": "dict", "required": ["city"], "properties": {
                   "city": {"type": "string", "description": "The city name."}}}}
    asked = {"a": "What is the area of a triangle with base 12 and height 7?",
             "b": "How is the weather in Lisbon right now?"}
    rows = [{"id": i, "question": [[{"role": "user", "content": text}]],
             "function": [AREA, weather]} for i, text in asked.items()]
    q = tmp_path / "q.jsonl"
    q.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["agent", "bfcl", "--data", str(q), "--output", str(tmp_path / "c.jsonl")]) == 0
    got = {r["id"]: r["calls"] for r in map(json.loads, (tmp_path / "c.jsonl").open())}
    assert got["a"] == [{"name": "triangle_area", "arguments": {"base": 12, "height": 7}}]
    assert got["b"] == [{"name": "get_weather", "arguments": {"city": "Lisbon"}}]
