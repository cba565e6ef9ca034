"""Attaching LoRA adapters, seeded so the init never depends on earlier RNG use."""
from __future__ import annotations

import torch

from ..seeding import seed_everything


def attach_lora(model, *, r: int, alpha: int, dropout: float, target_modules, seed: int,
                task_type: str | None = "CAUSAL_LM", gradient_checkpointing: bool = False):
    """Return a PeftModel with only the LoRA weights trainable.

    Re-seeds immediately before ``get_peft_model`` (DESIGN.md, Determinism).
    For 4-bit bases, ``prepare_model_for_kbit_training`` runs first (QLoRA).
    """
    from peft import LoraConfig, get_peft_model, prepare_model_for_kbit_training

    if getattr(model, "is_loaded_in_4bit", False):
        model = prepare_model_for_kbit_training(
            model, use_gradient_checkpointing=gradient_checkpointing)
    elif gradient_checkpointing:
        model.gradient_checkpointing_enable()
        model.enable_input_require_grads()
    if isinstance(target_modules, str) and target_modules != "all-linear":
        target_modules = [t.strip() for t in target_modules.split(",") if t.strip()]
    cfg = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=dropout, target_modules=target_modules,
                     task_type=task_type, bias="none")
    seed_everything(seed)
    peft_model = get_peft_model(model, cfg)
    for n, p in peft_model.named_parameters():
        if "lora_" not in n:
            p.requires_grad_(False)
    return peft_model


def trainable_state(model) -> dict[str, torch.Tensor]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
