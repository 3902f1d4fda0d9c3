"""The offline test: with socket connections blocked, every loader and both models load."""

import os

import numpy as np

import ptutils
from ptutils import data, pretrained


def test_everything_loads_with_the_network_blocked():
    data._wiki_articles.cache_clear()  # force a real read inside the block
    with ptutils.no_network() as attempts:
        assert len(data.wiki_articles()) > 100
        assert sum(len(s) for s in data.wiki_sentences()) > 1000  # sentences per article
        assert len(data.lee_background()) == 300
        docs, sim = data.lee_similarity()
        assert sim.shape == (len(docs), len(docs))
        assert len(data.polarity()[0]) > 0
        assert len(data.mini_newsgroups()[0]) > 0
        assert data.digits()[0].shape[1:] == (8, 8)
        for name in ("wordsim353", "simlex999", "analogies"):
            assert data.benchmark_path(name).is_file()
        tokenizer, encoder = pretrained.load_minilm()
        E = pretrained.encode_texts(["offline works"], tokenizer, encoder)  # (1, 384)
        assert E.shape == (1, 384)
        lm_tokenizer, lm = pretrained.load_smollm2()
        ids = lm_tokenizer("The capital of France is", return_tensors="pt")
        out = lm.generate(**ids, max_new_tokens=3, do_sample=False)  # (1, T + 3)
        assert out.shape[1] == ids["input_ids"].shape[1] + 3
    assert attempts == [], f"network connections were attempted: {attempts}"
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    assert np.isfinite(E).all()
