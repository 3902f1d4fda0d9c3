"""Exceptions that say what went wrong and how to fix it."""

from __future__ import annotations

__all__ = ["AssetError", "MissingPackageError", "ChecksumError", "DeviceError", "DataFileError"]


class AssetError(RuntimeError):
    """A dataset or pre-trained file is missing, unreadable or malformed."""


class MissingPackageError(AssetError, ImportError):
    """A package that ships an asset (or a library) is not installed."""

    def __init__(self, package: str, what: str, extra: str = "") -> None:
        self.package = package
        hint = f"pip install {package}" + (f" {extra}" if extra else "")
        super().__init__(
            f"{what} needs the package '{package}', which is not installed. "
            f"Install it with: {hint} (or re-run: bash scripts/install.sh)"
        )


class ChecksumError(AssetError):
    """A pre-trained file does not have the SHA-256 it shipped with."""


class DeviceError(ValueError):
    """An unknown or unavailable device was requested."""


class DataFileError(ValueError):
    """A user's labelled-text file cannot be used as it is (the message names the file and fix)."""
