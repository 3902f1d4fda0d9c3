"""The course's offline corpora and datasets (all shipped by gensim or scikit-learn), and label checks."""

from __future__ import annotations

import bz2
import csv
import functools
import hashlib
import inspect
import io
import json
import os
import pickle
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AssetError, DataFileError, MissingPackageError

__all__ = [
    "Article", "gensim_datapath", "read_text", "tokenize", "split_sentences", "wiki_articles",
    "wiki_sentences", "lee_background", "lee_similarity", "polarity", "mini_newsgroups",
    "digits", "benchmark_path", "embedding_corpus", "check_labels", "restricted_loads",
    "WIKI_FILE", "TASKS", "load_task", "read_labelled_file", "check_class_counts",
]

WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
_BENCHMARKS = {"wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt",
               "analogies": "questions-words.txt"}


@dataclass(frozen=True)
class Article:
    """One Wikipedia article: title and clean text."""

    title: str
    text: str


def gensim_datapath(name: str) -> Path:
    """Path of a file shipped in gensim's test data; a clear error if gensim or the file is missing."""
    try:
        from gensim.test.utils import datapath
    except ImportError as e:
        raise MissingPackageError("gensim", f"the data file {name!r}") from e
    path = Path(datapath(name))
    if not path.exists():
        raise AssetError(f"{name} not found in gensim's test data ({path}); "
                         "reinstall gensim>=4.3: pip install --force-reinstall gensim")
    return path


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """Read a text file; a non-decodable file raises an AssetError naming the encoding to try."""
    path = Path(path)
    if not path.exists():
        raise AssetError(f"{path} does not exist")
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise AssetError(
            f"{path.name} is not valid {encoding} (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "if it is Western-European text try encoding='latin-1', "
            "or re-save the file as UTF-8"
        ) from e


