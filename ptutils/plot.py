"""Plots a learner would rather look at than read: curves, maps, heat maps, image grids.

(Confusion matrices: `sklearn.metrics.ConfusionMatrixDisplay.from_predictions`.)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["plot_history", "plot_heatmap", "plot_points_2d", "plot_image_grid"]


def _plt():
    """matplotlib.pyplot, imported only when a plot is drawn."""
    import matplotlib.pyplot as plt

    return plt


def plot_history(histories, metrics: Sequence[str] = ("loss", "acc"), title: str = ""):
    """Loss and accuracy per epoch; `histories` is a History/dict or a {name: History/dict}."""
    plt = _plt()
    if hasattr(histories, "as_dict") or (isinstance(histories, dict) and
                                         all(isinstance(v, list) for v in histories.values())):
        histories = {"": histories}
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.5), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for name, h in histories.items():
            d = h.as_dict() if hasattr(h, "as_dict") else getattr(h, "history", h)
            for key in (f"train_{metric}", metric, "accuracy" if metric == "acc" else "_"):
                if key in d:
                    ax.plot(range(1, len(d[key]) + 1), d[key], label=f"{name} train".strip())
                    break
            for key in (f"val_{metric}", "val_accuracy" if metric == "acc" else "_"):
                if key in d:
                    ax.plot(range(1, len(d[key]) + 1), d[key], "--", label=f"{name} val".strip())
                    break
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.legend(fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_heatmap(matrix, xlabels: Sequence[str] | None = None,
                 ylabels: Sequence[str] | None = None, title: str = "", cmap: str = "viridis",
                 ax=None, annotate: bool = False):
    """A labelled heat map (attention weights, cosine similarities, ...)."""
    plt = _plt()
    M = np.asarray(matrix)
    if M.ndim != 2:
        raise ValueError(f"plot_heatmap needs a 2-D matrix, got shape {M.shape}")
    ax = ax or plt.subplots(figsize=(1 + 0.45 * M.shape[1], 1 + 0.4 * M.shape[0]))[1]
    im = ax.imshow(M, cmap=cmap)
    if xlabels is not None:
        ax.set_xticks(range(M.shape[1]), xlabels, rotation=60, ha="right")
    if ylabels is not None:
        ax.set_yticks(range(M.shape[0]), ylabels)
    if annotate:
        for i in range(M.shape[0]):
            for j in range(M.shape[1]):
                ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=7,
                        color="white" if M[i, j] < M.mean() else "black")
    ax.figure.colorbar(im, ax=ax, fraction=0.046)
    ax.set_title(title)
    return ax


def plot_points_2d(points, labels: Sequence[str], groups: Sequence[str] | None = None,
                   title: str = "", ax=None):
    """Scatter 2-D points (e.g. PCA of word vectors) with a text label on each, coloured by group."""
    plt = _plt()
    P = np.asarray(points)
    if P.ndim != 2 or P.shape[1] != 2 or len(P) != len(labels):
        raise ValueError(f"points must be (N, 2) with N labels; got {P.shape} and {len(labels)}")
    ax = ax or plt.subplots(figsize=(7, 6))[1]
    groups = list(groups) if groups is not None else [""] * len(P)
    for g in dict.fromkeys(groups):
        idx = [i for i, gi in enumerate(groups) if gi == g]
        ax.scatter(P[idx, 0], P[idx, 1], label=g or None, s=25)
    for (x, y), text in zip(P, labels):
        ax.annotate(text, (x, y), fontsize=8, xytext=(3, 3), textcoords="offset points")
    if any(groups):
        ax.legend(fontsize=8)
    ax.set_title(title)
    return ax


def plot_image_grid(images, titles: Sequence[str] | None = None, ncols: int = 10,
                    cmap: str = "gray_r", title: str = ""):
    """A grid of small images (N, H, W) with optional per-image titles."""
    plt = _plt()
    imgs = np.asarray(images)
    if imgs.ndim != 3 or len(imgs) == 0:
        raise ValueError(f"images must be a non-empty (N, H, W) array, got shape {imgs.shape}")
    nrows = int(np.ceil(len(imgs) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.1 * ncols, 1.3 * nrows), squeeze=False)
    for k, ax in enumerate(axes.flat):
        ax.axis("off")
        if k < len(imgs):
            ax.imshow(imgs[k], cmap=cmap)
            if titles is not None:
                ax.set_title(titles[k], fontsize=8)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
