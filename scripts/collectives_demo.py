"""The collective operations data parallelism is built on: all_reduce, broadcast, all_gather.

Launch: torchrun --nproc_per_node=2 scripts/collectives_demo.py
Every rank prints what it holds before and after each operation, each line tagged [rank r].
"""

from __future__ import annotations

import sys

import torch
import torch.distributed as dist


def main() -> int:
    """Join the group (gloo: CPU tensors), run three collectives, print, leave (always)."""
    dist.init_process_group(backend="gloo")  # reads RANK, WORLD_SIZE, MASTER_ADDR/PORT
    try:
        rank, world = dist.get_rank(), dist.get_world_size()

        def show(what: str, t: torch.Tensor) -> None:
            sys.stdout.write(f"[rank {rank}] {what:<34} {t.tolist()}\n")  # one write: lines from
            sys.stdout.flush()  # the ranks share one pipe and must not interleave

        t = torch.tensor([1.0, 2.0, 3.0]) * (rank + 1)  # every rank holds different numbers
        show(f"mine (rank {rank} of {world})", t)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)  # in place: every rank receives the sum
        show("after all_reduce(SUM)", t)
        t /= world
        show("divided by the world size: mean", t)
        w = torch.full((2,), 10.0 * (rank + 1))
        show("mine", w)
        dist.broadcast(w, src=0)  # every rank receives rank 0's tensor
        show("after broadcast from rank 0", w)
        parts = [torch.zeros(1) for _ in range(world)]
        dist.all_gather(parts, torch.tensor([float(rank)]))  # every rank receives every tensor
        show("after all_gather of the ranks", torch.cat(parts))
    finally:  # a group left alive at exit makes gloo abort: leave it on every path
        dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
