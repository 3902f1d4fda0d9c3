"""Time training steps of notebook 05's GPT (ptutils.gpt), optionally beside nanoGPT's model.py.

A training step is forward + cross-entropy + backward + AdamW (notebook 05's parameter groups),
on random tokens, at notebook 05's size by default: 2 layers, 4 heads, 128 wide, batch 12 x 64
characters, vocabulary 96 and the exact GELU (notebook 05's and nanoGPT's). Layers are bias-free
by default (nanoGPT's CPU recipe); notebook 05 keeps its biases: `--bias true`, or `--bias both`
to time the two. Each variant is timed in repeats of `--steps` steps, the variants
alternating within every repeat (so a slow spell on a shared machine hits them all), and the
median tokens/s of each is printed.

  python scripts/bench_gpt.py --gpt2                            # ours, and with GPT-2's settings
  python scripts/bench_gpt.py --gpt2 --n-layer 4 --bias true    # ptutils.speed's workload too
  python scripts/bench_gpt.py --nanogpt /tmp/nanogpt/model.py   # ours beside nanoGPT's GPT

`--nanogpt` imports that file (karpathy/nanoGPT's model.py; it is not part of this repository)
and builds its GPT with the same sizes, `dropout=0.0` and `bias` as `--bias` says; the ratio
printed is ours / nanoGPT's tokens/s at the same bias setting (> 1: ours is faster).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ptutils without installing
from ptutils import gpt  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; sizes default to notebook 05's model and batch."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nanogpt", type=Path, help="path to nanoGPT's model.py, timed beside ours")
    ap.add_argument("--bias", choices=("false", "true", "both"), default="false",
                    help="bias in Linear and LayerNorm layers (nanoGPT's CPU recipe: false)")
    ap.add_argument("--gelu", choices=("none", "tanh"), default="none",
                    help="our GELU: exact (none, notebook 05 and nanoGPT) or GPT-2's tanh")
    ap.add_argument("--gpt2", action="store_true",
                    help="also time ours with GPT-2's settings (biases, tanh GELU); with "
                         "--n-layer 4 that is GPTConfig()'s defaults: ptutils.speed's workload")
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--vocab-size", type=int, default=gpt.VOCAB_SIZE)
    ap.add_argument("--batch-size", type=int, default=12)
    ap.add_argument("--block-size", type=int, default=64)
    ap.add_argument("--steps", type=int, default=10, help="timed steps per repeat and variant")
    ap.add_argument("--repeats", type=int, default=21, help="repeats (medians are printed)")
    ap.add_argument("--warmup", type=int, default=5, help="untimed steps per variant first")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: PyTorch's default)")
    return ap.parse_args(argv)


def load_nanogpt(path: Path):
    """nanoGPT's model.py, imported from a file outside this repository."""
    if not path.is_file():
        raise SystemExit(f"{path} not found: pass the path of nanoGPT's model.py")
    spec = importlib.util.spec_from_file_location("nanogpt_model", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


Step = Callable[[torch.Tensor, torch.Tensor], None]


def ours_step(args: argparse.Namespace, bias: bool, gelu: str) -> Step:
    """One training step of ptutils.gpt's GPT: forward, loss, backward, AdamW."""
    cfg = gpt.GPTConfig(vocab_size=args.vocab_size, n_positions=args.block_size,
                        n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd,
                        bias=bias, gelu=gelu)
    torch.manual_seed(0)
    net = gpt.GPT(cfg)
    opt = gpt.adamw(net, lr=1e-3)

    def step(x: torch.Tensor, y: torch.Tensor) -> None:
        logits = net(x)  # (B, T, vocab)
        loss = F.cross_entropy(logits.flatten(0, 1), y.flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def nanogpt_step(args: argparse.Namespace, mod, bias: bool) -> Step:
    """One training step of nanoGPT's GPT, its own loss and optimiser groups (decay on 2-D)."""
    cfg = mod.GPTConfig(block_size=args.block_size, vocab_size=args.vocab_size,
                        n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd,
                        dropout=0.0, bias=bias)
    torch.manual_seed(0)
    net = mod.GPT(cfg)
    opt = net.configure_optimizers(0.1, 1e-3, (0.9, 0.99), "cpu")

    def step(x: torch.Tensor, y: torch.Tensor) -> None:
        _, loss = net(x, y)  # nanoGPT computes the loss inside its forward
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return step


def bench(variants: dict[str, Step], args: argparse.Namespace) -> dict[str, list[float]]:
    """Tokens/s of each variant in every repeat, the variants alternating within a repeat."""
    gen = torch.Generator().manual_seed(0)
    xy = torch.randint(args.vocab_size, (args.batch_size, args.block_size + 1), generator=gen)
    x, y = xy[:, :-1].contiguous(), xy[:, 1:].contiguous()  # (B, T) each
    for step in variants.values():
        for _ in range(args.warmup):
            step(x, y)
    speeds: dict[str, list[float]] = {name: [] for name in variants}
    for r in range(args.repeats):
        names = list(variants) if r % 2 == 0 else list(variants)[::-1]  # alternate the order
        for name in names:
            t = time.perf_counter()
            for _ in range(args.steps):
                variants[name](x, y)
            speeds[name].append(args.steps * x.numel() / (time.perf_counter() - t))
    return speeds


def main(argv: list[str] | None = None) -> int:
    """Build the variants, time them, print tokens/s and the ratios."""
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    biases = {"false": [False], "true": [True], "both": [False, True]}[args.bias]
    variants = {f"ours    bias={b}, gelu={args.gelu}": ours_step(args, b, args.gelu)
                for b in biases}
    if args.gpt2:
        variants["ours    GPT-2's settings (bias=True, gelu=tanh)"] = ours_step(
            args, True, "tanh")
    if args.nanogpt:
        mod = load_nanogpt(args.nanogpt)
        variants |= {f"nanoGPT bias={b} (exact GELU)": nanogpt_step(args, mod, b) for b in biases}
    print(f"{args.n_layer} layers, {args.n_head} heads, {args.n_embd} wide; batch "
          f"{args.batch_size} x {args.block_size}; {torch.get_num_threads()} torch threads; "
          f"median of {args.repeats} repeats x {args.steps} steps")
    speeds = bench(variants, args)
    width = max(map(len, speeds))
    for name, v in speeds.items():
        print(f"{name:<{width}}  {statistics.median(v):>9,.0f} tokens/s (median)")
    for b in biases:
        theirs = speeds.get(f"nanoGPT bias={b} (exact GELU)")
        if theirs:  # the ratio within each repeat: the two ran seconds apart, under one load
            ours = speeds[f"ours    bias={b}, gelu={args.gelu}"]
            ratios = sorted(o / t for o, t in zip(ours, theirs))
            print(f"bias={b}: ours (gelu={args.gelu}) / nanoGPT = {statistics.median(ratios):.3f} "
                  f"(median of {len(ratios)} repeats; middle half "
                  f"{ratios[len(ratios) // 4]:.3f} to {ratios[(3 * len(ratios)) // 4]:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
