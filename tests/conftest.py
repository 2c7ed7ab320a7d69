import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
os.environ.setdefault("FRONTIER_LAG_NO_WARMUP", "1")


@pytest.fixture(scope="session")
def aa():
    from model.loaders import load_embedded

    return load_embedded("aa")


@pytest.fixture(scope="session")
def epoch():
    from model.loaders import load_embedded

    return load_embedded("epoch")


@pytest.fixture
def media(monkeypatch):
    """Capture what download buttons serve in AppTest: returns a function url -> (mimetype, bytes)."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    stores = []

    class Capturing(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Capturing)

    def fetch(url: str):
        name = url.split("/")[-1]
        for store in reversed(stores):
            try:
                f = store.get_file(name)
                return f.mimetype, bytes(f.content)
            except Exception:  # not in this store
                continue
        raise KeyError(url)

    return fetch
