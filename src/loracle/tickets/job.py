"""The ticket recipe: validate -> train intent encoder -> (train LM) -> predict -> write.

Read top to bottom; each step is a call into a small library module.
"""
from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .. import models
from ..config import TicketsConfig, config_hash, to_dict
from ..errors import InputError
from ..io import atomic_write_json
from ..manifest import MANIFEST_NAME, build_manifest
from ..seeding import enable_determinism, seed_everything, torch_generator
from . import prompts
from .data import Ticket, check_train, check_val_labels, load_tickets

log = logging.getLogger("loracle")
INTENT_DIR = "intent"
LM_DIR = "lm"


@dataclass
class Inputs:
    train: list[Ticket]
    val: list[Ticket]
    taxonomy: list[str]


def _check_writable_dir(path: str, flag: str) -> None:
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        probe = p / f".loracle-write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise InputError(f"directory is not writable ({e.strerror})", path=str(p),
                         field=flag) from None


def _check_output_path(path: str) -> None:
    p = Path(path)
    if p.is_dir():
        raise InputError("is a directory; --output must be a file path", path=str(p),
                         field="--output")
    _check_writable_dir(str(p.parent if str(p.parent) else "."), "--output")


def load_inputs(cfg: TicketsConfig, train_path: str, val_path: str) -> Inputs:
    train = load_tickets(train_path, labelled=True, max_chars=cfg.data.max_ticket_chars)
    val = load_tickets(val_path, labelled=False, max_chars=cfg.data.max_ticket_chars)
    taxonomy = check_train(train, train_path)
    check_val_labels(val, taxonomy, val_path)
    return Inputs(train, val, taxonomy)


def holdout_split(train: list[Ticket], fraction: float, max_rows: int,
                  seed: int) -> tuple[list[Ticket], list[Ticket]]:
    """Seeded slice of train for val_loss; never takes an intent's last two rows."""
    if fraction <= 0 or max_rows <= 0:
        return train, []
    want = min(max_rows, max(1, round(fraction * len(train))))
    order = torch.randperm(len(train), generator=torch_generator(seed + 17)).tolist()
    left: dict[str, int] = {}
    for t in train:
        left[t.intent] = left.get(t.intent, 0) + 1
    held: set[int] = set()
    for i in order:
        if len(held) >= want:
            break
        if left[train[i].intent] > 2:
            held.add(i)
            left[train[i].intent] -= 1
    fit = [t for i, t in enumerate(train) if i not in held]
    return fit, [t for i, t in enumerate(train) if i in held]


def run(cfg: TicketsConfig, train_path: str, val_path: str, weights_dir: str,
        output_path: str, *, resume: bool = False) -> dict:
    t_start = time.monotonic()
    inputs = load_inputs(cfg, train_path, val_path)  # all input errors before any work
    _check_writable_dir(weights_dir, "--weights")
    _check_output_path(output_path)
    from ..io import sha256_file
    from ..store import recorded_run

    run_inputs = {"train": sha256_file(train_path), "val": sha256_file(val_path)}
    with recorded_run("tickets", cfg, run_inputs, output_path, resume) as (store, run_id):
        return _run(cfg, inputs, train_path, val_path, weights_dir, output_path, t_start,
                    store, run_id, resume)


