import json
import pickle
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from ptutils import AssetError, MissingPackageError, data


def test_wiki_articles_and_sentences():
    arts = data.wiki_articles()
    assert len(arts) == 106
    assert all(a.title and "#REDIRECT" not in a.text.upper()[:20] for a in arts)
    assert "'''" not in arts[0].text and "==" not in arts[0].text
    sents = data.wiki_sentences()
    assert len(sents) == len(arts) and sum(map(len, sents)) > 20_000
    assert sents[0][0].startswith("Anarchism is a political philosophy")


def test_wiki_articles_cached_on_disk_and_rebuilt_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
    data._wiki_articles.cache_clear()
    try:
        first = data.wiki_articles()
        (cached,) = tmp_path.glob("wiki_articles_*.json")
        data._wiki_articles.cache_clear()
        monkeypatch.setattr(data.bz2, "open", lambda *a, **k: pytest.fail("parsed again"))
        assert data.wiki_articles() == first  # read back from the cache
        monkeypatch.undo()
        monkeypatch.setenv("PTUTILS_CACHE", str(tmp_path))
        cached.write_text("[[\"half a", encoding="utf-8")
        data._wiki_articles.cache_clear()
        assert data.wiki_articles() == first  # a damaged cache is parsed again and rewritten
        assert len(json.loads(cached.read_text(encoding="utf-8"))) == len(first)
    finally:
        data._wiki_articles.cache_clear()


def test_lee_background_is_decoded_as_latin1():
    docs = data.lee_background()
    assert len(docs) == 300 and all(isinstance(d, str) and d for d in docs)


def test_lee_similarity_mirrors_the_files_upper_triangle():
    docs, sims = data.lee_similarity()
    raw = np.loadtxt(data.gensim_datapath("similarities0-1.txt"))
    assert len(docs) == 50 and sims.shape == (50, 50)
    assert not np.tril(raw, -1).any(), "the file stores the upper triangle only"
    assert np.array_equal(np.triu(sims), np.triu(raw))  # every judgement read, none changed
    assert np.array_equal(np.tril(sims, -1), np.tril(raw.T, -1))  # ... and mirrored below


def test_polarity():
    texts, y = data.polarity()
    assert len(texts) == 200 and y.dtype == np.int64 and y.sum() == 100
    assert not any(t.startswith("__label__") for t in texts)


def test_mini_newsgroups_with_restricted_unpickler():
    texts, y, names = data.mini_newsgroups()
    assert len(texts) == 200 and names == ["alt.atheism", "sci.space"]
    assert np.bincount(y).tolist() == [100, 100] and isinstance(texts[0], str)
    headers = ("Newsgroups:", "Path:", "Xref:")
    assert not any(t.startswith(headers) for t in texts)  # the header names the label: cut
    raw, _, _ = data.mini_newsgroups(remove_headers=False)
    assert all(t.startswith(headers) for t in raw)


class Foreign:  # a class the restricted unpickler must refuse
    pass


def test_restricted_unpickler_refuses_foreign_class():
    payload = pickle.dumps({"data": [Foreign()]})
    with pytest.raises(AssetError, match="refusing to unpickle .*Foreign"):
        data.restricted_loads(payload)
    with pytest.raises(AssetError, match=r"refusing to unpickle posix\.system"):
        data.restricted_loads(b"cposix\nsystem\n(S'echo hacked'\ntR.")


def test_restricted_unpickler_allows_plain_data():
    assert data.restricted_loads(pickle.dumps({"a": [1, 2], "b": "x"})) == {"a": [1, 2], "b": "x"}


def test_mini_newsgroups_corrupted_file(tmp_path, monkeypatch):
    bad = tmp_path / "mini_newsgroup"
    bad.write_bytes(b"not zlib at all")
    monkeypatch.setattr(data, "gensim_datapath", lambda name: bad)
    with pytest.raises(AssetError, match="not zlib-compressed"):
        data.mini_newsgroups()
    bad.write_bytes(zlib.compress(pickle.dumps(Foreign())))
    with pytest.raises(AssetError, match="refusing"):
        data.mini_newsgroups()


def test_digits():
    X, y = data.digits()
    assert X.shape == (1797, 8, 8) and X.dtype == np.float32 and 0 <= X.min() and X.max() <= 1
    assert sorted(set(y.tolist())) == list(range(10))


def test_benchmark_paths():
    for name in ("wordsim353", "simlex999", "analogies"):
        assert data.benchmark_path(name).is_file()
    with pytest.raises(ValueError, match="unknown benchmark 'men'"):
        data.benchmark_path("men")


