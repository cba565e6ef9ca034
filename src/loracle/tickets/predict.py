"""Inference for the ticket job: intent (always from the taxonomy) + reply."""
from __future__ import annotations

import logging
import time

import torch

from ..config import TicketsConfig
from ..train.loop import progress
from . import prompts
from .retrieval import nearest_replies

log = logging.getLogger("loracle")


def _encoder_tokens(clf, texts: list[str]) -> list[int]:
    enc = clf.tok(texts, truncation=True, max_length=clf.max_len)["input_ids"]
    return [len(x) for x in enc]


class Predictor:
    """Predicts any subset of val rows; train-side embeddings are computed once."""

    def __init__(self, cfg: TicketsConfig, inputs, clf, lm, tok):
        self.cfg, self.inputs, self.clf, self.lm, self.tok = cfg, inputs, clf, lm, tok
        self._pool_emb = None

    def pool_emb(self):
        if self._pool_emb is None:
            self._pool_emb = self.clf.embed([t.ticket for t in self.inputs.train],
                                            self.cfg.encoder.batch_size)
        return self._pool_emb

    def __call__(self, rows) -> list[dict]:
        return predict(self.cfg, self.inputs, self.clf, self.lm, self.tok, rows, self.pool_emb)


def predict(cfg: TicketsConfig, inputs, clf, lm, tok, val, pool_emb) -> list[dict]:
    """Predictions for ``val`` rows, in their order. ``pool_emb()`` returns the train
    embeddings used for reply references (computed once by Predictor)."""
    texts = [t.ticket for t in val]
    n = len(val)
    seconds = [0.0] * n
    tokens = [0] * n
    probs = None
    emb_val = None

    if clf is not None:
        t0 = time.perf_counter()
        emb_val = clf.embed(texts, cfg.encoder.batch_size)
        enc_probs = clf.proba_from_embeddings(emb_val)
        dt = (time.perf_counter() - t0) / n
        seconds = [s + dt for s in seconds]
        tokens = [a + b for a, b in zip(tokens, _encoder_tokens(clf, texts))]
        if cfg.intent.method in ("encoder", "ensemble"):
            probs = enc_probs

    if cfg.intent.method in ("lm", "ensemble"):
        from ..infer.scoring import score_labels

        cands = [prompts.intent_line(label) for label in inputs.taxonomy]
        lm_probs = torch.empty((n, len(cands)))
        bar = progress(n, "intent-lm", "row")
        for i, t in enumerate(val):
            t0 = time.perf_counter()
            s, used = score_labels(lm, tok, prompts.prompt(tok, cfg.system_prompt, t.ticket),
                                   cands)
            lm_probs[i] = torch.softmax(s, dim=-1)
            seconds[i] += time.perf_counter() - t0
            tokens[i] += used
            bar.update(1)
        bar.close()
        if probs is None:
            probs = lm_probs
        else:
            w = cfg.intent.ensemble_weight
            probs = (1 - w) * probs + w * lm_probs

    conf, idx = probs.max(dim=-1)
    intents = [inputs.taxonomy[i] for i in idx.tolist()]

    replies = [""] * n
    refs: list[str | None] = [None] * n
    if cfg.reply.mode == "retrieve" or (cfg.reply.mode == "generate"
                                        and cfg.reply.context == "nearest"):
        t0 = time.perf_counter()
        refs = nearest_replies(inputs.train, pool_emb(), emb_val, intents)
        dt = (time.perf_counter() - t0) / n
        seconds = [s + dt for s in seconds]
        if all(r is None for r in refs):
            log.warning("no train row has ideal_reply: nothing to retrieve")
    if cfg.reply.mode == "retrieve":
        replies = [r or "" for r in refs]
    elif cfg.reply.mode == "generate":
        from ..infer.generate import generate_greedy

        ps = [prompts.prompt(tok, cfg.system_prompt, t.ticket, ref) + prompts.reply_prefix(it)
              for t, it, ref in zip(val, intents, refs)]
        gens = generate_greedy(lm, tok, ps, max_new_tokens=cfg.reply.max_new_tokens,
                               batch_size=cfg.reply.batch_size)
        for i, g in enumerate(gens):
            replies[i] = prompts.clean_reply(g.text)
            seconds[i] += g.seconds
            tokens[i] += g.prompt_tokens + g.new_tokens

    return [{"id": t.id, "prediction": replies[i], "predicted_intent": intents[i],
             "latency_ms": round(seconds[i] * 1000, 2), "tokens_used": int(tokens[i]),
             "confidence": round(float(conf[i]), 6), "source": "local"}
            for i, t in enumerate(val)]