def _run(cfg, inputs, train_path, val_path, weights_dir, output_path, t_start, store, run_id,
         resume) -> dict:
    seed_everything(cfg.seed)
    enable_determinism()
    deadline = t_start + cfg.train.max_wall_clock_s
    need_lm = cfg.reply.mode == "generate" or cfg.intent.method in ("lm", "ensemble")
    use_refs = cfg.reply.mode == "generate" and cfg.reply.context == "nearest"
    need_encoder = (cfg.intent.method in ("encoder", "ensemble") or cfg.reply.mode == "retrieve"
                    or use_refs)

    # val_loss: on labelled val rows if val carries labels, else on a held-out slice of train.
    val_labelled = all(t.intent for t in inputs.val)
    if val_labelled:
        fit_rows, loss_rows = inputs.train, inputs.val
    else:
        fit_rows, loss_rows = holdout_split(inputs.train, cfg.data.val_fraction,
                                            cfg.data.val_max_rows, cfg.seed)
    log.info("train %d rows (%d intents), val %d rows, val_loss on %d %s rows",
             len(fit_rows), len(inputs.taxonomy), len(inputs.val), len(loss_rows),
             "val" if val_labelled else "held-out train")

    from ..train.classifier import train_classifier

    steps, train_loss, val_loss = 0, None, None
    clf = None
    if need_encoder:
        enc_path = models.resolve_encoder(cfg.encoder.name_or_path)
        tok_e, base_e = models.load_encoder(enc_path)
        # The encoder gets at most ~60% of the budget when an LM must train after it.
        enc_deadline = t_start + cfg.train.max_wall_clock_s * (0.6 if need_lm else 1.0)
        clf, res = train_classifier(
            tok_e, base_e, [t.ticket for t in fit_rows], [t.intent for t in fit_rows],
            inputs.taxonomy, steps=cfg.intent.steps, batch_size=cfg.intent.batch_size,
            learning_rate=cfg.intent.learning_rate, lora_r=cfg.intent.lora_r,
            lora_alpha=cfg.intent.lora_alpha, scale=cfg.intent.scale,
            head_c=cfg.intent.head_c, max_len=cfg.encoder.max_seq_len,
            deadline=enc_deadline, seed=cfg.seed)
        steps += res.steps
        train_loss = res.train_loss
        if res.stopped_by_deadline:
            log.warning("intent encoder stopped at step %d by train.max_wall_clock_s", res.steps)
        if loss_rows:
            p = clf.proba_from_embeddings(clf.embed([t.ticket for t in loss_rows]))
            idx = torch.tensor([inputs.taxonomy.index(t.intent) for t in loss_rows])
            val_loss = float(-torch.log(p[torch.arange(len(idx)), idx].clamp(min=1e-12)).mean())
        if loss_rows and not val_labelled:
            # Held-out rows were kept out of the contrastive training that val_loss
            # measures; the cheap head and the retrieval index then use every row.
            from ..train.classifier import fit_head

            emb = clf.embed([t.ticket for t in inputs.train]).numpy()
            y = np.array([inputs.taxonomy.index(t.intent) for t in inputs.train])
            clf.weight, clf.bias = fit_head(emb, y, len(inputs.taxonomy), cfg.intent.head_c)
        clf.save(Path(weights_dir) / INTENT_DIR)

    lm = tok = None
    lm_tokens = 0
    if need_lm:
        from ..train.lora import attach_lora
        from ..train.sft import build_example, eval_loss, train_sft

        lm_path = models.resolve_lm(cfg.model.name_or_path)
        tok = models.load_tokenizer(lm_path)
        base = models.load_causal_lm(lm_path, cfg.model.dtype, cfg.model.quantization)
        lm = attach_lora(base, r=cfg.lora.lora_r, alpha=cfg.lora.lora_alpha,
                         dropout=cfg.lora.lora_dropout, target_modules=cfg.lora.target_modules,
                         seed=cfg.seed, gradient_checkpointing=cfg.train.gradient_checkpointing)
        rows = [t for t in fit_rows
                if t.ideal_reply or cfg.intent.method in ("lm", "ensemble")]
        held_rows = [t for t in loss_rows if t.ideal_reply or cfg.intent.method != "encoder"]
        refs = _references(clf, fit_rows, rows, held_rows) if use_refs else {}

        def ex(t: Ticket):
            p = prompts.prompt(tok, cfg.system_prompt, t.ticket, refs.get(t.id))
            return build_example(tok, p, prompts.completion(t.intent, t.ideal_reply),
                                 cfg.model.max_seq_len)

        examples = [ex(t) for t in rows]
        if examples:
            tr = cfg.train
            res = train_sft(lm, tok, examples, learning_rate=tr.learning_rate, epochs=tr.epochs,
                            max_steps=tr.max_steps, batch_size=tr.batch_size,
                            warmup_ratio=tr.warmup_ratio, weight_decay=tr.weight_decay,
                            max_grad_norm=tr.max_grad_norm, deadline=deadline, seed=cfg.seed)
            steps += res.steps
            lm_tokens = res.tokens
            train_loss = res.train_loss
            if res.stopped_by_deadline:
                log.warning("LM fine-tuning stopped at step %d by train.max_wall_clock_s",
                            res.steps)
            if held_rows:
                val_loss = eval_loss(lm, tok, [ex(t) for t in held_rows])
        else:
            log.warning("no train row has ideal_reply: the LM is not fine-tuned; "
                        "replies come from the base model")
        lm.save_pretrained(str(Path(weights_dir) / LM_DIR))
    train_seconds = time.monotonic() - t_start

    preds, run_info = _predict_and_record(cfg, inputs, clf, lm, tok, store, run_id, resume)
    training = {"steps": steps, "train_loss": _round(train_loss), "val_loss": _round(val_loss),
                "wall_clock_s": round(train_seconds, 2)}
    result = {"training": training, "predictions": preds}
    manifest = build_manifest(
        job="tickets", config=to_dict(cfg), config_hash=config_hash(cfg), seed=cfg.seed,
        inputs={"train": train_path, "val": val_path}, weights_dir=weights_dir,
        output=output_path, training=training, predictions=preds,
        extra={"taxonomy": inputs.taxonomy, "lm_train_tokens": lm_tokens, "run_id": run_id,
               "db_path": str(store.path),
               "total_wall_clock_s": round(time.monotonic() - t_start, 2)})
    atomic_write_json(Path(weights_dir) / MANIFEST_NAME, manifest)
    atomic_write_json(output_path, result)
    metrics = _metrics(inputs, preds)
    metrics.update(run_info)
    store.finish_run(run_id, status="done", manifest=manifest, metrics=metrics,
                     timings={"train_s": round(train_seconds, 2),
                              "total_s": round(time.monotonic() - t_start, 2)})
    return result


