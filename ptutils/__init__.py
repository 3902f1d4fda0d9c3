"""ptutils: the thin helpers behind the pre-training and fine-tuning course.

Modules, one job each: `device` (seeds, device, environment report), `data` (offline corpora),
`text` (vocabulary and padding), `pretrained` (offline weights), `train` (a small loop),
`evaluate` (label checks, cross-validation), `plot` (pictures), `claims` (the claims cell),
`wordvec` (word-vector tables and benchmarks), `pretraining` (next-sentence pairs),
`course` (run every notebook), and `models` (shared baselines; imports torch, so import it
explicitly: `from ptutils.models import TextCNN`).
"""

from . import claims, data, device, evaluate, plot, pretrained, pretraining, text, train, wordvec
from .claims import Claims
from .device import Env, choose_device, no_network, set_seed, setup
from .errors import AssetError, ChecksumError, DeviceError, MissingPackageError

__all__ = [
    "setup", "set_seed", "choose_device", "no_network", "Env", "Claims",
    "AssetError", "ChecksumError", "DeviceError", "MissingPackageError",
    "claims", "data", "device", "evaluate", "plot", "pretrained", "pretraining", "text", "train",
    "wordvec",
]
__version__ = "0.1.0"
