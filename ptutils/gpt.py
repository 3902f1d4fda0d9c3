"""Notebook 05's character-level GPT as an importable module, so that a script can pre-train it.

The classes are the notebook's, name for name (GPT-2's parameter names, nanoGPT's layout);
`tests/test_gpt.py` runs the notebook's own class definitions and checks that both give the same
logits, so this is the notebook's model and not a drifting copy. Also here: the character
vocabulary, the Wikipedia character stream, random training windows, token files (nanoGPT's
`train.bin`), the learning-rate schedule and the AdamW parameter groups of notebook 05.
Imports torch: import it explicitly, `from ptutils import gpt`.
"""

from __future__ import annotations

import hashlib
import inspect
import math
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .errors import AssetError

__all__ = ["GPTConfig", "CausalSelfAttention", "MLP", "Block", "GPT", "CHARS", "VOCAB_SIZE",
           "normalise", "encode", "decode", "wiki_char_ids", "sample_windows", "save_ids",
           "load_ids", "lr_at", "adamw"]

CHARS = ["\n"] + [chr(i) for i in range(32, 127)]  # the whole vocabulary: newline + printable ASCII
VOCAB_SIZE = len(CHARS)
_STOI = {c: i for i, c in enumerate(CHARS)}


@dataclass
class GPTConfig:
    """Sizes of the model (GPT-2's field names)."""

    vocab_size: int = 96  # characters
    n_positions: int = 512  # longest context (rows of the position table)
    n_layer: int = 4  # transformer blocks
    n_head: int = 4  # attention heads per block
    n_embd: int = 128  # width C of the residual stream
    bias: bool = True  # Linear and LayerNorm biases, as GPT-2 (nanoGPT on CPUs: False)
    gelu: str = "tanh"  # GPT-2's tanh-approximated GELU, or "none": exact, faster on CPUs


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention: one matmul for q, k, v; fused attention; projection."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        if cfg.n_embd % cfg.n_head:
            raise ValueError(f"n_embd={cfg.n_embd} must be a multiple of n_head={cfg.n_head}")
        self.n_head = cfg.n_head
        self.c_attn = nn.Linear(cfg.n_embd, 3 * cfg.n_embd, bias=cfg.bias)  # q, k, v stacked
        self.c_proj = nn.Linear(cfg.n_embd, cfg.n_embd, bias=cfg.bias)

    def qkv(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Queries, keys and values split into heads: 3 x (B, nh, T, hs)."""
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)  # 3 x (B, T, C)
        return [t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v)]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Attention output (B, T, C) for x (B, T, C)."""
        B, T, C = x.shape
        q, k, v = self.qkv(x)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs)
        return self.c_proj(y.transpose(1, 2).reshape(B, T, C))  # heads concatenated: (B, T, C)


class MLP(nn.Module):
    """Position-wise feed-forward network: C -> 4C -> C with a GELU (cfg.gelu: tanh or exact)."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        if cfg.gelu not in ("tanh", "none"):
            raise ValueError(f"gelu must be 'tanh' or 'none', got {cfg.gelu!r}")
        self.gelu = cfg.gelu
        self.c_fc = nn.Linear(cfg.n_embd, 4 * cfg.n_embd, bias=cfg.bias)
        self.c_proj = nn.Linear(4 * cfg.n_embd, cfg.n_embd, bias=cfg.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, C) -> (B, T, C)."""
        return self.c_proj(F.gelu(self.c_fc(x), approximate=self.gelu))


class Block(nn.Module):
    """Pre-norm transformer block: x + attn(LN(x)), then x + mlp(LN(x))."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.ln_1 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.attn = CausalSelfAttention(cfg)
        self.ln_2 = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, C) -> (B, T, C)."""
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """Token + position embeddings, n_layer blocks, a final LayerNorm, output tied to wte."""

    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.n_embd)
        self.wpe = nn.Embedding(cfg.n_positions, cfg.n_embd)
        self.h = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(cfg.n_embd, bias=cfg.bias)
        for name, p in self.named_parameters():  # GPT-2's initialisation
            if name.endswith("c_proj.weight"):  # residual branches scaled down with depth
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))
            elif p.dim() == 2:
                nn.init.normal_(p, std=0.02)
            elif name.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """Next-token logits (B, T, vocab) for token ids idx (B, T)."""
        if idx.shape[1] > self.cfg.n_positions:
            raise ValueError(f"context of {idx.shape[1]} tokens is longer than n_positions="
                             f"{self.cfg.n_positions}; crop it: idx[:, -n_positions:]")
        pos = torch.arange(idx.shape[1], device=idx.device)
        x = self.wte(idx) + self.wpe(pos)  # (B, T, C)
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T  # (B, T, vocab): the output reuses wte


