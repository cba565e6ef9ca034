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
