from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def aa():
    from model.loaders import load_embedded

    return load_embedded("aa")


@pytest.fixture(scope="session")
def epoch():
    from model.loaders import load_embedded

    return load_embedded("epoch")
