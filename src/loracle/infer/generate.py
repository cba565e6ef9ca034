"""Greedy batched generation (deterministic) and token accounting."""
from __future__ import annotations

import time
from dataclasses import dataclass

import torch


@dataclass
class Generation:
    text: str
    prompt_tokens: int
    new_tokens: int
    seconds: float


@torch.no_grad()
def generate_greedy(model, tok, prompts: list[str], *, max_new_tokens: int,
                    batch_size: int = 8) -> list[Generation]:
    """Generate for each prompt, batching prompts of similar length (left padding).

    Greedy decoding makes the output a pure function of weights and prompt, which
    the reproducibility audit relies on. Per-row seconds are the batch time split
    evenly across its rows.
    """
    dev = next(p.device for p in model.parameters())
    old_side = tok.padding_side
    tok.padding_side = "left"
    enc_all = [tok(p, add_special_tokens=False)["input_ids"] for p in prompts]
    order = sorted(range(len(prompts)), key=lambda i: (len(enc_all[i]), i))
    out: list[Generation | None] = [None] * len(prompts)
    pad = tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id
    eos = tok.eos_token_id
    model.eval()
    from ..train.loop import progress

    bar = progress(len(prompts), "generate", "row")
    try:
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            n = max(len(enc_all[i]) for i in idx)
            ids = torch.full((len(idx), n), pad, dtype=torch.long)
            att = torch.zeros((len(idx), n), dtype=torch.long)
            for r, i in enumerate(idx):
                L = len(enc_all[i])
                ids[r, n - L:] = torch.tensor(enc_all[i])
                att[r, n - L:] = 1
            t0 = time.perf_counter()
            gen = model.generate(input_ids=ids.to(dev), attention_mask=att.to(dev),
                                 max_new_tokens=max_new_tokens, do_sample=False,
                                 pad_token_id=pad, eos_token_id=eos)
            dt = (time.perf_counter() - t0) / len(idx)
            for r, i in enumerate(idx):
                new = gen[r, n:].tolist()
                if eos in new:
                    new = new[:new.index(eos)]
                while new and new[-1] == pad:
                    new.pop()
                out[i] = Generation(text=tok.decode(new, skip_special_tokens=True).strip(),
                                    prompt_tokens=len(enc_all[i]), new_tokens=len(new),
                                    seconds=dt)
            bar.update(len(idx))
    finally:
        bar.close()
        tok.padding_side = old_side
    return out  # type: ignore[return-value]