def normalise(text: str) -> str:
    """Accents split off (NFKD) and dropped: only printable ASCII and newlines are kept."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if c == "\n" or " " <= c <= "~")


def encode(text: str) -> torch.Tensor:
    """Character ids (N,); a character outside CHARS is an error (normalise the text first)."""
    try:
        return torch.tensor([_STOI[c] for c in text], dtype=torch.long)
    except KeyError as e:
        raise ValueError(f"character {e.args[0]!r} is not in the vocabulary; "
                         "pass the text through gpt.normalise() first") from None


def decode(ids) -> str:
    """Text from character ids (a tensor or a list of ints)."""
    ids = ids.tolist() if isinstance(ids, torch.Tensor) else ids
    return "".join(CHARS[i] for i in ids)


def wiki_char_ids(held_out_fraction: float = 0.1, split_seed: int = 0
                  ) -> tuple[torch.Tensor, torch.Tensor]:
    """Notebook 05's split: (training ids, held-out ids) of the gensim Wikipedia articles.

    Parsing the articles takes seconds, so the ids are cached under ptutils' cache folder, keyed
    by the corpus file's SHA-256, the split and the source of the functions that build them."""
    if not 0 < held_out_fraction < 1:
        raise ValueError(f"held_out_fraction must be in (0, 1), got {held_out_fraction}")
    folder = _char_ids_cache(held_out_fraction, split_seed)
    try:
        return load_ids(folder / "train.bin"), load_ids(folder / "val.bin")
    except AssetError:  # not cached yet, or half a cache: (re)build it
        shutil.rmtree(folder, ignore_errors=True)
    from .data import wiki_articles

    articles = wiki_articles()
    order = np.random.default_rng(split_seed).permutation(len(articles))
    n_val = max(1, round(held_out_fraction * len(articles)))
    val_arts, train_arts = sorted(order[:n_val]), sorted(order[n_val:])
    train_text = "\n\n".join(normalise(articles[i].text) for i in train_arts)
    val_text = "\n\n".join(normalise(articles[i].text) for i in val_arts)
    train_ids, val_ids = encode(train_text), encode(val_text)
    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=folder.name + ".tmp"))
    try:  # written to a temporary folder and renamed: never half a cache
        save_ids(train_ids, tmp / "train.bin")
        save_ids(val_ids, tmp / "val.bin")
        tmp.rename(folder)
    except OSError:  # another process wrote it first, or the disk is full: use the ids anyway
        pass
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return train_ids, val_ids


def _char_ids_cache(held_out_fraction: float, split_seed: int) -> Path:
    """The cache folder of wiki_char_ids: corpus checksum, split, and the code that builds it."""
    from . import data
    from .pretrained import cache_dir, sha256

    code = "".join(inspect.getsource(f) for f in (data._parse_wiki, data._clean_wiki,
                                                   normalise, wiki_char_ids)) + "".join(CHARS)
    key = hashlib.sha256(f"{sha256(data.gensim_datapath(data.WIKI_FILE))} {held_out_fraction!r} "
                         f"{split_seed} {code}".encode()).hexdigest()[:24]
    return cache_dir() / f"wiki_char_ids_{key}"


def sample_windows(ids: torch.Tensor, batch_size: int, block_size: int,
                   gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """batch_size random windows of ids: inputs x and next-token targets y, both (B, T)."""
    if len(ids) < block_size + 2:
        raise ValueError(f"{len(ids)} tokens are too few for windows of {block_size} + 1")
    starts = torch.randint(len(ids) - block_size - 1, (batch_size,), generator=gen)
    xy = ids[starts[:, None] + torch.arange(block_size + 1)]  # (B, T + 1)
    return xy[:, :-1], xy[:, 1:]


def save_ids(ids: torch.Tensor, path: str | Path) -> Path:
    """Write token ids as one byte each (nanoGPT's train.bin, for vocabularies <= 256)."""
    ids = torch.as_tensor(ids)
    if ids.numel() and (ids.min() < 0 or ids.max() > 255):
        raise ValueError("save_ids stores one byte per token: ids must lie in 0..255")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ids.numpy().astype(np.uint8).tofile(path)
    return path


def load_ids(path: str | Path) -> torch.Tensor:
    """Token ids written by save_ids, as a long tensor (N,)."""
    path = Path(path)
    if not path.is_file():
        raise AssetError(f"token file {path} not found; write it with gpt.save_ids(ids, path)")
    return torch.from_numpy(np.fromfile(path, dtype=np.uint8).astype(np.int64))


def lr_at(step: int, lr: float, warmup_steps: int, num_steps: int,
          min_lr_fraction: float = 0.1) -> float:
    """Linear warm-up to lr, then cosine decay to min_lr_fraction x lr at num_steps."""
    if step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, num_steps - warmup_steps)
    return lr * (min_lr_fraction + (1 - min_lr_fraction) * 0.5 * (1 + math.cos(math.pi * progress)))


def adamw(net: nn.Module, lr: float, weight_decay: float = 0.1) -> torch.optim.AdamW:
    """Notebook 05's optimiser: AdamW, betas (0.9, 0.99), weight decay on matrices only."""
    groups = [{"params": [p for p in net.parameters() if p.dim() == 2],
               "weight_decay": weight_decay},
              {"params": [p for p in net.parameters() if p.dim() < 2], "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.99))
