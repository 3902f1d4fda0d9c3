"""Seeds, device choice (CUDA -> MPS -> CPU), offline flags and a one-line environment report."""

from __future__ import annotations

import contextlib
import ctypes
import importlib.metadata
import ipaddress
import os
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from .errors import DeviceError

__all__ = ["Env", "setup", "set_seed", "choose_device", "set_offline", "no_network",
           "torch_threads", "reuse_freed_memory", "OFFLINE_FLAGS"]

# Environment variables that keep Hugging Face libraries from touching the network.
OFFLINE_FLAGS = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1",
                 "HF_HUB_DISABLE_TELEMETRY": "1"}
_DEVICES = ("cuda", "mps", "cpu")


@dataclass
class Env:
    """What `setup` chose: the device, the seed, thread count and library versions."""

    device: str  # "cuda", "mps" or "cpu": pass it to .to(...)
    seed: int
    num_threads: int
    gpu_name: str | None = None
    gpu_memory_gb: float | None = None
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def is_gpu(self) -> bool:
        """True when a CUDA or MPS device was chosen."""
        return self.device != "cpu"

    def summary(self) -> str:
        """One line: device, threads and versions."""
        dev = self.device
        if self.gpu_name:
            mem = f", {self.gpu_memory_gb:.0f} GB" if self.gpu_memory_gb else ""
            dev += f" ({self.gpu_name}{mem})"
        libs = ", ".join(f"{k} {v}" for k, v in self.versions.items())
        return f"device={dev} | cpu threads={self.num_threads} | seed={self.seed} | {libs}"


def set_offline() -> None:
    """Set the Hugging Face offline flags (a user may still load from the hub by name)."""
    for key, value in OFFLINE_FLAGS.items():
        os.environ.setdefault(key, value)


def _is_local(address) -> bool:
    """True for loopback and Unix-socket addresses (the Jupyter kernel talks over those)."""
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = str(address[0])
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@contextlib.contextmanager
def no_network() -> Iterator[list]:
    """Inside the block any non-loopback socket connection raises; yields the list of attempts."""
    attempts: list = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def guard(real):
        def connect(sock, address):
            if not _is_local(address):
                attempts.append(address)
                raise ConnectionRefusedError(f"network blocked by ptutils.no_network: {address}")
            return real(sock, address)
        return connect

    socket.socket.connect = guard(real_connect)
    socket.socket.connect_ex = guard(real_connect_ex)
    try:
        yield attempts
    finally:
        socket.socket.connect, socket.socket.connect_ex = real_connect, real_connect_ex


@contextlib.contextmanager
def torch_threads(n: int) -> Iterator[int]:
    """Inside the block torch uses `n` CPU threads; the previous count comes back even on error."""
    import torch

    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"torch_threads needs a whole number of threads >= 1, got {n!r}")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield n
    finally:
        torch.set_num_threads(before)


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


def reuse_freed_memory(limit: int = 1 << 30) -> bool:
    """Let glibc's malloc keep freed blocks up to `limit` bytes for reuse; True if it agreed.

    By default glibc hands large freed blocks (tensors) back to the operating system, so the
    next training step faults in fresh zeroed pages (~12,000 a step when MiniLM fine-tunes):
    without that, the step is 5-10 % faster on a CPU. The process keeps its peak memory instead
    of shrinking. Linux with glibc only; anywhere else nothing changes and this returns False."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process already runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, limit) == 1 and mallopt(_M_TRIM_THRESHOLD, limit) == 1


def set_seed(seed: int = 0) -> None:
    """Seed Python, NumPy and torch (every device) and, once loaded, Keras/TensorFlow.

    The same three calls as `transformers.set_seed`, without importing transformers (2 s).
    String hashing (PYTHONHASHSEED) can only be fixed before Python starts, so it is not set here.
    """
    import random

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)  # seeds CUDA and MPS too
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        import keras

        keras.utils.set_random_seed(seed)


def choose_device(override: str | None = None) -> str:
    """CUDA -> MPS -> CPU, unless `override` or $PTUTILS_DEVICE names one."""
    import torch

    want = (override or os.environ.get("PTUTILS_DEVICE", "")).strip().lower()
    if want:
        if want not in _DEVICES:
            raise DeviceError(
                f"unknown device {want!r} (from PTUTILS_DEVICE or the argument); "
                f"use one of {', '.join(_DEVICES)}, or unset PTUTILS_DEVICE to choose automatically"
            )
        if want == "cuda" and not torch.cuda.is_available():
            raise DeviceError("device 'cuda' requested but torch sees no CUDA GPU; use 'cpu'")
        if want == "mps" and not torch.backends.mps.is_available():
            raise DeviceError("device 'mps' requested but this machine has no Apple MPS; use 'cpu'")
        return want
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def _tf_memory_growth() -> None:
    """Let TensorFlow grow GPU memory instead of grabbing it all (only if TF is importable)."""
    try:
        import tensorflow as tf
    except ImportError:
        return
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised
            pass


def _versions(names: tuple[str, ...]) -> dict[str, str]:
    """Installed versions of the given distributions (missing ones are skipped)."""
    out = {"python": sys.version.split()[0]}
    for name in names:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return out


def setup(seed: int = 0, device: str | None = None, tensorflow: bool = False,
          quiet: bool = False) -> Env:
    """Seed everything, choose the device, set offline flags, reuse freed memory (glibc), print
    one line; return an Env."""
    set_offline()
    reuse_freed_memory()
    import torch

    dev = choose_device(device)
    if tensorflow:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        os.environ.setdefault("KERAS_BACKEND", "tensorflow")
        if dev == "cuda":
            _tf_memory_growth()
        import keras  # noqa: F401  (so set_seed seeds it)
    set_seed(seed)
    gpu_name = gpu_mem = None
    if dev == "cuda":
        props = torch.cuda.get_device_properties(0)
        gpu_name, gpu_mem = props.name, props.total_memory / 2**30
    elif dev == "mps":
        gpu_name = "Apple MPS"  # unified memory: shared with the CPU
        if hasattr(torch.mps, "recommended_max_memory"):
            gpu_mem = torch.mps.recommended_max_memory() / 2**30
    names = ("torch", "transformers", "gensim", "scikit-learn")
    if tensorflow:
        names += ("tensorflow-cpu", "tensorflow", "keras")
    env = Env(dev, seed, torch.get_num_threads(), gpu_name, gpu_mem, _versions(names))
    if not quiet:
        print(env.summary())
    return env
