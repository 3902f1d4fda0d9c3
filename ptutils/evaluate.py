"""Label checks, a cross-validation runner and mean ± std summaries."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["check_labels", "CVResult", "cross_validate", "tfidf_logreg", "mean_std"]


def check_labels(y, name: str = "y") -> np.ndarray:
    """Return y as a 1-D int64 array of class ids; a clear error for strings, floats or empty y."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class ids, got shape {arr.shape}")
    if arr.dtype.kind in "UOSb" or (arr.dtype.kind == "f" and not np.all(arr == np.round(arr))):
        raise TypeError(
            f"{name} must hold integer class ids 0..K-1, got dtype {arr.dtype} "
            f"(e.g. {arr[:3].tolist()}); map names to ids first, e.g. "
            "np.unique(y, return_inverse=True)[1]"
        )
    arr = arr.astype(np.int64)
    if arr.min() < 0:
        raise ValueError(f"{name} has negative class ids ({arr.min()}); use 0..K-1")
    return arr


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


def tfidf_logreg(texts: Sequence[str], y, max_iter: int = 1000
                 ) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """The course's bag-of-words baseline as a fit_predict: TF-IDF on data.tokenize + logistic
    regression, fitted on the training fold only."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from .data import tokenize

    if isinstance(texts, str) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings (one document each)")
    y = check_labels(y)
    if len(texts) != len(y):
        raise ValueError(f"{len(texts)} texts but {len(y)} labels")

    def fit_predict(train_idx: np.ndarray, test_idx: np.ndarray) -> np.ndarray:
        vec = TfidfVectorizer(tokenizer=tokenize, token_pattern=None, lowercase=False)
        X_tr = vec.fit_transform([texts[i] for i in train_idx])  # (N, V) sparse
        clf = LogisticRegression(max_iter=max_iter).fit(X_tr, y[train_idx])
        return clf.predict(vec.transform([texts[i] for i in test_idx]))
    return fit_predict


def mean_std(values) -> tuple[float, float]:
    """Mean and (population) standard deviation of a list of numbers."""
    arr = np.asarray(values, dtype=float)
    if arr.size == 0:
        raise ValueError("mean_std got no values")
    return float(arr.mean()), float(arr.std())
