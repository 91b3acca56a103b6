"""The name tables that must agree with the runtime and the templates (issue 13): every name a
generated module imports from the runtime is one the runtime exports, and every runtime name a
generated module can import is one a model or argument may not take."""

from __future__ import annotations

import ast
from pathlib import Path

from collections.abc import Callable
from typing import Any

import msgspec

from generator import _runtime
from generator.model.clashes import TOP_LEVEL
from generator.model.names import RUNTIME_NAMES
from generator.model.resources import CLIENT_MODULE_NAMES
from tests.conftest import GENERATED, ROOT, fragment

TREES = [GENERATED, ROOT / "tests" / "golden"]


def _runtime_imports(bound: bool = False) -> dict[str, set[str]]:
    """name -> generated files importing it from the package's runtime (``bound``: the name the
    import binds in the module, ``Model as _Model`` binding ``_Model``)."""
    found: dict[str, set[str]] = {}
    for tree in TREES:
        for path in tree.rglob("*.py"):
            if "_runtime" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_runtime"):
                    for alias in node.names:
                        name = (alias.asname or alias.name) if bound else alias.name
                        found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_runtime_name_a_generated_module_imports_is_exported() -> None:
    imported = _runtime_imports()
    assert len(imported) > 20  # the trees do import the runtime
    missing = {name: sorted(files)[:2] for name, files in imported.items() if name not in _runtime.__all__}
    assert not missing


def test_runtime_classes_a_module_imports_are_names_a_model_may_not_take() -> None:
    classes = {name for name in _runtime_imports(bound=True) if name[:1].isupper() and not name.isupper()}
    taken = RUNTIME_NAMES | CLIENT_MODULE_NAMES | TOP_LEVEL
    assert not sorted(classes - taken - _exceptions())


def test_a_schema_named_like_a_name_model_modules_import_gets_another_name_not_a_broken_module(
    generated_package: Callable[..., Any],
) -> None:
    """``Discriminator`` with a discriminated union inside would shadow the runtime's
    Discriminator in its own module (and ``Annotated`` typing's): they get ``Model`` appended."""
    pet = {"oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
           "discriminator": {"propertyName": "kind"}}  # fmt: skip
    animal = {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}}}
    for name in ("Discriminator", "Annotated"):
        document = fragment("/a", responses={"200": {"description": "OK", "content": {"application/json": {
            "schema": {"$ref": f"#/components/schemas/{name}"}}}}})  # fmt: skip
        document["components"] = {"schemas": {name: {"type": "object", "properties": {"pet": pet}},
                                              "Cat": animal, "Dog": animal}}  # fmt: skip
        package = generated_package({"a.json": document})
        model = getattr(package, name + "Model")
        assert type(msgspec.json.decode(b'{"pet": {"kind": "Dog"}}', type=model).pet).__name__ == "Dog"


def _exceptions() -> set[str]:
    """Exception classes: the package exports them, and models named like them are kept apart
    by the package's top-level names (TOP_LEVEL), not by RUNTIME_NAMES."""
    return {name for name in _runtime.__all__ if name.endswith("Error") or name == "APIResponseTooLarge"}


def test_the_runtime_package_exports_only_what_it_defines() -> None:
    assert all(hasattr(_runtime, name) for name in _runtime.__all__)
    assert Path(_runtime.__file__).parent.name == "_runtime"


def test_the_names_a_property_may_not_take_are_the_runtime_models_members() -> None:
    from generator._runtime.model import MODEL_MEMBERS as RUNTIME_MEMBERS
    from generator.model.names import MODEL_MEMBERS

    members = {name for name in vars(_runtime.Model) if not name.startswith("_")}
    assert MODEL_MEMBERS == RUNTIME_MEMBERS == members
