"""Tests for ptutils.plot: each helper draws, and rejects malformed input clearly."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from ptutils.plot import (  # noqa: E402
    plot_heatmap,
    plot_history,
    plot_image_grid,
    plot_points_2d,
)
from ptutils.train import History  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_plot_history_accepts_history_keras_dict_and_named_runs():
    h = History(train_loss=[1.0, 0.5], train_acc=[0.5, 0.8], val_loss=[1.1, 0.7],
                val_acc=[0.4, 0.7])
    fig = plot_history(h, title="one run")
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2
    keras_like = {"loss": [1.0, 0.6], "accuracy": [0.5, 0.7], "val_loss": [1.2, 0.9],
                  "val_accuracy": [0.4, 0.6]}
    fig = plot_history({"torch": h, "keras": keras_like})
    assert len(fig.axes[1].lines) == 4


def test_plot_heatmap_and_its_error():
    ax = plot_heatmap(np.eye(3), xlabels=list("abc"), ylabels=list("abc"), annotate=True)
    assert len(ax.texts) == 9
    with pytest.raises(ValueError, match="2-D"):
        plot_heatmap(np.zeros(3))


def test_plot_points_2d_and_its_error():
    ax = plot_points_2d(np.zeros((2, 2)), ["a", "b"], groups=["x", "y"])
    assert len(ax.texts) == 2
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        plot_points_2d(np.zeros((2, 3)), ["a", "b"])


def test_plot_image_grid_and_its_error():
    fig = plot_image_grid(np.zeros((3, 8, 8)), titles=["0", "1", "2"], ncols=2)
    assert len(fig.axes) == 4
    with pytest.raises(ValueError, match="non-empty"):
        plot_image_grid(np.zeros((0, 8, 8)))
