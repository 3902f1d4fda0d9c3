"""Judging a model: cross-validation, and a paired bootstrap of two models on one test set."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .data import check_labels

__all__ = ["CVResult", "cross_validate", "PairedBootstrap", "paired_bootstrap"]


@dataclass
class CVResult:
    """Scores of each fold and their mean and standard deviation."""

    scores: list[float]

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def std(self) -> float:
        return float(np.std(self.scores))

    def __str__(self) -> str:
        return f"{self.mean:.3f} ± {self.std:.3f} (n={len(self.scores)})"


def cross_validate(fit_predict: Callable[[np.ndarray, np.ndarray], np.ndarray], y,
                   n_splits: int = 5, seed: int = 0, metric: Callable | None = None,
                   progress: bool = False) -> CVResult:
    """Stratified k-fold: fit_predict(train_idx, test_idx) returns predictions for test_idx."""
    from sklearn.metrics import accuracy_score
    from sklearn.model_selection import StratifiedKFold
    from tqdm.auto import tqdm

    y = check_labels(y)
    metric = metric or accuracy_score
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(y, y)
    scores = []
    for train_idx, test_idx in tqdm(list(folds), desc="cv folds", disable=not progress):
        y_pred = np.asarray(fit_predict(train_idx, test_idx))
        if y_pred.shape != test_idx.shape:
            raise ValueError(f"fit_predict returned {y_pred.shape} predictions for "
                             f"{test_idx.shape[0]} test items")
        scores.append(float(metric(y[test_idx], y_pred)))
    return CVResult(scores)


class PairedBootstrap(NamedTuple):
    """metric(A) - metric(B) on one test set, its interval, and P(A does not beat B)."""

    diff: float
    low: float
    high: float
    p_value: float

    def __str__(self) -> str:
        return f"{self.diff:+.3f} [{self.low:+.3f}, {self.high:+.3f}], p = {self.p_value:.3f}"


def _check_predictions(y_true, *preds) -> tuple[np.ndarray, ...]:
    """y_true as class ids; each prediction (ids or scores) 1-D numeric and of the same length."""
    y_true = check_labels(y_true, "y_true")
    out = []
    for i, p in enumerate(preds):
        name = "y_pred" if len(preds) == 1 else f"pred_{'ab'[i]}"
        arr = np.asarray(p)
        if arr.dtype.kind in "UOSb":
            check_labels(arr, name)  # raises its clear TypeError
        if arr.ndim != 1 or len(arr) != len(y_true):
            raise ValueError(f"{name} has shape {arr.shape} but y_true has {len(y_true)} "
                             "items; pass one prediction per test item")
        out.append(arr)
    return (y_true, *out)


def _resamples(n: int, n_boot: int, alpha: float, seed: int) -> np.ndarray:
    """(n_boot, n) row indices drawn with replacement; checks n_boot and alpha."""
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be in (0, 1), got {alpha}")
    return np.random.default_rng(seed).integers(0, n, size=(n_boot, n))


def paired_bootstrap(y_true, pred_a, pred_b, metric: Callable | None = None,
                     n_boot: int = 1000, alpha: float = 0.05, seed: int = 0) -> PairedBootstrap:
    """metric(A) - metric(B) resampling the same test items for both; one-sided p for A > B."""
    from sklearn.metrics import accuracy_score

    y_true, pred_a, pred_b = _check_predictions(y_true, pred_a, pred_b)
    idx = _resamples(len(y_true), n_boot, alpha, seed)
    if metric is None:  # accuracy: every resample at once, (n_boot, n) right-or-wrong
        right = (pred_a == y_true).astype(np.int64) - (pred_b == y_true)  # (n,): +1, 0, -1
        diffs = right[idx].sum(1) / len(y_true)  # (n_boot,)
        metric = accuracy_score
    else:
        diffs = np.array([metric(y_true[i], pred_a[i]) - metric(y_true[i], pred_b[i])
                          for i in idx])
    low, high = np.quantile(diffs, [alpha / 2, 1 - alpha / 2])
    p_value = (1 + np.sum(diffs <= 0)) / (1 + n_boot)  # share of resamples where A is not better
    diff = metric(y_true, pred_a) - metric(y_true, pred_b)
    return PairedBootstrap(float(diff), float(low), float(high), float(p_value))
