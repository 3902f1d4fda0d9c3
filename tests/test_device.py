import os
import random
import socket
import subprocess
import sys

import numpy as np
import pytest
import torch

import ptutils
from ptutils.device import OFFLINE_FLAGS, choose_device, no_network, set_offline, set_seed, setup


def test_setup_returns_env_and_prints_one_line(capsys, monkeypatch):
    monkeypatch.delenv("PTUTILS_DEVICE", raising=False)
    env = setup(seed=3)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "device=" in out[0] and "torch" in out[0]
    assert env.device in ("cuda", "mps", "cpu") and env.seed == 3 and env.num_threads >= 1
    assert env.versions["torch"] == torch.__version__
    assert env.is_gpu == (env.device != "cpu")


def test_setup_quiet_prints_nothing(capsys):
    setup(seed=0, quiet=True)
    assert capsys.readouterr().out == ""


def test_set_seed_makes_random_numpy_torch_repeatable():
    set_seed(7)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(7)
    b = (random.random(), np.random.rand(), torch.rand(1).item())
    assert a == b


def test_set_seed_matches_transformers_without_importing_it():
    import subprocess
    import sys

    from transformers import set_seed as library_set_seed

    library_set_seed(11)
    a = (random.random(), np.random.rand(), torch.rand(1).item())
    set_seed(11)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == a
    code = "import sys, ptutils; ptutils.set_seed(1); print('transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_device_override_cpu(monkeypatch):
    monkeypatch.setenv("PTUTILS_DEVICE", "CPU ")
    assert choose_device() == "cpu"
    assert setup(quiet=True).device == "cpu"


def test_unknown_device_override_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PTUTILS_DEVICE", "tpu")
    with pytest.raises(ptutils.DeviceError, match="unknown device 'tpu'.*cuda, mps, cpu"):
        choose_device()
    with pytest.raises(ptutils.DeviceError):
        setup()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_requested_without_gpu(monkeypatch):
    monkeypatch.delenv("PTUTILS_DEVICE", raising=False)
    with pytest.raises(ptutils.DeviceError, match="no CUDA GPU"):
        choose_device("cuda")


def test_default_device_falls_back_to_cpu(monkeypatch):
    monkeypatch.delenv("PTUTILS_DEVICE", raising=False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert choose_device() == "cpu"


def test_offline_flags(monkeypatch):
    for key in OFFLINE_FLAGS:
        monkeypatch.delenv(key, raising=False)
    set_offline()
    assert all(os.environ[k] == v for k, v in OFFLINE_FLAGS.items())


def test_no_network_blocks_remote_and_allows_loopback():
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with no_network() as attempts:
        with socket.socket() as s:  # 192.0.2.1 is TEST-NET-1: the guard refuses before any packet
            with pytest.raises(ConnectionRefusedError, match="blocked"):
                s.connect(("192.0.2.1", 80))
        with socket.create_connection(server.getsockname(), timeout=2):
            pass
    server.close()
    assert attempts == [("192.0.2.1", 80)]
    assert socket.socket.connect is real_connect  # the very same functions are restored
    assert socket.socket.connect_ex is real_connect_ex


def test_no_network_restores_sockets_after_an_error():
    real_connect = socket.socket.connect
    with pytest.raises(RuntimeError, match="inside"):
        with no_network():
            raise RuntimeError("an error inside the block")
    assert socket.socket.connect is real_connect


def test_summary_names_the_gpu_and_never_prints_nan():
    from ptutils.device import Env

    assert "(NVIDIA X, 80 GB)" in Env("cuda", 0, 2, "NVIDIA X", 80.0).summary()
    mps = Env("mps", 0, 2, "Apple MPS", None).summary()
    assert "device=mps (Apple MPS)" in mps and "nan" not in mps


def test_setup_with_tensorflow_seeds_keras(capsys):
    pytest.importorskip("tensorflow")
    import tensorflow as tf

    env = setup(seed=5, tensorflow=True)
    assert "keras" in capsys.readouterr().out and env.seed == 5
    a = tf.random.uniform((3,)).numpy()
    set_seed(5)
    assert np.allclose(a, tf.random.uniform((3,)).numpy())


def test_torch_threads_restores_the_count_even_after_an_error():
    before = torch.get_num_threads()
    with ptutils.torch_threads(1) as n:
        assert n == 1 and torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with ptutils.torch_threads(1):
            raise RuntimeError("boom")
    assert torch.get_num_threads() == before


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_torch_threads_rejects_a_bad_count(bad):
    with pytest.raises(ValueError, match="whole number of threads"):
        with ptutils.torch_threads(bad):
            pass


_MALLOC_PROBE = """
import ctypes, sys
from ptutils import device
if sys.argv[1] == "reuse":
    assert device.reuse_freed_memory()
class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in ("arena", "ordblks", "smblks", "hblks", "hblkhd",
                                               "usmblks", "fsmblks", "uordblks", "fordblks",
                                               "keepcost")]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype, libc.malloc.restype = MallInfo2, ctypes.c_void_p
libc.malloc.argtypes, libc.free.argtypes = [ctypes.c_size_t], [ctypes.c_void_p]
block = libc.malloc(64 << 20)  # 64 MB, like a large tensor or its gradient
mapped = libc.mallinfo2().hblkhd  # bytes malloc mapped from the OS for this block alone
libc.free(block)
print(mapped >> 20, libc.mallinfo2().arena >> 20)  # MB mapped apart; MB the heap keeps after free
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_reuse_freed_memory_keeps_a_freed_block_for_the_next_step():
    """A 64 MB block comes from malloc's heap and stays there when freed, ready for the next
    step; the control, glibc's default, maps it apart and hands it back to the OS on free."""
    def probe(mode):
        out = subprocess.run([sys.executable, "-c", _MALLOC_PROBE, mode], capture_output=True,
                             text=True)
        if "mallinfo2" in out.stderr:
            pytest.skip("glibc older than 2.33: no mallinfo2")
        assert out.returncode == 0, out.stderr
        return [int(v) for v in out.stdout.split()]
    (mapped_default, kept_default), (mapped, kept) = probe("default"), probe("reuse")
    assert mapped_default >= 64 and kept_default < 64, "control: glibc's default changed"
    assert mapped == 0 and kept >= 64, f"mapped apart {mapped} MB, kept {kept} MB"


def test_reuse_freed_memory_elsewhere_changes_nothing(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert ptutils.device.reuse_freed_memory() is False