_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens: letters (with inner apostrophes) or digit runs; punctuation dropped."""
    return _TOKEN.findall(text.lower())


_SENT_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")


def split_sentences(text: str, min_words: int = 3) -> list[str]:
    """Split text into sentences at . ! ? followed by a capital; drop fragments of < min_words."""
    out = []
    for para in text.split("\n"):
        for sent in _SENT_END.split(para.strip()):
            sent = sent.strip()
            if len(sent.split()) >= min_words:
                out.append(sent)
    return out


def _clean_wiki(markup: str) -> str:
    """Wikitext -> plain paragraphs (gensim's filter_wiki, then headings and quotes removed)."""
    from gensim.corpora.wikicorpus import filter_wiki

    text = filter_wiki(markup)
    text = re.sub(r"'{2,}", "", text)
    lines = []
    for line in text.split("\n"):
        line = line.strip().lstrip("*#:;| ").strip()
        if not line or line.startswith("=") or len(line.split()) < 4:
            continue
        lines.append(re.sub(r"\s+", " ", line))
    return "\n".join(lines)


def _parse_wiki(path: Path) -> tuple[Article, ...]:
    """Articles of a gensim Wikipedia dump: redirects dropped, markup removed."""
    from gensim.corpora.wikicorpus import extract_pages

    try:
        with bz2.open(path, "rb") as f:
            pages = list(extract_pages(f))
    except (EOFError, OSError, ValueError) as e:  # truncated or not bzip2 at all
        raise AssetError(f"{path.name} in gensim's test data ({path.parent}) is damaged ({e}); "
                         "reinstall gensim: pip install --force-reinstall --no-deps gensim") from e
    arts = []
    for page in pages:
        title, markup = page[0], page[1]
        if not markup or markup.lstrip().lower().startswith("#redirect"):
            continue
        text = _clean_wiki(markup)
        if text:
            arts.append(Article(title, text))
    return tuple(arts)


@functools.lru_cache(maxsize=1)
def _wiki_articles() -> tuple[Article, ...]:
    """The parsed articles (2 s), kept in ptutils' cache keyed by the dump's SHA-256 and this code."""
    from .pretrained import cache_dir, sha256

    path = gensim_datapath(WIKI_FILE)
    code = inspect.getsource(_parse_wiki) + inspect.getsource(_clean_wiki)
    key = hashlib.sha256(f"{sha256(path)} {code}".encode()).hexdigest()[:24]
    cached = cache_dir() / f"wiki_articles_{key}.json"
    try:
        return tuple(Article(title, text) for title, text in json.loads(cached.read_bytes()))
    except (OSError, ValueError, TypeError):  # not cached yet, or damaged: parse again
        pass
    arts = _parse_wiki(path)
    tmp = cached.with_name(f"{cached.name}.tmp{os.getpid()}")
    try:  # written whole, then renamed: never half a cache
        tmp.write_text(json.dumps([[a.title, a.text] for a in arts]), encoding="utf-8")
        tmp.replace(cached)
    except OSError:  # a read-only or full disk: use the articles anyway
        tmp.unlink(missing_ok=True)
    return arts


def wiki_articles() -> list[Article]:
    """The Wikipedia excerpt shipped by gensim: 106 articles, redirects dropped, markup removed."""
    return list(_wiki_articles())


def wiki_sentences() -> list[list[str]]:
    """Wikipedia articles as lists of sentences (one list per article, order kept)."""
    return [split_sentences(a.text) for a in _wiki_articles()]


def lee_background() -> list[str]:
    """The Lee background corpus: 300 news articles, one string each (file is latin-1)."""
    text = read_text(gensim_datapath("lee_background.cor"), encoding="latin-1")
    return [line.strip() for line in text.splitlines() if line.strip()]


def lee_similarity() -> tuple[list[str], np.ndarray]:
    """The Lee benchmark: 50 documents and their symmetric 50x50 mean human similarity matrix."""
    docs = [ln.strip() for ln in read_text(gensim_datapath("lee.cor"), "latin-1").splitlines()
            if ln.strip()]
    sims = np.loadtxt(gensim_datapath("similarities0-1.txt"))
    sims = np.maximum(sims, sims.T)  # the file stores the upper triangle only
    if sims.shape != (len(docs), len(docs)):
        raise AssetError(f"Lee benchmark: {len(docs)} documents but a {sims.shape} matrix")
    return docs, sims


def polarity() -> tuple[list[str], np.ndarray]:
    """200 movie-review sentences and labels (1 = positive, 0 = negative); file is latin-1."""
    texts, labels = [], []
    for line in read_text(gensim_datapath("pang_lee_polarity.cor"), "latin-1").splitlines():
        if not line.strip():
            continue
        label, _, text = line.partition(" ")
        if label not in ("__label__pos", "__label__neg"):
            raise AssetError(f"pang_lee_polarity.cor: unexpected label {label!r}")
        texts.append(text.strip())
        labels.append(int(label == "__label__pos"))
    return texts, np.array(labels, dtype=np.int64)


# The only globals the mini_newsgroup pickle may name (Python 2 and 3 spellings).
_ALLOWED = {
    ("copyreg", "_reconstructor"), ("builtins", "dict"), ("builtins", "object"),
    ("copy_reg", "_reconstructor"), ("__builtin__", "dict"), ("__builtin__", "object"),
    ("numpy", "ndarray"), ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"), ("numpy._core.multiarray", "_reconstruct"),
}


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler that maps scikit-learn's old Bunch to dict and refuses anything unexpected."""

    def find_class(self, module: str, name: str):  # noqa: D401
        if name == "Bunch" and module.startswith("sklearn."):
            return dict
        if (module, name) not in _ALLOWED:
            raise AssetError(f"refusing to unpickle {module}.{name}: not an expected class "
                             "(the file may be corrupted or not the gensim mini_newsgroup)")
        if module == "numpy.core.multiarray":  # numpy 2 moved it
            module = "numpy._core.multiarray" if hasattr(np, "_core") else module
        return super().find_class(module, name)


def restricted_loads(data: bytes) -> object:
    """Unpickle bytes with the restricted unpickler (Python-2 pickles as latin-1)."""
    return _RestrictedUnpickler(io.BytesIO(data), encoding="latin1").load()


def mini_newsgroups(remove_headers: bool = True) -> tuple[list[str], np.ndarray, list[str]]:
    """200 newsgroup posts (alt.atheism / sci.space), labels 0/1 and the class names.

    The Usenet header ("Newsgroups: sci.space", ...) names the label, so by default it is cut
    (everything before the first blank line, as scikit-learn's `remove=("headers",)` does).
    """
    raw = gensim_datapath("mini_newsgroup").read_bytes()
    try:
        bunch = restricted_loads(zlib.decompress(raw))
    except zlib.error as e:
        raise AssetError("mini_newsgroup is not zlib-compressed data; reinstall gensim") from e
    texts = [t if isinstance(t, str) else t.decode("latin-1") for t in bunch["data"]]
    if remove_headers:
        texts = [t.partition("\n\n")[2].strip() for t in texts]
    return texts, np.asarray(bunch["target"], dtype=np.int64), list(bunch["target_names"])


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's 1,797 digits as float32 images (N, 8, 8) scaled to [0, 1], and labels."""
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise MissingPackageError("scikit-learn", "the digits dataset") from e
    d = load_digits()
    X = (d.images / 16.0).astype(np.float32)  # (N, 8, 8)
    return X, d.target.astype(np.int64)


def benchmark_path(name: str) -> Path:
    """Path of a word benchmark shipped by gensim: 'wordsim353', 'simlex999' or 'analogies'."""
    if name not in _BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; choose from {sorted(_BENCHMARKS)}")
    return gensim_datapath(_BENCHMARKS[name])


def embedding_corpus(fraction: float = 1.0, seed: int = 0) -> list[list[str]]:
    """Tokenised sentences of Wikipedia + Lee background (~0.5 M tokens); a nested random subset."""
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    sents = [s for art in wiki_sentences() for s in art]
    sents += [s for doc in lee_background() for s in split_sentences(doc)]
    toks = [t for t in (tokenize(s) for s in sents) if len(t) >= 3]
    order = np.random.default_rng(seed).permutation(len(toks))
    keep = order[: max(1, round(fraction * len(toks)))]
    return [toks[i] for i in sorted(keep)]


def check_labels(y, name: str = "y") -> np.ndarray:
    """Return y as a 1-D int64 array of class ids; a clear error for strings, floats or empty y."""
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of class ids, got shape {arr.shape}")
    if arr.dtype.kind in "UOSb" or (arr.dtype.kind == "f" and not np.all(arr == np.round(arr))):
        raise TypeError(
            f"{name} must hold integer class ids 0..K-1, got dtype {arr.dtype} "
            f"(e.g. {arr[:3].tolist()}); map names to ids first, e.g. "
            "np.unique(y, return_inverse=True)[1]"
        )
    arr = arr.astype(np.int64)
    if arr.min() < 0:
        raise ValueError(f"{name} has negative class ids ({arr.min()}); use 0..K-1")
    return arr


# --- labelled text tasks: the built-in ones, or your own CSV/TSV file -------------------------

TASKS = ("polarity", "newsgroups")  # the built-in labelled tasks; anything else is a file path


def load_task(task: str, text_column: str = "text", label_column: str = "label",
              encoding: str = "utf-8") -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, labels 0..K-1, class names) of a built-in task or of a CSV/TSV file's path."""
    if task == "polarity":
        texts, y = polarity()
        return texts, y, ["negative", "positive"]
    if task == "newsgroups":
        return mini_newsgroups()
    if not any(sep in str(task) for sep in "/\\.") and not Path(task).exists():
        raise DataFileError(f"unknown task {task!r}: use one of {', '.join(TASKS)}, or the path of "
                            "a CSV/TSV file with a text column and a label column")
    return read_labelled_file(task, text_column, label_column, encoding)


