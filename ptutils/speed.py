"""How fast is this machine? A short reference workload, so that times travel between machines.

The workload is the course's own: training steps of notebook 05's GPT class at GPTConfig()'s
defaults (4 layers, 128 wide, GPT-2's biases and tanh GELU; frozen here even though the notebook
now trains 2 layers), batch 12 x 64 characters, AdamW, on random tokens, with the threads
PyTorch uses by default. Its
speed in tokens/s, divided by the reference machine's, is the machine's speed factor; a
notebook's wall seconds times that factor are its *normalised* seconds: the time it would have
taken on the reference machine. Budgets are in normalised seconds.

Usage: python -m ptutils.speed   (prints this machine's tokens/s and speed factor)
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

__all__ = ["REFERENCE_TOKENS_PER_S", "MachineSpeed", "measure", "from_tokens_per_s", "main"]

# The reference machine: a quiet 2-core CPU (the one behind the README's times) that runs the
# workload below at this speed. A machine a third as fast has factor 0.33.
REFERENCE_TOKENS_PER_S = 25_000.0
_BATCH, _BLOCK = 12, 64


@dataclass(frozen=True)
class MachineSpeed:
    """The reference workload's speed on this machine and its ratio to the reference machine."""

    tokens_per_s: float
    factor: float  # tokens_per_s / REFERENCE_TOKENS_PER_S: < 1 is slower than the reference
    device: str = "cpu"  # where the notebooks will run; on a GPU they scale their sizes up

    def normalise(self, seconds: float) -> float:
        """Wall seconds on this machine -> seconds on the reference machine."""
        return seconds * self.factor

    def expect(self, normalised_s: float) -> float:
        """Normalised seconds -> the wall seconds to expect on this machine."""
        return normalised_s / self.factor

    def describe(self) -> str:
        """One line for a report: tokens/s and the factor against the reference machine."""
        gpu = (f"; the notebooks run on {self.device} and scale their sizes up, so budgets are "
               f"not judged" if self.device != "cpu" else "")
        return (f"{self.tokens_per_s:,.0f} tokens/s on the reference workload = "
                f"{self.factor:.2f} x the reference machine ({REFERENCE_TOKENS_PER_S:,.0f}){gpu}")


def from_tokens_per_s(tokens_per_s: float, device: str = "cpu") -> MachineSpeed:
    """A MachineSpeed for a given workload speed (tests simulate slow and fast machines so)."""
    if not tokens_per_s > 0:
        raise ValueError(f"tokens_per_s must be positive, got {tokens_per_s}")
    return MachineSpeed(tokens_per_s, tokens_per_s / REFERENCE_TOKENS_PER_S, device)


def measure(seconds: float = 3.0, warmup_steps: int = 5) -> MachineSpeed:
    """Run the reference workload for about `seconds` (after warm-up) and return its speed.

    The workload always runs on the CPU; `device` records where the notebooks will run.
    """
    if seconds <= 0:
        raise ValueError(f"seconds must be positive, got {seconds}")
    import torch

    from .device import choose_device
    from .gpt import GPT, GPTConfig, adamw

    gen = torch.Generator().manual_seed(0)
    with torch.random.fork_rng():  # leaves the caller's random state alone
        torch.manual_seed(0)
        net = GPT(GPTConfig())
    opt = adamw(net, lr=1e-3)
    X = torch.randint(96, (_BATCH, _BLOCK + 1), generator=gen)  # (B, T + 1)

    def step() -> None:
        logits = net(X[:, :-1])  # (B, T, vocab)
        loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), X[:, 1:].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(warmup_steps):
        step()
    steps, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or steps < 3:
        step()
        steps += 1
    return from_tokens_per_s(steps * _BATCH * _BLOCK / elapsed, choose_device())


def main() -> int:
    """Print this machine's speed on the reference workload."""
    print(measure().describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
