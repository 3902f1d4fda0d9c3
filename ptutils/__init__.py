"""ptutils: the thin helpers behind the pre-training and fine-tuning course.

What the notebooks import (one job each):
  device (seeds, device, threads, environment report: `ptutils.setup`), data (offline corpora,
  your own CSV/TSV tasks, label checks), text (vocabulary and padding), pretrained (offline
  weights and caches), wordvec (word vectors as gensim KeyedVectors, a cached Word2Vec), nsp
  (next-sentence pairs), train (a small loop), evaluate (cross-validation, a paired bootstrap),
  plot (pictures), claims (the claims cell); and two that load torch, imported explicitly:
  models (`from ptutils.models import TextCNN`) and gpt (notebook 05's GPT for 09's scripts).

The machinery that runs the course (no lesson depends on it; notebook 00 only reads times):
  course (run every notebook, budgets), speed (the machine's reference speed), report (the
  results page), workshop (learner edition, instructor notes).
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
