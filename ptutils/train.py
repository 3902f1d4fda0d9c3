"""One small PyTorch training loop: progress bar, per-epoch validation, a returned history."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .data import check_labels

__all__ = ["History", "make_loader", "evaluate", "predict", "fit"]


@dataclass
class History:
    """Per-epoch numbers from `fit` (lists of equal length)."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[float]]:
        """The history as a plain dict (Keras' History.history has the same shape)."""
        return {k: v for k, v in self.__dict__.items() if v}


def _as_tensors(arrays) -> list:
    """NumPy arrays or tensors as tensors; float64 becomes float32 (torch's default dtype)."""
    import torch

    tensors = [a if torch.is_tensor(a) else torch.as_tensor(np.asarray(a)) for a in arrays]
    return [t.float() if t.dtype == torch.float64 else t for t in tensors]


def make_loader(*arrays, batch_size: int = 32, shuffle: bool = False, seed: int = 0):
    """DataLoader over NumPy arrays or tensors (the last one is usually y); float64 -> float32."""
    import torch
    from torch.utils.data import DataLoader, TensorDataset

    if not arrays or len(arrays[0]) == 0:
        raise ValueError("make_loader needs at least one non-empty array")
    tensors = _as_tensors(arrays)
    gen = torch.Generator().manual_seed(seed)
    return DataLoader(TensorDataset(*tensors), batch_size=batch_size, shuffle=shuffle,
                      generator=gen)


def _step_outputs(model, batch, device):
    """Run model(*inputs) on a batch (inputs..., y); return logits and y on `device`."""
    *inputs, y = [b.to(device) for b in batch]
    return model(*inputs), y


def evaluate(model, loader, loss_fn=None, device: str = "cpu") -> tuple[float, float]:
    """Mean loss and accuracy of a classifier over a loader."""
    import torch

    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    model.eval()
    total, loss_sum, correct = 0, 0.0, 0
    with torch.no_grad():
        for batch in loader:
            logits, y = _step_outputs(model, batch, device)  # (B, K), (B,)
            loss_sum += loss_fn(logits, y).item() * len(y)
            correct += (logits.argmax(-1) == y).sum().item()
            total += len(y)
    return loss_sum / max(1, total), correct / max(1, total)


def predict(model, *inputs, batch_size: int = 256, device: str = "cpu") -> np.ndarray:
    """Class ids argmax(model(*inputs)) for NumPy arrays or tensors, in batches, in eval mode."""
    import torch

    if not inputs or len(inputs[0]) == 0:
        raise ValueError("predict needs at least one non-empty input array")
    tensors = _as_tensors(inputs)
    if any(len(t) != len(tensors[0]) for t in tensors):
        raise ValueError(f"inputs differ in length: {[len(t) for t in tensors]}")
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(*(t[i:i + batch_size].to(device) for t in tensors)).cpu()
                            for i in range(0, len(tensors[0]), batch_size)])  # (N, K)
    return logits.argmax(-1).numpy()


def fit(model, train_loader, num_epochs: int, lr: float = 1e-3, val_loader=None,
        optimizer=None, loss_fn=None, device: str = "cpu", clip_grad: float | None = None,
        progress: bool = True, desc: str = "train") -> History:
    """Train a classifier `model(*inputs) -> logits` with (fused) Adam by default; return a History."""
    import torch
    from tqdm.auto import tqdm

    if num_epochs < 1:
        raise ValueError(f"num_epochs must be >= 1, got {num_epochs}")
    first = next(iter(train_loader))
    if not torch.is_tensor(first[-1]) or first[-1].is_floating_point():
        check_labels(np.asarray(first[-1]), name="labels (last tensor of each batch)")
    model.to(device)
    # fused: one kernel per update (on a CPU many times faster for a large embedding table)
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr,
                                              fused=torch.device(device).type in ("cpu", "cuda"))
    loss_fn = loss_fn or torch.nn.CrossEntropyLoss()
    hist = History()
    bar = tqdm(range(num_epochs), desc=desc, disable=not progress)
    for _ in bar:
        start, total, loss_sum, correct = time.perf_counter(), 0, 0.0, 0
        model.train()
        for batch in train_loader:
            logits, y = _step_outputs(model, batch, device)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            if clip_grad is not None:
                torch.nn.utils.clip_grad_norm_(model.parameters(), clip_grad)
            optimizer.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(-1) == y).sum().item()
            total += len(y)
        hist.train_loss.append(loss_sum / total)
        hist.train_acc.append(correct / total)
        if val_loader is not None:
            vl, va = evaluate(model, val_loader, loss_fn, device)
            hist.val_loss.append(vl)
            hist.val_acc.append(va)
        hist.seconds.append(time.perf_counter() - start)
        post = {"loss": f"{hist.train_loss[-1]:.3f}"}
        if hist.val_acc:
            post["val_acc"] = f"{hist.val_acc[-1]:.3f}"
        bar.set_postfix(post)
    return hist