def test_gensim_datapath_missing_file():
    with pytest.raises(AssetError, match="no_such_file.txt not found.*reinstall gensim"):
        data.gensim_datapath("no_such_file.txt")


def test_missing_gensim_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "gensim.test.utils", None)  # import now fails
    with pytest.raises(MissingPackageError, match="pip install gensim"):
        data.gensim_datapath("lee.cor")


def test_read_text_non_utf8_names_the_fix(tmp_path):
    f = tmp_path / "reviews.txt"
    f.write_bytes("a film \u2014 great".encode("cp1252"))  # 0x97 in cp1252/latin-1 files
    with pytest.raises(AssetError, match=r"not valid utf-8 \(byte 0x97.*encoding='latin-1'"):
        data.read_text(f)
    assert "great" in data.read_text(f, encoding="latin-1")
    with pytest.raises(AssetError, match="does not exist"):
        data.read_text(tmp_path / "missing.txt")


def test_tokenize_and_split_sentences():
    assert data.tokenize("It's 2024: Über-cool, isn't it?") == ["it's", "2024", "über", "cool",
                                                               "isn't", "it"]
    assert data.tokenize("") == []
    sents = data.split_sentences("First one is here. Second one follows! ok. Third one ends?")
    assert sents == ["First one is here.", "Second one follows! ok.", "Third one ends?"]
    assert data.split_sentences("") == []


def test_embedding_corpus_is_nested_and_checked():
    full = data.embedding_corpus()
    small = data.embedding_corpus(0.1)
    assert 0.45e6 < sum(map(len, full)) < 0.6e6
    assert abs(len(small) - 0.1 * len(full)) <= 1
    full_set = {tuple(s) for s in full}
    assert all(tuple(s) in full_set for s in small)
    with pytest.raises(ValueError, match="fraction"):
        data.embedding_corpus(0)


def test_check_labels_accepts_ints_and_integral_floats():
    assert data.check_labels([0, 1, 1]).dtype == np.int64
    assert data.check_labels(np.array([0.0, 2.0])).tolist() == [0, 2]


@pytest.mark.parametrize("bad", [["pos", "neg"], [0.5, 1.0], [True, False]])
def test_check_labels_wrong_type_names_the_fix(bad):
    with pytest.raises(TypeError, match="integer class ids"):
        data.check_labels(bad)


@pytest.mark.parametrize("bad", [[], [[0, 1]]])
def test_check_labels_empty_or_2d(bad):
    with pytest.raises(ValueError, match="non-empty 1-D"):
        data.check_labels(bad)


def test_check_labels_negative():
    with pytest.raises(ValueError, match="negative"):
        data.check_labels([0, -1])


