"""Uploaded files go to a fresh directory per test (the disk backend of crm_core.storage)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_core import storage


@pytest.fixture(autouse=True)
def disk_storage(tmp_path: Path) -> Iterator[Path]:
    storage.use_backend(storage.DiskBackend(tmp_path / "files"))
    yield tmp_path / "files"
    storage.use_backend(None)
