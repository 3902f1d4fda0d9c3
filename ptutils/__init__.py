"""ptutils: the thin helpers behind the pre-training and fine-tuning course.

Modules, one job each: `device` (seeds, device, environment report), `data` (offline corpora,
label checks), `text` (vocabulary and padding), `pretrained` (offline weights), `wordvec` (word
vectors as gensim KeyedVectors, a cached Word2Vec), `nsp` (next-sentence pairs), `train` (a small
loop), `evaluate` (cross-validation, intervals), `plot` (pictures), `claims` (the claims cell),
`course` (run every notebook), `speed` (the machine's reference speed, for budgets that travel),
`report` (the results page), and two that load torch and are
therefore imported explicitly: `models` (shared baselines: `from ptutils.models import
TextCNN`) and `gpt` (notebook 05's GPT for notebook 09's scripts: `from ptutils import gpt`).
"""

from . import claims, data, device, evaluate, nsp, plot, pretrained, text, train, wordvec
from .claims import Claims
from .device import Env, choose_device, no_network, set_seed, setup, torch_threads
from .errors import AssetError, ChecksumError, DataFileError, DeviceError, MissingPackageError

__all__ = [
    "setup", "set_seed", "choose_device", "no_network", "torch_threads", "Env", "Claims",
    "AssetError", "ChecksumError", "DataFileError", "DeviceError", "MissingPackageError",
    "claims", "data", "device", "evaluate", "nsp", "plot", "pretrained", "text", "train",
    "wordvec",
]
__version__ = "0.1.0"
