"""Tests for ptutils.speed: the reference workload and the speed factor."""

import pytest
import torch

from ptutils import speed


def test_factor_normalise_and_expect_round_trip():
    slow = speed.from_tokens_per_s(speed.REFERENCE_TOKENS_PER_S / 4)
    assert slow.factor == pytest.approx(0.25)
    assert slow.normalise(400) == pytest.approx(100)  # 400 s here = 100 s on the reference
    assert slow.expect(100) == pytest.approx(400)
    assert "0.25 x the reference machine" in slow.describe()


def test_from_tokens_per_s_rejects_a_non_positive_speed():
    with pytest.raises(ValueError, match="tokens_per_s must be positive"):
        speed.from_tokens_per_s(0)


def test_measure_is_short_positive_and_leaves_the_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    got = speed.measure(seconds=0.2, warmup_steps=1)
    assert got.tokens_per_s > 0 and got.factor == pytest.approx(
        got.tokens_per_s / speed.REFERENCE_TOKENS_PER_S)
    assert torch.equal(torch.rand(3), expected)


def test_measure_rejects_a_non_positive_duration():
    with pytest.raises(ValueError, match="seconds must be positive"):
        speed.measure(seconds=0)


def test_main_prints_the_speed(capsys, monkeypatch):
    monkeypatch.setattr(speed, "measure", lambda: speed.from_tokens_per_s(12_500))
    assert speed.main() == 0
    assert "12,500 tokens/s" in capsys.readouterr().out
