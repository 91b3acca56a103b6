"""Helpers shared by the real-spec suites: ``tests/big`` (``make test-big``) and ``tests/corpus``
(``make test-corpus``).

A whole spec is split with ``import-spec`` into a provider folder outside the committed tree and
generated with default settings; the helpers then count the operations the package has against
the spec, import every module, run ``mypy --strict`` and pyright strict on it, and call a sample
of GET operations through the generated client against Prism.  Each helper returns what it saw
(a ``CompletedProcess`` or plain data) and the tests assert, so a failure shows the tool's output.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from generator.cli import cli
from generator.spec.quirks import HTTP_METHODS
from tests.prism_server import run_prism

__all__ = [
    "call_sample",
    "generated_operations",
    "import_every_module",
    "mypy_strict",
    "pyright_strict",
    "sample",
    "spec_operations",
    "split_and_generate",
]

CLIENT_OPTIONS = (
    "server",
    "base_url",
    "timeout",
    "total_timeout",
    "max_retries",
    "default_headers",
    "http_client",
    "retry_non_idempotent",
    "max_response_bytes",
)


def split_and_generate(spec: Path, name: str, root: Path) -> tuple[Result, Path]:
    """Run ``import-spec`` then ``generate`` (default settings) into ``root``.

    Returns the result of the first command that failed (or of ``generate``) and the folder of
    the generated package, ``root/out/<name>``.
    """
    result: Result | None = None
    for args in (["import-spec", str(spec), "-p", name], ["generate", "-p", name]):
        result = CliRunner().invoke(
            cli, ["--specs-dir", str(root / "specs"), "--out-dir", str(root / "out"), *args]
        )
        if result.exit_code != 0:
            break
    assert result is not None
    return result, root / "out" / name


def spec_operations(spec: Path) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation of a whole spec, JSON or YAML."""
    text = spec.read_text(encoding="utf-8")
    document = json.loads(text) if spec.suffix == ".json" else yaml.load(text, Loader=yaml.CSafeLoader)
    paths: dict[str, Any] = document.get("paths") or {}
    return {(m.upper(), p) for p, item in paths.items() for m in HTTP_METHODS if m in item}


def generated_operations(folder: Path, name: str) -> list[tuple[str, str]]:
    """(METHOD, path) of every ``Operation`` constant in the generated resource modules."""
    found = []
    for module in sorted((folder / name / "resources").glob("*.py")):
        found += re.findall(
            r'^_\w+ = Operation\[.*?\]\(\n    "(\w+)",\n    "(.*?)",$', module.read_text(), flags=re.M | re.S
        )
    return [(method, json.loads(f'"{path}"')) for method, path in found]


