"""Offline fixtures: tiny random models with tokenizers trained on the spot.

Nothing here touches the network or the embedded weights: a 2-layer Llama and
a 2-layer BERT are built from configs, with a byte-level BPE (ChatML template)
and a WordPiece tokenizer trained on the sample tickets.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT / "data" / "tickets"

CHATML = ("{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + "
          "message['content'] + '<|im_end|>\n' }}{% endfor %}"
          "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}")


def _corpus() -> list[str]:
    out = []
    for name in ("train.jsonl", "val.jsonl"):
        for line in (DATA / name).read_text().splitlines():
            r = json.loads(line)
            out += [r["ticket"], r.get("ideal_reply") or "", r.get("intent") or ""]
    out += ["Intent: Reply: You are a support agent. Classify the customer's ticket and write "
            "a helpful reply. system user assistant"]
    return [t for t in out if t]


@pytest.fixture(scope="session")
def tiny_lm_dir(tmp_path_factory) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    d = tmp_path_factory.mktemp("tiny_lm")
    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    tk.train_from_iterator(_corpus(), trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok = PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<|im_start|>",
                                  eos_token="<|im_end|>", pad_token="<|im_end|>",
                                  unk_token="<|endoftext|>")
    tok.chat_template = CHATML
    tok.save_pretrained(str(d))
    torch.manual_seed(0)
    cfg = LlamaConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                      num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                      max_position_embeddings=512, tie_word_embeddings=True,
                      bos_token_id=tok.bos_token_id, eos_token_id=tok.eos_token_id,
                      pad_token_id=tok.pad_token_id)
    LlamaForCausalLM(cfg).save_pretrained(str(d))
    return d


@pytest.fixture(scope="module")
def bfcl_decoder(tiny_lm_dir):
    """The BFCL argument decoder on the tiny random Llama (one per test module: tests may set
    its span prior)."""
    from loracle.agent.bfcl_decode import LMArgDecoder
    return LMArgDecoder(model=str(tiny_lm_dir), dtype="float32")


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory) -> Path:
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import BertConfig, BertModel, BertTokenizerFast

    d = tmp_path_factory.mktemp("tiny_encoder")
    tk = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tk.train_from_iterator(_corpus(), trainers.WordPieceTrainer(vocab_size=500,
                                                                 special_tokens=special))
    tk.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", tk.token_to_id("[CLS]")), ("[SEP]", tk.token_to_id("[SEP]"))])
    tok = BertTokenizerFast(tokenizer_object=tk, unk_token="[UNK]", pad_token="[PAD]",
                            cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")
    tok.save_pretrained(str(d))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, intermediate_size=64,
                     num_hidden_layers=2, num_attention_heads=2, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(str(d))
    return d


@pytest.fixture
def tiny_overrides(tiny_lm_dir, tiny_encoder_dir) -> list[str]:
    """--set overrides that point the ticket job at the tiny models and keep it fast."""
    return [f"model.name_or_path={tiny_lm_dir}", f"encoder.name_or_path={tiny_encoder_dir}",
            "intent.steps=6", "train.epochs=1", "reply.max_new_tokens=8",
            "train.max_wall_clock_s=300"]


@pytest.fixture
def sample_data(tmp_path) -> tuple[Path, Path]:
    tr, va = tmp_path / "train.jsonl", tmp_path / "val.jsonl"
    shutil.copy(DATA / "train.jsonl", tr)
    shutil.copy(DATA / "val.jsonl", va)
    return tr, va