@pytest.mark.parametrize("damage", ["truncated", "not bzip2"])
def test_a_damaged_wikipedia_file_names_the_file_and_the_fix(tmp_path, monkeypatch, damage):
    real = data.gensim_datapath(data.WIKI_FILE).read_bytes()
    bad = tmp_path / data.WIKI_FILE
    bad.write_bytes(real[: len(real) // 2] if damage == "truncated" else b"<xml>not bz2</xml>")
    monkeypatch.setattr(data, "gensim_datapath", lambda name: bad)
    data._wiki_articles.cache_clear()
    try:
        with pytest.raises(AssetError, match=r"enwiki.*damaged.*pip install --force-reinstall"):
            data.wiki_articles()
    finally:
        data._wiki_articles.cache_clear()


# --- your own labelled texts: load_task and read_labelled_file --------------------------------

from ptutils import DataFileError  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def _write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_load_task_reads_the_built_in_tasks_and_the_example_files():
    texts, y, names = data.load_task("polarity")
    assert len(texts) == 200 and names == ["negative", "positive"]
    texts, y, names = data.load_task(str(EXAMPLES / "wiki_vs_news.csv"))
    assert names == ["news", "wikipedia"] and np.bincount(y).tolist() == [60, 60]
    texts, y, names = data.load_task(str(EXAMPLES / "three_sources.tsv"))
    assert names == ["movie review", "news", "wikipedia"] and len(texts) == 180
    assert all(isinstance(t, str) and t for t in texts)


def test_integer_labels_keep_their_numeric_order_and_other_columns_are_ignored(tmp_path):
    path = _write(tmp_path, "ints.csv", 'id,label,text\n1,10,"ten, quoted"\n2,2,two\n3,10,x\n')
    texts, y, names = data.read_labelled_file(path)
    assert names == ["2", "10"] and y.tolist() == [1, 0, 1] and texts[0] == "ten, quoted"


def test_other_column_names_and_a_sniffed_delimiter(tmp_path):
    path = _write(tmp_path, "reviews.txt", "review;stars\ngood film;5\nbad film;1\n")
    texts, y, names = data.read_labelled_file(path, text_column="review", label_column="stars")
    assert texts == ["good film", "bad film"] and names == ["1", "5"]


def test_a_utf8_bom_is_not_part_of_the_first_column(tmp_path):
    path = _write(tmp_path, "bom.csv", "\ufefftext,label\nhello,a\nbye,b\n")
    assert data.read_labelled_file(path)[0] == ["hello", "bye"]


@pytest.mark.parametrize("name, content, match", [
    ("no_col.csv", "sentence,label\nhi,a\nho,b\n",
     r"no_col.csv has no column 'text'; its columns are \['sentence', 'label'\].*text_column="),
    ("empty_text.csv", "text,label\nhi,a\n  ,b\nho,\n",
     r"empty_text.csv: rows \[3, 4\] have an empty 'text' or 'label'"),
    ("one_class.csv", "text,label\nhi,a\nho,a\n", r"every row has the label 'a'.*at least 2"),
    ("dup_cols.csv", "text,label,text\nhi,a,x\n", r"header names \['text'\] more than once"),
    ("joined.csv", "text,label\nhi,a\ntext,label\nho,b\n", r"joined.csv, row 3: the header row"),
    ("fields.csv", "text,label\nhi, there,a\n", r"fields.csv, row 2: 3 fields.*quoted"),
    ("empty.csv", "", r"empty.csv is empty"),
    ("header_only.tsv", "text\tlabel\n", r"has a header but no rows"),
])
def test_bad_files_get_an_error_naming_the_file_row_and_fix(tmp_path, name, content, match):
    with pytest.raises(DataFileError, match=match):
        data.read_labelled_file(_write(tmp_path, name, content))


def test_a_non_utf8_file_says_which_encoding_to_try(tmp_path):
    path = _write(tmp_path, "latin.csv", "text,label\ncaf\u00e9 cr\u00e8me,a\nok,b\n", "latin-1")
    with pytest.raises(DataFileError, match=r"latin.csv is not valid utf-8: byte 0xe9 on line 2"
                                            r".*encoding='latin-1'"):
        data.read_labelled_file(path)
    assert data.read_labelled_file(path, encoding="latin-1")[0][0] == "caf\u00e9 cr\u00e8me"


def test_a_missing_file_and_an_unknown_task_name(tmp_path):
    with pytest.raises(DataFileError, match=r"nope.csv: no such file"):
        data.load_task(str(tmp_path / "nope.csv"))
    with pytest.raises(DataFileError, match=r"unknown task 'sentiment': use one of polarity, "
                                            r"newsgroups, or the path"):
        data.load_task("sentiment")


def test_check_class_counts_says_how_many_are_needed():
    data.check_class_counts(np.array([0, 0, 1, 1]), ["a", "b"], 2, "a 2-per-class test set")
    with pytest.raises(DataFileError, match=r"a 5-fold split needs at least 5 examples of every "
                                            r"class; too few: \{'b': 2\}"):
        data.check_class_counts(np.array([0] * 9 + [1, 1]), ["a", "b"], 5, "a 5-fold split")


def _load_script(name: str):
    """scripts/<name>.py as a module (the scripts are not a package)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "scripts" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_time_own_data_script_reports_per_1000_texts_and_memory(capsys, monkeypatch):
    """scripts/time_own_data.py on the example file: class counts, time per 1,000 texts, memory."""
    from ptutils import speed
    script = _load_script("time_own_data")
    monkeypatch.setattr(speed, "measure", lambda: speed.from_tokens_per_s(speed.REFERENCE_TOKENS_PER_S))
    script.main([str(EXAMPLES / "wiki_vs_news.csv"), "--sample", "16"])
    out = capsys.readouterr().out
    assert "texts (" in out and "per 1,000 texts" in out and "MiB" in out
    assert "(16, 384)" in out and "1.00x the reference" in out


def test_make_example_data_large_file_loads_as_a_task(tmp_path):
    """scripts/make_example_data.py --large: every news sentence, Wikipedia for the rest."""
    script = _load_script("make_example_data")
    script.write_large(tmp_path / "big.csv", 3000, seed=0)
    texts, y, names = data.load_task(str(tmp_path / "big.csv"))
    assert len(texts) == 3000 and sorted(names) == ["news", "wikipedia"]
    assert int((y == names.index("news")).sum()) == len(script.sentences("news"))