def import_every_module(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    """Import the package, every model and resource module, build the async client; print the
    number of models."""
    probe = (
        f"import importlib, pkgutil, {name}, {name}.models, {name}.resources\n"
        f"for sub in ('models', 'resources'):\n"
        f"    pkg = importlib.import_module('{name}.' + sub)\n"
        f"    for info in pkgutil.iter_modules(pkg.__path__):\n"
        f"        importlib.import_module(pkg.__name__ + '.' + info.name)\n"
        f"client = {name}.__dict__[[n for n in {name}.__all__ if n.startswith('Async')][0][5:]]"
        f"(base_url='http://127.0.0.1:9')\n"
        f"print(len({name}.models.__all__))"
    )
    return subprocess.run(
        [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, timeout=600
    )


def mypy_strict(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", name],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def pyright_strict(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    """pyright in strict mode, configured as ``tests/test_generate.py`` does for our providers."""
    config = folder.parent / f"{name}-pyrightconfig.json"
    config.write_text(json.dumps({"typeCheckingMode": "strict", "pythonVersion": "3.10"}))
    pyright = Path(sys.executable).parent / "pyright"
    return subprocess.run(
        [str(pyright), "-p", str(config), "--pythonpath", sys.executable, name],
        cwd=folder,
        capture_output=True,
        text=True,
    )


def sample(folder: Path, name: str, *, arguments: bool = False, limit: int = 5) -> list[tuple[str, str]]:
    """GET operations that return JSON through ``_request``: (resource, method), ``limit`` at most.

    Without ``arguments`` only operations that need no argument; with it also those that do
    (the caller fills them in), argument-free ones first.
    """
    free, needy = [], []
    for module in sorted((folder / name / "resources").glob("[!_]*.py")):
        source = module.read_text()
        text = source.split("\nclass ")[1]
        for method, params in re.findall(
            r"\n    def (\w+)\(\n        self,\n(.*?)\n    \) ->", text, flags=re.S
        ):
            body = text.split(f"def {method}(", 1)[1].split("\n    def ", 1)[0]
            required = [p for p in params.split("\n") if ":" in p and "=" not in p]
            if "return self._request(" not in body or method.startswith("iter_"):
                continue
            constant = re.search(r"self\._request\(\n\s+(_\w+),", body)
            if not constant or f"{constant.group(1)} = Operation[None]" in source:
                continue
            if re.search(rf'{constant.group(1)} = Operation\[[^\n]*\]\(\n    "GET"', source):
                (needy if required else free).append((module.stem, method))
    return (free + needy if arguments else free)[:limit]


# Run inside the generated package: fill required arguments of simple types with plain values,
# call each sampled operation through the raw-response wrapper and print one outcome per call.
_CALLER = r"""
import datetime, enum, inspect, json, re, sys, traceback, typing, uuid
import {name}
from {name}._errors import APIStatusError
cls = getattr({name}, [n for n in {name}.__all__ if n.startswith("Async")][0][5:])
known = {known!r}
args = {{p: "token-12345" for p, v in inspect.signature(cls).parameters.items()
        if p not in known and "str" in str(v.annotation)}}  # credentials and server variables
client = cls(base_url={base_url!r}, **args)
PLAIN = {{"str": "abc123", "int": 1, "float": 1.0, "bool": True,
         "uuid.UUID": uuid.UUID(int=1), "datetime.date": datetime.date(2024, 1, 2),
         "datetime.datetime": datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)}}

SPEC = json.load(open("openapi.json", encoding="utf-8"))

def lookup(ref):
    node = SPEC
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node

def deref(node):
    while isinstance(node, dict) and "$ref" in node:
        node = lookup(node["$ref"])
    return node

# Values the spec gives for an operation's parameters (example, first enum value, default),
# keyed by the Python argument the generated method sends under that wire name.
def spec_values(resource, method):
    kind = type(getattr(client, resource))
    source = inspect.getsource(getattr(kind, method))
    operation = getattr(sys.modules[kind.__module__], re.search(r"self\._request\(\s+(_\w+),", source).group(1))
    item = SPEC["paths"][operation.path]
    found = {{}}
    for parameter in item.get("parameters", []) + item[operation.method.lower()].get("parameters", []):
        parameter = deref(parameter)
        schema = deref(parameter.get("schema") or {{}})
        for candidate in (parameter.get("example"), schema.get("example"), *(schema.get("examples") or [])[:1],
                          *(schema.get("enum") or [])[:1], schema.get("default")):
            if candidate is not None:
                found[parameter["name"]] = candidate
                break
    wire = re.findall(r'"([^"]+)": (\w+),', source)
    return {{python: found[name] for name, python in wire if name in found}}

def value(annotation, namespace, given):
    if annotation in ("str", "int", "float", "bool") and type(given).__name__ == annotation:
        return given
    if annotation in PLAIN:
        return PLAIN[annotation]
    kind = eval(annotation, namespace)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return next(iter(kind))
    if typing.get_origin(kind) is typing.Literal:
        return typing.get_args(kind)[0]
    raise LookupError(annotation)

VALUE_CODES = {{"pattern", "format", "enum", "minLength", "maxLength", "minimum", "maximum"}}

# A non-2xx answer: Prism refusing a made-up argument value, Prism failing its own generated
# body (--errors), or any other status (a failure).
def prism_verdict(exc):
    try:
        problem = json.loads(exc.body)
        violations = problem.get("validation") or []
    except (ValueError, AttributeError):
        violations = []
    if violations and all(v["location"][0] == "response" for v in violations):
        return "prism body fault"
    if violations and all(v["location"][0] != "response" and v["code"] in VALUE_CODES for v in violations):
        return "refused value"
    return "status %s" % exc.status_code

outcomes = []
for resource, method in {sample!r}:
    bound = getattr(getattr(client, resource), method)
    namespace = sys.modules[type(getattr(client, resource)).__module__].__dict__
    try:
        given = spec_values(resource, method)
        kwargs = {{p.name: value(p.annotation, namespace, given.get(p.name))
                  for p in inspect.signature(bound).parameters.values()
                  if p.default is inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD}}
    except (LookupError, NameError):
        continue
    try:
        raw = getattr(getattr(client, resource).with_raw_response, method)(**kwargs, options={{"max_retries": 0}})
        outcomes.append(["decoded", resource, method, type(raw.parsed).__name__])
    except APIStatusError as exc:
        outcomes.append([prism_verdict(exc), resource, method, exc.body.decode(errors="replace")[:600]])
    except Exception:
        outcomes.append(["error", resource, method, traceback.format_exc()[-1500:]])
print(json.dumps(outcomes))
"""


def call_sample(
    folder: Path, name: str, operations: list[tuple[str, str]], *, errors: bool = False
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """Call ``operations`` through the generated client against Prism (``-d``; ``--errors`` when
    ``errors``) serving the generated ``openapi.json``; return the probe and its outcomes:
    ``[outcome, resource, method, detail]``.  Outcomes: ``decoded``; ``refused value`` (Prism
    refused a made-up argument: only pattern/format/enum/length/range violations of the request);
    ``prism body fault`` (with ``--errors``: the body Prism generated breaks the spec by Prism's own
    validator, e.g. formats ``byte`` or ``url``; nothing reached the client to decode); ``status
    NNN`` (any other non-2xx); ``error`` (anything raised, decoding errors included).
    Required arguments of plain types get plain values; operations needing others are left out.
    """
    with run_prism(folder / "openapi.json", seed=7, errors=errors) as base_url:
        probe = _CALLER.format(name=name, known=CLIENT_OPTIONS, base_url=base_url, sample=operations)
        result = subprocess.run(
            [sys.executable, "-c", probe], cwd=folder, capture_output=True, text=True, timeout=300
        )
    outcomes: list[list[str]] = json.loads(result.stdout) if result.returncode == 0 else []
    return result, outcomes
