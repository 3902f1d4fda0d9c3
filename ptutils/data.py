"""The course's offline corpora and datasets (all shipped by gensim or scikit-learn), and label checks."""

from __future__ import annotations

import bz2
import functools
import io
import pickle
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import AssetError, MissingPackageError

__all__ = [
    "Article", "gensim_datapath", "read_text", "tokenize", "split_sentences", "wiki_articles",
    "wiki_sentences", "lee_background", "lee_similarity", "polarity", "mini_newsgroups",
    "digits", "benchmark_path", "embedding_corpus", "check_labels", "restricted_loads",
    "WIKI_FILE",
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


@functools.lru_cache(maxsize=1)
def _wiki_articles() -> tuple[Article, ...]:
    from gensim.corpora.wikicorpus import extract_pages

    path = gensim_datapath(WIKI_FILE)
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
