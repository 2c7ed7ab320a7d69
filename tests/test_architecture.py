"""The layering of ``model/`` is enforced here, not only described.

Layers, lowest first: core ← data ← lags ← bayes ← analysis (the one fit path) ← robustness ← presentation ← outputs ←
serving ← cli, then
the Streamlit glue ``ui/`` (it may import ``model``; ``model`` never imports it) and the ``pages/`` that use both.
A module may import its own layer and the layers below it, never one above. ``analysis`` sits below robustness
because the multiverse and the backtests run through the same fit path as the pages and the CLI. Nothing in ``model/`` imports
streamlit, ``ui`` or ``pages``; no module imports another module's private (``_name``) names; pages and ``ui`` hold no
statistics engines (no pymc, pytensor, nutpie, arviz or scipy); every session-state key is declared in ui/state.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("core", "data", "lags", "bayes", "analysis", "robustness", "presentation", "outputs", "serving", "cli")
SUBPACKAGES = ("core", "data", "lags", "bayes", "robustness", "presentation", "outputs", "serving")
STATISTICS_PACKAGES = ("pymc", "pytensor", "nutpie", "arviz", "arviz_stats", "scipy")
#: Observations are built and fitted only through the fit path (model.analysis.observations_for, fit_observations):
#: the pages and the CLI's commands never reach past it.
FIT_PATH_INTERNALS = ("model.bayes.fitting", "model.bayes.observations")
FIT_PATH_CALLERS = ("model/commands.py", "model/lag_commands.py", "model/robustness_commands.py", "model/cli.py")


def layer_of(module: str) -> str | None:
    """The layer of a dotted ``model.…`` module name: its sub-package, ``analysis``, or ``cli`` for the rest."""
    parts = module.split(".")
    if parts[0] != "model":
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "cli"  # model.cli, model.__main__, the package itself


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) for every import in a file, nested ones included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module, [a.name for a in node.names]))
    return found


def undeclared_session_keys(path: Path, rel: Path) -> list[str]:
    """Session-state keys written as string literals (every key the app owns is declared in ui/state.py's Key)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        literal = None
        if isinstance(node, ast.Subscript) and getattr(node.value, "attr", None) == "session_state":
            literal = node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in
              ("get", "setdefault", "pop") and getattr(node.func.value, "attr", None) == "session_state" and node.args):
            literal = node.args[0]
        elif (isinstance(node, ast.Compare) and any(getattr(c, "attr", None) == "session_state"
                                                    for c in node.comparators)):
            literal = node.left
        if isinstance(literal, ast.Constant | ast.JoinedStr):
            found.append(f"{rel}:{node.lineno} uses a session-state key that ui/state.py's Key does not declare")
    return found


def violations(root: Path) -> list[str]:
    """Every broken rule under ``root`` (a checkout: ``model/`` and ``pages/``), one line each."""
    found = []
    for path in sorted((root / "model").rglob("*.py")):
        rel = path.relative_to(root)
        own = layer_of(".".join(rel.with_suffix("").parts))
        for line, module, names in imports_of(path):
            where = f"{rel}:{line}"
            top = module.split(".")[0]
            if top in ("streamlit", "pages", "ui"):
                found.append(f"{where} imports {module}: model/ never imports the UI")
                continue
            target = layer_of(module)
            if target and LAYERS.index(target) > LAYERS.index(own):
                found.append(f"{where} imports {module}: layer {own} may not import the higher layer {target}")
            found += [f"{where} imports the private name {n} from {module}" for n in names
                      if top == "model" and n.startswith("_") and not n.startswith("__")]
            if str(rel) in FIT_PATH_CALLERS and module in FIT_PATH_INTERNALS:
                found.append(f"{where} imports {module}: build and fit observations through model.analysis")
    for path in sorted((root / "ui").rglob("*.py")):
        rel = path.relative_to(root)
        for line, module, names in imports_of(path):
            if module.split(".")[0] in STATISTICS_PACKAGES:
                found.append(f"{rel}:{line} imports {module}: the UI package holds no statistics")
            if module.split(".")[0] == "pages":
                found.append(f"{rel}:{line} imports {module}: the UI package serves the pages, never the reverse")
            found += [f"{rel}:{line} imports the private name {n} from {module}" for n in names
                      if module.startswith(("model", "ui")) and n.startswith("_") and not n.startswith("__")]
        found += undeclared_session_keys(path, rel)
    for path in sorted((root / "pages").rglob("*.py")):
        rel = path.relative_to(root)
        found += undeclared_session_keys(path, rel)
        for line, module, names in imports_of(path):
            if module.split(".")[0] in STATISTICS_PACKAGES:
                found.append(f"{rel}:{line} imports {module}: pages hold no statistics")
            if module in FIT_PATH_INTERNALS:
                found.append(f"{rel}:{line} imports {module}: build and fit observations through model.analysis")
            found += [f"{rel}:{line} imports the private name {n} from {module}" for n in names
                      if module.startswith("model") and n.startswith("_") and not n.startswith("__")]
    return found


def test_the_project_keeps_its_layers():
    assert violations(ROOT) == []


def test_every_layer_package_says_what_it_owns():
    for layer in SUBPACKAGES:
        init = ROOT / "model" / layer / "__init__.py"
        assert init.exists(), f"model/{layer}/ has no __init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc.split()) >= 15, f"model/{layer}/__init__.py needs a paragraph saying what it owns"


@pytest.mark.parametrize(("planted", "source", "expected"), [
    ("model/core/bad.py", "from model.bayes.crossing import crossing_years\n", "may not import the higher layer bayes"),
    ("model/data/bad.py", "import streamlit as st\n", "never imports the UI"),
    ("model/lags/bad.py", "def f():\n    from ui.state import settings\n", "never imports the UI"),
    ("model/bayes/bad.py", "from model.bayes.sampling import _private\n", "private name _private"),
    ("pages/bad.py", "import pymc as pm\n", "pages hold no statistics"),
    ("pages/bad.py", "import streamlit as st\nst.session_state['mine'] = 1\n", "does not declare"),
    ("ui/bad.py", "import streamlit as st\nx = st.session_state.get(f'a:{1}')\n", "does not declare"),
    ("ui/bad.py", "from scipy import stats\n", "the UI package holds no statistics"),
    ("pages/bad.py", "from model.bayes.observations import benchmark_observations\n", "through model.analysis"),
    ("model/commands.py", "def f():\n    from model.bayes.fitting import fit_trend\n", "through model.analysis"),
])
def test_a_planted_bad_import_is_caught(tmp_path, planted, source, expected):
    target = tmp_path / planted
    target.parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / "pages").mkdir(exist_ok=True)
    (tmp_path / "ui").mkdir(exist_ok=True)
    target.write_text(source, encoding="utf-8")
    found = violations(tmp_path)
    assert len(found) == 1 and expected in found[0], found


def test_architecture_md_stays_true():
    """Every path ARCHITECTURE.md names exists, every layer is in it, and its table of session keys is Key's."""
    import re

    from ui.state import Key

    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    paths = {p for p in re.findall(r"`([\w./-]+\.(?:py|md|json)|[\w-]+/)`", text) if "/" in p or p.endswith(".py")}
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, missing
    for layer in (*LAYERS[:-1], "ui", "pages"):
        assert layer in text, layer
    declared = {k for k in vars(Key) if k.isupper()}
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", text, flags=re.M))
    assert declared == documented, (declared ^ documented)