def _delimiter(path: Path, sample: str) -> str:
    """Tab for .tsv/.tab, comma for .csv, else whichever of tab, comma, semicolon the file uses."""
    suffix = path.suffix.lower()
    if suffix in (".tsv", ".tab"):
        return "\t"
    if suffix == ".csv":
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters="\t,;").delimiter
    except csv.Error:
        return ","


def _decode(path: Path, encoding: str) -> str:
    """The file's text; a clear error for a missing file or the wrong encoding."""
    if not path.is_file():
        raise DataFileError(f"{path}: no such file; check the path (relative paths start from "
                            f"the notebook's folder, here {Path.cwd()})")
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") in
                          ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataFileError(
            f"{path.name} is not valid {encoding}: byte 0x{raw[e.start]:02x} on line {line}. "
            "Try encoding='latin-1' (Western European; 'cp1252' for Windows files), or re-save "
            "the file as UTF-8") from e


def _label_values(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Class ids 0..K-1 and class names: numeric labels in numeric order, else sorted strings."""
    try:
        keys = [int(v) for v in labels]
        names = [str(v) for v in sorted(set(keys))]
        lookup = {k: i for i, k in enumerate(sorted(set(keys)))}
        return np.array([lookup[k] for k in keys], dtype=np.int64), names
    except ValueError:
        names = sorted(set(labels))
        lookup = {n: i for i, n in enumerate(names)}
        return np.array([lookup[v] for v in labels], dtype=np.int64), names


def read_labelled_file(path: str | Path, text_column: str = "text", label_column: str = "label",
                       encoding: str = "utf-8") -> tuple[list[str], np.ndarray, list[str]]:
    """(texts, labels 0..K-1, class names) of a CSV/TSV file with a header row.

    Labels may be strings or integers, 2 or more classes. Every problem is a DataFileError that
    names the file, the row (counting the header as row 1) and the fix; nothing is half-read.
    """
    path = Path(path)
    text = _decode(path, encoding)
    rows = list(csv.reader(io.StringIO(text), delimiter=_delimiter(path, text[:4096])))
    rows = [r for r in rows if any(cell.strip() for cell in r)]  # blank lines
    if not rows:
        raise DataFileError(f"{path.name} is empty; it needs a header row "
                            f"({text_column},{label_column}) and one row per text")
    header = [h.strip() for h in rows[0]]
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise DataFileError(f"{path.name}: the header names {repeated} more than once; give "
                            "each column its own name")
    missing = [c for c in (text_column, label_column) if c not in header]
    if missing:
        raise DataFileError(
            f"{path.name} has no column {missing[0]!r}; its columns are {header}. Pass "
            f"text_column=... and label_column=... (or rename the columns); a file without a "
            f"header row needs one added")
    ti, li = header.index(text_column), header.index(label_column)
    texts, labels, empty = [], [], []
    for n, row in enumerate(rows[1:], start=2):
        if [c.strip() for c in row] == header:
            raise DataFileError(f"{path.name}, row {n}: the header row appears again (two files "
                                "joined?); delete the repeated header")
        if len(row) != len(header):
            raise DataFileError(
                f"{path.name}, row {n}: {len(row)} fields where the header has {len(header)}; "
                "a text containing the delimiter must be quoted (\"...\")")
        if not row[ti].strip() or not row[li].strip():
            empty.append(n)
        texts.append(row[ti].strip())
        labels.append(row[li].strip())
    if empty:
        raise DataFileError(f"{path.name}: rows {empty[:10]}{' ...' if len(empty) > 10 else ''} "
                            f"have an empty {text_column!r} or {label_column!r}; fill or delete "
                            f"them ({len(empty)} in all)")
    if not texts:
        raise DataFileError(f"{path.name} has a header but no rows of data")
    y, names = _label_values(labels)
    if len(names) < 2:
        raise DataFileError(f"{path.name}: every row has the label {names[0]!r}; a classifier "
                            "needs at least 2 classes")
    return texts, y, names


def check_class_counts(y, class_names: list[str], needed: int, purpose: str) -> None:
    """A clear error when a class has fewer than `needed` examples for `purpose`."""
    counts = np.bincount(check_labels(y), minlength=len(class_names))
    short = {class_names[k]: int(c) for k, c in enumerate(counts) if c < needed}
    if short:
        raise DataFileError(
            f"{purpose} needs at least {needed} examples of every class; too few: {short}. "
            "Add examples of those classes, merge or drop them, or lower the split sizes in the "
            "parameters cell")
