"""Reading JSONL with precise errors; writing files atomically."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]


def repo_path(path: str | os.PathLike) -> Path:
    """A relative path as given if it exists from the cwd, else relative to the repo root:
    shipped configs name repo files (configs/..., judges/...) and run from any directory."""
    p = Path(path)
    if not p.is_absolute() and not p.exists() and (REPO_ROOT / p).exists():
        return REPO_ROOT / p
    return p


def json_object_in(text: str | None) -> dict | None:
    """The outermost {...} in a model's reply parsed as a JSON object, or None: replies
    often wrap the JSON in prose or code fences."""
    import re

    m = re.search(r"\{.*\}", text or "", re.S)
    if not m:
        return None
    try:
        obj = json.loads(m.group(0))
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def read_json_array(path: str | os.PathLike, what: str) -> list:
    """A JSON file holding a non-empty array (tasks, tools, samples, results).

    Raises InputError naming the file (and the line of a syntax error) for a missing file,
    non-UTF-8 bytes, malformed JSON, or anything but a non-empty array."""
    from .errors import InputError

    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file not found", path=str(p)) from None
    except UnicodeDecodeError:
        raise InputError("not valid UTF-8", path=str(p)) from None
    except json.JSONDecodeError as e:
        raise InputError(f"malformed JSON: {e.msg}", path=str(p), line=e.lineno) from None
    if not isinstance(data, list) or not data:
        raise InputError(f"expected a non-empty JSON array of {what}", path=str(p))
    return data


def read_jsonl(path: str | os.PathLike) -> list[tuple[int, dict]]:
    """Return ``[(line_number, object), ...]``; blank lines are skipped.

    Raises InputError naming the file and line for non-UTF-8 bytes, malformed
    JSON, or a line that is not a JSON object. An empty file is an error.
    """
    from .errors import InputError

    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", path=str(p))
    raw = p.read_bytes()
    rows: list[tuple[int, dict]] = []
    for lineno, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InputError(f"not valid UTF-8 (byte offset {e.start} in the line)",
                             path=str(p), line=lineno) from None
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"malformed JSON: {e.msg} at column {e.colno}",
                             path=str(p), line=lineno) from None
        if not isinstance(obj, dict):
            raise InputError(f"expected a JSON object, got {type(obj).__name__}",
                             path=str(p), line=lineno)
        rows.append((lineno, obj))
    if not rows:
        raise InputError("file is empty (no JSON lines)", path=str(p))
    return rows


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write via a temp file in the same directory and rename, so readers never
    see a half-written file and an existing file survives a crash."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=str(p.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, p)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_json(path: str | os.PathLike, obj: Any) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def iter_files(root: str | os.PathLike) -> Iterator[Path]:
    """Files under root in a stable (sorted) order."""
    for p in sorted(Path(root).rglob("*")):
        if p.is_file():
            yield p
