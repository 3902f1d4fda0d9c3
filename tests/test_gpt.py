"""Tests for ptutils.gpt (notebook 05's GPT as a module) and scripts/pretrain_gpt.py in one process."""

import ast
import importlib.util
import json
import math
from pathlib import Path

import pytest
import torch

from ptutils import gpt
from ptutils.errors import AssetError, DeviceError

ROOT = Path(__file__).resolve().parents[1]
NB05 = ROOT / "notebooks" / "05_gpt_generation.ipynb"
MODEL_NAMES = {"GPTConfig", "CausalSelfAttention", "MLP", "Block", "GPT"}
SMALL = gpt.GPTConfig(vocab_size=gpt.VOCAB_SIZE, n_positions=16, n_layer=2, n_head=2, n_embd=16)


def _notebook_definitions(names: set[str], **globals_) -> dict:
    """Execute notebook 05's cells that define `names` (classes or functions); return them."""
    cells = json.loads(NB05.read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
    defining = []
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:
            continue
        defined = {n.name for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)}
        if defined & names:
            defining.append(src)
    ns = {"math": math, "torch": torch, "nn": torch.nn, "F": torch.nn.functional,
          "dataclass": __import__("dataclasses").dataclass, **globals_}
    for src in defining:
        exec(compile(src, str(NB05), "exec"), ns)  # the notebook's own source
    missing = names - ns.keys()
    assert not missing, f"notebook 05 no longer defines {missing}: update ptutils.gpt and this test"
    return ns


@pytest.mark.parametrize("options", [{}, {"bias": False, "gelu": "none"}],
                         ids=["GPT-2 defaults", "notebook 05's options"])
