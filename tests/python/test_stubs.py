"""The committed type stub matches the compiled module's signatures (scripts/gen_pyi.py)."""
import ast
import importlib.util
import pathlib

import saring

ROOT = pathlib.Path(__file__).resolve().parents[2]


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_pyi", ROOT / "scripts" / "gen_pyi.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_stub_is_current():
    committed = (ROOT / "bindings" / "python" / "saring" / "_saring.pyi").read_text(encoding="utf-8")
    assert load_generator().generate() == committed, "regenerate with scripts/gen_pyi.py (see its docstring)"


def test_stub_names_every_public_name():
    tree = ast.parse((ROOT / "bindings" / "python" / "saring" / "_saring.pyi").read_text(encoding="utf-8"))
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
    public = {n for n in dir(saring._saring) if not n.startswith("_")}
    assert public - declared == set()
    # Methods too: PdqIndex.query is typed, not a catch-all.
    index = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "PdqIndex")
    query = next(f for f in index.body if isinstance(f, ast.FunctionDef) and f.name == "query")
    assert [a.arg for a in query.args.args] == ["self", "hash", "radius"]


def test_stub_is_installed_beside_the_module():
    pkg = pathlib.Path(saring.__file__).parent
    assert (pkg / "_saring.pyi").is_file()
    assert (pkg / "py.typed").is_file()
