"""Run manifests: everything needed to re-run and to check a re-run byte for byte."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import torch

from .io import sha256_bytes, sha256_file

MANIFEST_NAME = "manifest.json"
_PACKAGES = ("loracle", "torch", "transformers", "peft", "trl", "accelerate", "datasets",
             "scikit-learn", "numpy", "tokenizers", "safetensors", "bitsandbytes", "openai")
# Fields of a prediction/training record that depend on wall-clock, not on the model.
VOLATILE = {"latency_ms", "wall_clock_s"}


def package_versions() -> dict[str, str | None]:
    out = {}
    for p in _PACKAGES:
        try:
            out[p] = metadata.version(p)
        except metadata.PackageNotFoundError:
            out[p] = None
    return out


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def device_info() -> dict:
    info = {"torch_threads": torch.get_num_threads(), "cpu": _cpu_name(),
            "platform": platform.platform(), "python": platform.python_version(),
            "cuda": torch.cuda.is_available()}
    if info["cuda"]:
        info["gpu"] = torch.cuda.get_device_name(0)
    return info


def git_commit() -> str | None:
    here = Path(__file__).resolve().parent
    try:
        r = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True,
                           text=True, timeout=5)
        return r.stdout.strip() or None if r.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def stable_predictions_hash(predictions: list[dict]) -> str:
    """sha256 of the predictions without wall-clock fields."""
    clean = [{k: v for k, v in p.items() if k not in VOLATILE} for p in predictions]
    return sha256_bytes(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode())


def files_hashes(root: str | os.PathLike, exclude: set[str] = frozenset({MANIFEST_NAME})) -> dict:
    root = Path(root)
    return {str(p.relative_to(root)): sha256_file(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in exclude}


def build_manifest(*, job: str, config: dict, config_hash: str, seed: int, inputs: dict,
                   weights_dir: str, output: str, training: dict, predictions: list[dict],
                   extra: dict | None = None) -> dict:
    return {
        "manifest_version": 1,
        "job": job,
        "seed": seed,
        "config": config,
        "config_hash": config_hash,
        "inputs": {k: {"path": str(Path(v).resolve()), "sha256": sha256_file(v)}
                   for k, v in inputs.items()},
        "outputs": {"weights": str(Path(weights_dir).resolve()),
                    "output": str(Path(output).resolve())},
        "adapter_files": files_hashes(weights_dir),
        "training": {k: v for k, v in training.items() if k not in VOLATILE},
        "predictions_sha256": stable_predictions_hash(predictions),
        "packages": package_versions(),
        "device": device_info(),
        "git_commit": git_commit(),
        **(extra or {}),
    }


def diff_manifests(a: dict, b: dict) -> list[str]:
    """Human-readable differences in what must be reproducible."""
    out: list[str] = []
    for key in ("config_hash", "seed", "predictions_sha256"):
        if a.get(key) != b.get(key):
            out.append(f"{key}: {a.get(key)} != {b.get(key)}")
    for name in sorted(set(a.get("inputs", {})) | set(b.get("inputs", {}))):
        ha = a.get("inputs", {}).get(name, {}).get("sha256")
        hb = b.get("inputs", {}).get(name, {}).get("sha256")
        if ha != hb:
            out.append(f"input {name}: sha256 {ha} != {hb}")
    fa, fb = a.get("adapter_files", {}), b.get("adapter_files", {})
    for f in sorted(set(fa) | set(fb)):
        if fa.get(f) != fb.get(f):
            out.append(f"adapter file {f}: {fa.get(f)} != {fb.get(f)}")
    ta, tb = a.get("training", {}), b.get("training", {})
    for k in sorted(set(ta) | set(tb)):
        if ta.get(k) != tb.get(k):
            out.append(f"training.{k}: {ta.get(k)} != {tb.get(k)}")
    for k in ("torch_threads", "cpu"):
        da, db = a.get("device", {}).get(k), b.get("device", {}).get(k)
        if da != db:
            out.append(f"note: device.{k} differs ({da} vs {db}); float reduction order may "
                       "change results")
    return out