def test_module_gpt_is_notebook_05s_gpt(options):
    nb = _notebook_definitions(MODEL_NAMES)
    for name in MODEL_NAMES - {"GPTConfig"}:  # same parameter names and shapes, same init
        assert (nb[name].__doc__ or "").strip() == (getattr(gpt, name).__doc__ or "").strip()
    size = dict(vocab_size=96, n_positions=32, n_layer=2, n_head=4, n_embd=32, **options)
    cfg_nb, cfg_mod = nb["GPTConfig"](**size), gpt.GPTConfig(**size)
    assert vars(cfg_nb) == vars(cfg_mod)  # the same fields and defaults
    torch.manual_seed(0)
    ours = gpt.GPT(cfg_mod).eval()
    torch.manual_seed(0)
    theirs = nb["GPT"](cfg_nb).eval()
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    for (k, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        assert torch.equal(a, b), f"{k}: the same seed gives different initial weights"
    idx = torch.randint(0, 96, (3, 32), generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        assert torch.equal(ours(idx), theirs(idx))
        torch.nn.init.normal_(ours.h[0].mlp.c_fc.weight)  # negative control: one weight changed
        assert not torch.allclose(ours(idx), theirs(idx))


def test_config_defaults_are_gpt2s_and_options_are_nanogpts():
    """GPTConfig() keeps GPT-2's biases and tanh GELU (ptutils.speed times that model)."""
    net = gpt.GPT(gpt.GPTConfig())
    assert net.h[0].mlp.gelu == "tanh" and net.h[0].attn.c_attn.bias is not None
    assert net.ln_f.bias is not None
    lean = gpt.GPT(gpt.GPTConfig(bias=False, gelu="none"))
    assert not [n for n, _ in lean.named_parameters() if n.endswith("bias")]
    assert sum(p.numel() for p in lean.parameters()) < sum(p.numel() for p in net.parameters())
    x = torch.linspace(-4, 4, 101)  # the two GELUs: the same curve to < 1e-3, not identical
    exact, tanh = torch.nn.functional.gelu(x), torch.nn.functional.gelu(x, approximate="tanh")
    assert 0 < (exact - tanh).abs().max() < 1e-3
    with pytest.raises(ValueError, match="gelu"):
        gpt.GPT(gpt.GPTConfig(gelu="erf"))


def test_bench_script_runs(capsys):
    spec = importlib.util.spec_from_file_location("bench_gpt", ROOT / "scripts" / "bench_gpt.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--batch-size", "2",
                       "--block-size", "8", "--steps", "1", "--repeats", "2", "--warmup", "1",
                       "--gpt2"]) == 0
    out = capsys.readouterr().out
    assert "ours    bias=False, gelu=none" in out and "GPT-2's settings" in out
    with pytest.raises(SystemExit, match="not found"):
        bench.load_nanogpt(ROOT / "no_such_model.py")


def test_module_lr_schedule_is_notebook_05s():
    nb = _notebook_definitions({"lr_at"}, LR=3e-3, WARMUP_STEPS=50, NUM_STEPS=1500,
                               MIN_LR_FRACTION=0.1)
    for step in (0, 10, 49, 50, 700, 1499):
        assert gpt.lr_at(step, 3e-3, 50, 1500, 0.1) == pytest.approx(nb["lr_at"](step))


def test_gpt_shapes_errors_and_tied_output():
    net = gpt.GPT(SMALL)
    idx = torch.randint(0, gpt.VOCAB_SIZE, (2, 16))
    assert net(idx).shape == (2, 16, gpt.VOCAB_SIZE)
    with pytest.raises(ValueError, match="n_positions"):
        net(torch.zeros(1, 17, dtype=torch.long))
    with pytest.raises(ValueError, match="multiple of n_head"):
        gpt.GPT(gpt.GPTConfig(n_embd=30, n_head=4))


def test_attention_is_causal():
    torch.manual_seed(0)
    net = gpt.GPT(SMALL).eval()
    a = torch.randint(0, gpt.VOCAB_SIZE, (1, 10))
    b = a.clone()
    b[0, 7:] = (b[0, 7:] + 1) % gpt.VOCAB_SIZE  # change only the future
    with torch.no_grad():
        assert torch.allclose(net(a)[:, :7], net(b)[:, :7])
        q, k, v = net.h[0].attn.qkv(torch.zeros(2, 5, SMALL.n_embd))
    assert q.shape == (2, SMALL.n_head, 5, SMALL.n_embd // SMALL.n_head)


def test_vocabulary_normalise_encode_decode():
    assert gpt.VOCAB_SIZE == len(gpt.CHARS) == 96 and gpt.CHARS[0] == "\n"
    text = gpt.normalise("Café déjà vu\t—ok\n")
    assert text == "Cafe deja vuok\n"
    ids = gpt.encode(text)
    assert ids.dtype == torch.long and gpt.decode(ids) == text == gpt.decode(ids.tolist())
    with pytest.raises(ValueError, match="normalise"):
        gpt.encode("é")


def test_wiki_char_ids_split_and_errors():
    train, val = gpt.wiki_char_ids()
    assert len(train) > 3 * len(val) > 0 and int(train.max()) < gpt.VOCAB_SIZE
    assert torch.equal(gpt.wiki_char_ids()[1], val)  # the split is fixed by split_seed
    assert not torch.equal(gpt.wiki_char_ids(split_seed=1)[1], val)
    with pytest.raises(ValueError, match="held_out_fraction"):
        gpt.wiki_char_ids(held_out_fraction=1.0)


def test_wiki_char_ids_cache_gives_what_a_cold_build_gives(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    cold = gpt.wiki_char_ids(split_seed=2)  # builds the cache
    (folder,) = tmp_path.glob("wiki_char_ids_*")
    assert sorted(p.name for p in folder.iterdir()) == ["train.bin", "val.bin"]
    warm = gpt.wiki_char_ids(split_seed=2)  # read back
    assert all(torch.equal(a, b) for a, b in zip(cold, warm))
    assert not torch.equal(gpt.wiki_char_ids(split_seed=3)[1], warm[1])  # its own key
    (folder / "val.bin").unlink()  # half a cache is rebuilt, not used
    assert torch.equal(gpt.wiki_char_ids(split_seed=2)[1], cold[1])
    assert (folder / "val.bin").is_file()  # and written again


def test_sample_windows_targets_are_shifted_inputs():
    ids = torch.arange(50) % gpt.VOCAB_SIZE
    x, y = gpt.sample_windows(ids, 4, 8, torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (4, 8) and torch.equal(x[:, 1:], y[:, :-1])
    x2, _ = gpt.sample_windows(ids, 4, 8, torch.Generator().manual_seed(0))
    assert torch.equal(x, x2)  # the same generator state, the same batch
    with pytest.raises(ValueError, match="too few"):
        gpt.sample_windows(ids[:9], 1, 8, torch.Generator())


def test_save_and_load_ids(tmp_path):
    ids = gpt.encode("hello\nworld")
    path = gpt.save_ids(ids, tmp_path / "sub" / "train.bin")
    assert path.stat().st_size == len(ids) and torch.equal(gpt.load_ids(path), ids)
    with pytest.raises(ValueError, match="0..255"):
        gpt.save_ids(torch.tensor([300]), tmp_path / "big.bin")
    with pytest.raises(AssetError, match="save_ids"):
        gpt.load_ids(tmp_path / "missing.bin")


def test_lr_schedule_shape():
    lrs = [gpt.lr_at(s, 1.0, 10, 100, 0.1) for s in range(100)]
    assert lrs[0] == pytest.approx(0.1) and lrs[9] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[9:], lrs[10:])) and lrs[-1] > 0.1
    assert gpt.lr_at(100, 1.0, 10, 100, 0.1) == pytest.approx(0.1)


def test_adamw_decays_matrices_only():
    net = gpt.GPT(SMALL)
    opt = gpt.adamw(net, lr=1e-3, weight_decay=0.2)
    decay, no_decay = opt.param_groups
    assert decay["weight_decay"] == 0.2 and no_decay["weight_decay"] == 0.0
    assert all(p.dim() == 2 for p in decay["params"]) and all(p.dim() < 2 for p in no_decay["params"])
    assert len(decay["params"]) + len(no_decay["params"]) == len(list(net.parameters()))


def _script():
    spec = importlib.util.spec_from_file_location("pretrain_gpt", ROOT / "scripts" / "pretrain_gpt.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_pretrain_script_in_one_process(tmp_path, monkeypatch):
    for var in ("WORLD_SIZE", "RANK", "MASTER_ADDR", "MASTER_PORT", "LOCAL_RANK"):
        monkeypatch.delenv(var, raising=False)
    script = _script()
    monkeypatch.setattr(torch, "set_num_threads", lambda n: None)  # --threads 1 must not leak
    data = gpt.save_ids(gpt.encode("the quick brown fox jumps over the lazy dog. " * 20),
                        tmp_path / "train.bin")
    args = ["--data", str(data), "--steps", "8", "--batch-size", "4", "--block-size", "16",
            "--n-layer", "1", "--n-head", "2", "--n-embd", "16", "--timing-skip", "2",
            "--device", "cpu", "--threads", "1"]
    assert script.main([*args, "--out", str(tmp_path / "a"), "--sync", "hand", "--dump-grads"]) == 0
    rec = json.loads((tmp_path / "a" / "result.json").read_text())
    assert rec["world_size"] == 1 and len(rec["loss"]) == 8 and rec["tokens_per_s"] > 0
    assert rec["loss"][-1] < rec["loss"][0] and rec["replica_spread"] == 0.0
    assert json.loads((tmp_path / "a" / "rank0.json").read_text())["finished"]
    grads = torch.load(tmp_path / "a" / "grads_rank0.pt")
    assert grads["local"].abs().sum() > 0  # a real gradient was dumped (averaging: notebook 09)


def test_pretrain_script_errors(tmp_path):
    script = _script()
    base = ["--data", "x.bin", "--out", str(tmp_path)]
    with pytest.raises(SystemExit):
        script.parse_args([*base, "--steps", "3", "--timing-skip", "5"])
    with pytest.raises(SystemExit, match="--sync hand"):
        script.main([*base, "--dump-grads", "--steps", "10"])
    # asked for by name, a GPU that cannot serve every rank is an error (DeviceError: no CUDA)
    with pytest.raises((SystemExit, DeviceError), match="one GPU per rank|no CUDA GPU"):
        script.choose_device("cuda", 10**6)
    assert script.choose_device("auto", 10**6) == "cpu" and script.choose_device("cpu", 1) == "cpu"


def test_pretrain_script_device_is_ptutils_choice(monkeypatch):
    """The script honours $PTUTILS_DEVICE and MPS through ptutils.device.choose_device."""
    script = _script()
    monkeypatch.setenv("PTUTILS_DEVICE", "cpu")
    assert script.choose_device("auto", 2) == "cpu"
    monkeypatch.setenv("PTUTILS_DEVICE", "tpu")
    with pytest.raises(DeviceError, match="unknown device"):
        script.choose_device("auto", 1)
    monkeypatch.delenv("PTUTILS_DEVICE")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    assert script.choose_device("auto", 1) == "mps"  # one process: the Apple GPU
    assert script.choose_device("auto", 2) == "cpu"  # two ranks cannot share it
    with pytest.raises(SystemExit, match="MPS device cannot host 2 ranks"):
        script.choose_device("mps", 2)


def test_pretrain_script_leaves_the_process_group_on_error(tmp_path, monkeypatch):
    """An exception after init_process_group still destroys the group (try/finally)."""
    import socket

    import torch.distributed as dist

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for var, value in {"WORLD_SIZE": "1", "RANK": "0", "LOCAL_RANK": "0",
                       "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port)}.items():
        monkeypatch.setenv(var, value)
    script = _script()
    with pytest.raises(AssetError):  # the token file is missing: raised after the group formed
        script.main(["--data", str(tmp_path / "missing.bin"), "--out", str(tmp_path / "o"),
                     "--steps", "8", "--timing-skip", "2", "--device", "cpu"])
    assert not dist.is_initialized()
