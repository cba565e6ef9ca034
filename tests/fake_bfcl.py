"""A stand-in for the MiniLM encoder in BFCL tests: offline, instant, deterministic."""
from __future__ import annotations

import numpy as np

from loracle.agent.bfcl_values import _words


class FakeEncoder:
    """Bag of words hashed into 64 dims: similar texts get high cosine, deterministically."""

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 64))
        for i, t in enumerate(texts):
            for w in _words(t):
                out[i, sum(map(ord, w)) % 64] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