CHUNK = 256  # rows predicted (and persisted) together


def _predict_and_record(cfg, inputs, clf, lm, tok, store, run_id, resume):
    """Predict every val row in chunks, persisting each item as soon as it is final;
    on --resume, items already stored for this run are reused, not recomputed."""
    from ..providers import client_from_config
    from .fallback import apply_fallback
    from .predict import Predictor

    done = {it["item_id"]: it["output"] for it in store.items(run_id)} if resume else {}
    if done:
        log.info("resuming run %s: %d of %d items already done", run_id, len(done),
                 len(inputs.val))
    client = None
    fb = cfg.fallback
    if fb.min_confidence > 0:
        client = client_from_config(fb, store=store, run_id=run_id, seed=cfg.seed)
        if client is None:
            log.info("fallback.min_confidence=%s but no endpoint is configured: fully local",
                     fb.min_confidence)
        else:
            log.info("fallback endpoint %s, model %s", client.endpoint.base_url,
                     client.endpoint.model)
    predictor = Predictor(cfg, inputs, clf, lm, tok)
    position = {t.id: i for i, t in enumerate(inputs.val)}
    todo = [t for t in inputs.val if t.id not in done]
    stats: dict[str, int] = {}
    out = dict(done)
    for s in range(0, len(todo), CHUNK):
        rows = todo[s:s + CHUNK]
        preds = predictor(rows)
        if client is not None:
            st = apply_fallback(preds, [t.ticket for t in rows], inputs.taxonomy, client,
                                fb.min_confidence, fb.max_tokens)
            for k, v in st.items():
                stats[k] = stats.get(k, 0) + v
        store.put_items(run_id, [
            (t.id, position[t.id], {"ticket": t.ticket}, p,
             {"gold": t.intent, "correct": p["predicted_intent"] == t.intent}
             if t.intent else None) for t, p in zip(rows, preds)])
        out.update((t.id, p) for t, p in zip(rows, preds))
    info: dict = {}
    if client is not None:
        info = {"fallback": stats, "provider_stopped": client.stopped_reason,
                "cost_usd": round(client.spent_usd, 8)}
        if client.stopped_reason:
            log.warning("fallback stopped early (%s): %s rows answered locally",
                        client.stopped_reason, stats.get("skipped", 0))
    return [out[t.id] for t in inputs.val], info


def _metrics(inputs, preds: list[dict]) -> dict:
    m: dict = {"rows": len(preds),
               "source_local": sum(p.get("source") == "local" for p in preds),
               "source_fallback": sum(p.get("source") == "fallback" for p in preds),
               "mean_confidence": round(sum(p["confidence"] for p in preds) / len(preds), 6)}
    gold = {t.id: t.intent for t in inputs.val if t.intent}
    if gold:
        m["intent_accuracy"] = round(
            sum(p["predicted_intent"] == gold[p["id"]] for p in preds if p["id"] in gold)
            / len(gold), 6)
    return m


def _references(clf, pool: list[Ticket], rows: list[Ticket],
                held: list[Ticket]) -> dict[str, str | None]:
    """Reference replies for training prompts: each row's nearest *other* fit row
    of its intent (leave-one-out); held-out rows look up the fit rows."""
    from .retrieval import nearest_replies

    pool_emb = clf.embed([t.ticket for t in pool])
    by_id = {t.id: i for i, t in enumerate(pool)}
    refs = nearest_replies(pool, pool_emb, pool_emb[[by_id[t.id] for t in rows]],
                           [t.intent for t in rows], [t.id for t in rows]) if rows else []
    out = {t.id: r for t, r in zip(rows, refs)}
    if held:
        q = clf.embed([t.ticket for t in held])
        out.update(zip([t.id for t in held],
                       nearest_replies(pool, pool_emb, q, [t.intent for t in held])))
    return out


def _round(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(float(x), 6)
