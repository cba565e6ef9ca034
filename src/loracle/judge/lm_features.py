"""Language-model and surface features for judging free-form text (dialogue, summaries).

Why a causal LM: fluency and fit-to-context are what a frozen sentence encoder
misses. SmolLM2 scores every output token twice, once after the source text and
once after nothing; the conditional log-probability measures fluency in
context, its gap to the unconditional one (pointwise mutual information) how
much the source explains the output, and the lowest token log-probabilities
catch the single broken phrase that a mean hides. Scoring is one forward pass
per text, unbatched, so the numbers do not depend on batch padding.
"""
from __future__ import annotations

import math
import re

import numpy as np

LM_FEATURES = ["lp_cond_mean", "lp_uncond_mean", "lp_cond_min3", "lp_cond_sum", "lp_uncond_sum",
               "pmi_mean", "surprising_cond", "surprising_uncond"]
TEXT_FEATURES = ["log_words", "distinct_bigrams", "repeated_trigrams", "question",
                 "source_overlap"]
SURPRISE = -8.0  # log-prob below e^-8: a likely glitch, non-sequitur or garbled phrase


class LMScorer:
    """Per-token log-probabilities of an output under a small causal LM."""

    def __init__(self, name_or_path: str = "embedded:smollm2-135m-instruct",
                 max_source_tokens: int = 384, max_output_tokens: int = 128):
        from .. import models

        path = models.resolve_lm(name_or_path)
        self.tok = models.load_tokenizer(path)
        self.model = models.load_causal_lm(path)
        self.model.eval()
        self.max_source, self.max_output = max_source_tokens, max_output_tokens

    def _logprobs(self, prefix: list[int], target: list[int]) -> np.ndarray:
        import torch

        ids = torch.tensor([prefix + target])
        with torch.no_grad():
            logits = self.model(ids).logits[0, len(prefix) - 1:-1].float()
        lp = logits.log_softmax(-1).gather(1, torch.tensor(target)[:, None])[:, 0]
        return lp.numpy().astype(np.float64)

    def score(self, source: str, output: str) -> tuple[np.ndarray, np.ndarray, int]:
        """(conditional log-probs, unconditional log-probs, tokens processed)."""
        target = self.tok(" " + output.strip(), add_special_tokens=False)["input_ids"]
        target = target[:self.max_output] or [self.tok.eos_token_id]
        # Keep the end of a long source: it is what the output answers.
        src = self.tok(source.strip() + "\nReply:", add_special_tokens=False)["input_ids"]
        src = src[-self.max_source:]
        bos = [self.tok.bos_token_id if self.tok.bos_token_id is not None
               else self.tok.eos_token_id]
        cond, uncond = self._logprobs(src, target), self._logprobs(bos, target)
        return cond, uncond, len(src) + 1 + 2 * len(target)


def lm_features(cond: np.ndarray, uncond: np.ndarray) -> list[float]:
    low3 = float(np.sort(cond)[:3].mean())
    return [float(cond.mean()), float(uncond.mean()), low3, float(cond.sum()),
            float(uncond.sum()), float(cond.mean() - uncond.mean()),
            float((cond < SURPRISE).mean()), float((uncond < SURPRISE).mean())]


def _words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9_']+", s.lower())


def text_features(source: str, output: str) -> list[float]:
    ow = _words(output)
    bi = list(zip(ow, ow[1:]))
    tri = list(zip(ow, ow[1:], ow[2:]))
    src = set(_words(source))
    return [math.log1p(len(ow)), len(set(bi)) / max(len(bi), 1), float(len(tri) - len(set(tri))),
            float("?" in output), sum(w in src for w in ow) / max(len(ow), 1)]
