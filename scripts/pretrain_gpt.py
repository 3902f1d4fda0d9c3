"""Pre-train notebook 05's GPT with data parallelism: one process per device, each a replica.

Every step draws one global batch of `--batch-size` windows (the same on every rank, from the
seed); rank r trains on its shard, rows r*b .. (r+1)*b - 1 with b = batch-size / world size. The
gradients are then averaged across the ranks, so every replica takes the same step as a single
process on the whole batch would. How they are averaged is `--sync`:

  ddp         torch.nn.parallel.DistributedDataParallel (all-reduce in buckets, during backward)
  hand        after backward, dist.all_reduce(SUM) of every gradient, divided by the world size
  accelerate  Hugging Face accelerate's Accelerator (it wraps the model in DDP for us)
  none        no averaging: a negative control, the replicas drift apart

Launch (torchrun and accelerate set RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT):

  torchrun --nproc_per_node=2 scripts/pretrain_gpt.py --data train.bin --out runs/ddp
  accelerate launch --multi_gpu --num_processes 2 scripts/pretrain_gpt.py --sync accelerate ...
  python scripts/pretrain_gpt.py --data train.bin --out runs/one   (one process, no launcher)

Rank 0 writes OUT/result.json (loss per step, tokens/s, how far the replicas are apart); every
rank writes OUT/rank<r>.json when it finishes; `--dump-grads` also saves step 0's gradients.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

from ptutils import gpt
from ptutils.device import choose_device as pick_device

SYNCS = ("ddp", "hand", "accelerate", "none")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line; sizes and layers default to notebook 05's model."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="token file written by ptutils.gpt.save_ids")
    ap.add_argument("--out", required=True, help="folder for result.json and rank<r>.json")
    ap.add_argument("--sync", choices=SYNCS, default="ddp", help="how gradients are averaged")
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--batch-size", type=int, default=16, help="global batch (all ranks)")
    ap.add_argument("--block-size", type=int, default=64, help="characters per window")
    ap.add_argument("--n-layer", type=int, default=2)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--bias", action=argparse.BooleanOptionalAction, default=False,
                    help="Linear and LayerNorm biases (default: none, nanoGPT's CPU recipe)")
    ap.add_argument("--gelu", choices=("none", "tanh"), default="none",
                    help="exact GELU (none, as notebook 05 and nanoGPT) or GPT-2's tanh form")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--warmup-steps", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0, help="initialisation and batches")
    ap.add_argument("--threads", type=int, default=0, help="torch threads per process (0: default)")
    ap.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto",
                    help="auto: ptutils' choice ($PTUTILS_DEVICE, else CUDA, MPS, CPU) when "
                         "every rank can have its own GPU, else the CPU")
    ap.add_argument("--timing-skip", type=int, default=5, help="first steps left out of tokens/s")
    ap.add_argument("--dump-grads", action="store_true",
                    help="save step 0's local and averaged gradients to OUT/grads_rank<r>.pt")
    args = ap.parse_args(argv)
    if args.steps <= args.timing_skip:
        ap.error(f"--steps ({args.steps}) must be larger than --timing-skip ({args.timing_skip})")
    return args


def choose_device(want: str, world: int) -> str:
    """ptutils' choice (CUDA -> MPS -> CPU, or $PTUTILS_DEVICE) when `want` is 'auto'; a device
    that cannot give each of `world` ranks its own GPU falls back to the CPU, unless it was asked
    for by name (--device or $PTUTILS_DEVICE): then it is an error."""
    named = want if want != "auto" else os.environ.get("PTUTILS_DEVICE", "").strip().lower()
    device = pick_device(named or None)  # DeviceError for an unknown or missing device
    if device == "cuda" and torch.cuda.device_count() < world:
        problem = (f"--device cuda needs one GPU per rank: {world} ranks, "
                   f"{torch.cuda.device_count()} GPUs")
    elif device == "mps" and world > 1:
        problem = f"one Apple MPS device cannot host {world} ranks (gloo moves CPU tensors)"
    else:
        return device
    if named:
        raise SystemExit(f"{problem}; use --device cpu")
    return "cpu"


def init_distributed(args: argparse.Namespace):
    """Join the process group (or not, for one process); returns rank, world, device, accelerator."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    device = choose_device(args.device, world)
    if args.sync == "accelerate":
        from accelerate import Accelerator

        acc = Accelerator(cpu=device == "cpu")  # it calls init_process_group (gloo on the CPU)
        return acc.process_index, acc.num_processes, acc.device.type, acc
    rank = int(os.environ.get("RANK", "0"))
    if world > 1 or "MASTER_ADDR" in os.environ:  # launched by torchrun, even with 1 process
        backend = "nccl" if device == "cuda" else "gloo"  # gloo: the CPU backend
        if device == "cuda":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group(backend=backend)
    return rank, world, device, None


def average_gradients(net: torch.nn.Module, world: int) -> None:
    """Data parallelism by hand: sum every gradient over the ranks, divide by their number."""
    for p in net.parameters():
        dist.all_reduce(p.grad, op=dist.ReduceOp.SUM)  # every rank now holds the sum
        p.grad /= world


def flat_grad(net: torch.nn.Module) -> torch.Tensor:
    """All gradients as one vector, on the CPU."""
    return torch.cat([p.grad.detach().flatten().cpu() for p in net.parameters()])


def replica_spread(net: torch.nn.Module, world: int) -> float:
    """Largest difference between any rank's weights and rank 0's (0.0 for one process)."""
    flat = torch.cat([p.detach().flatten() for p in net.parameters()])
    if world == 1:
        return 0.0
    mine = flat.clone()
    dist.broadcast(flat, src=0)  # every rank receives rank 0's weights
    spread = (mine - flat).abs().max()
    dist.all_reduce(spread, op=dist.ReduceOp.MAX)
    return spread.item()


def train(args: argparse.Namespace) -> dict:
    """The training loop of notebook 05, data-parallel; returns the run's record."""
    if args.threads:
        torch.set_num_threads(args.threads)
    rank, world, device, acc = init_distributed(args)
    if args.batch_size % world:
        raise SystemExit(f"--batch-size {args.batch_size} is not divisible by {world} ranks")
    b = args.batch_size // world  # this rank's share of every global batch
    train_ids = gpt.load_ids(args.data)
    cfg = gpt.GPTConfig(vocab_size=gpt.VOCAB_SIZE, n_positions=args.block_size,
                        n_layer=args.n_layer, n_head=args.n_head, n_embd=args.n_embd,
                        bias=args.bias, gelu=args.gelu)
    torch.manual_seed(args.seed)  # the same initial weights on every rank
    net = gpt.GPT(cfg).to(device)
    opt = gpt.adamw(net, args.lr)
    model = net  # what the forward pass goes through
    if acc is not None:
        model, opt = acc.prepare(net, opt)
    elif args.sync == "ddp" and dist.is_initialized():
        model = DistributedDataParallel(net)  # broadcasts rank 0's weights, then syncs grads
    gen = torch.Generator().manual_seed(args.seed)  # the same global batches on every rank
    losses, seconds = [], 0.0
    for step in range(args.steps):
        t = time.perf_counter()
        for group in opt.param_groups:
            group["lr"] = gpt.lr_at(step, args.lr, args.warmup_steps, args.steps)
        x, y = gpt.sample_windows(train_ids, args.batch_size, args.block_size, gen)  # global
        x, y = x[rank * b:(rank + 1) * b].to(device), y[rank * b:(rank + 1) * b].to(device)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())  # mean over my shard
        opt.zero_grad(set_to_none=True)
        if acc is not None:
            acc.backward(loss)
        else:
            loss.backward()  # under DDP the all-reduce overlaps with this backward pass
        if args.sync == "hand":
            local = flat_grad(net) if args.dump_grads and step == 0 else None
            if world > 1:
                average_gradients(net, world)
            if local is not None:
                torch.save({"local": local, "averaged": flat_grad(net)},
                           Path(args.out) / f"grads_rank{rank}.pt")
        opt.step()
        global_loss = loss.detach()
        if world > 1:  # the loss of the whole global batch, for the log
            dist.all_reduce(global_loss, op=dist.ReduceOp.SUM)
            global_loss /= world
        losses.append(global_loss.item())  # .item() waits for the device: honest timing
        if step >= args.timing_skip:
            seconds += time.perf_counter() - t
    timed = args.steps - args.timing_skip
    return {"sync": args.sync, "world_size": world, "device": device, "rank": rank,
            "threads_per_process": torch.get_num_threads(), "loss": losses,
            "tokens_per_s": timed * args.batch_size * args.block_size / seconds,
            "replica_spread": replica_spread(net, world),
            "n_params": sum(p.numel() for p in net.parameters())}


def main(argv: list[str] | None = None) -> int:
    """Train, write the records, leave the process group (on every path, errors included)."""
    args = parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.dump_grads and args.sync != "hand":
        raise SystemExit("--dump-grads shows the all-reduce by hand: use it with --sync hand")
    try:
        record = train(args)
        rank = record["rank"]
        if rank == 0:
            (out / "result.json").write_text(json.dumps(record), encoding="utf-8")
        (out / f"rank{rank}.json").write_text(json.dumps(
            {"rank": rank, "world_size": record["world_size"], "pid": os.getpid(),
             "host": socket.gethostname(), "finished": True}), encoding="utf-8")
        if dist.is_initialized():
            dist.barrier()  # no rank leaves while another still needs the group
    finally:  # a group left alive at exit makes gloo abort ("terminate called without ...")
        if dist.is_initialized():
            dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
