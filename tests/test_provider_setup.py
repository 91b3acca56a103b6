"""Adding a provider: ``new``, credential names (derived, or from provider.yaml's credentials:),
the default README example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.diagnostics import Origin
from generator.spec.config import TOP_KEYS, parse_config
from generator.spec.starter import KEY_LINES, provider_yaml
from tests.conftest import MakeProvider, fragment


def _secured(**schemes: dict[str, Any]) -> dict[str, Any]:
    document = fragment("/pets", operationId="listPets")
    document["components"] = {"securitySchemes": schemes}
    document["security"] = [{name: []} for name in schemes]
    return document


API_KEY = {"type": "apiKey", "in": "header", "name": "X-Acme-Key"}
BASIC = {"type": "http", "scheme": "basic"}


def _generate(specs: Path) -> tuple[int, str, str, str]:
    out = specs.parent / "generated"
    result = CliRunner().invoke(cli, ["--specs-dir", str(specs), "--out-dir", str(out), "generate"])
    client = out / "acme" / "acme" / "_client.py"
    return result.exit_code, result.stderr, client.read_text() if client.exists() else "", str(out)


def test_the_environment_variable_does_not_repeat_the_provider(make_provider: MakeProvider) -> None:
    code, err, client, out = _generate(make_provider({"a.json": _secured(key=API_KEY)}))
    assert code == 0, err
    assert "acme_key (or $ACME_KEY): security scheme ``key``" in client and "ACME_ACME_KEY" not in client
    readme = (Path(out) / "acme" / "README.md").read_text()
    assert "# Credentials come from arguments or the environment: ACME_KEY." in readme


def test_the_prefix_is_kept_when_dropping_it_would_clash(make_provider: MakeProvider) -> None:
    other = {"type": "apiKey", "in": "header", "name": "Key"}
    code, err, client, _ = _generate(make_provider({"a.json": _secured(a=API_KEY, b=other)}))
    assert code == 0, err
    assert "acme_key (or $ACME_ACME_KEY)" in client and "key (or $ACME_KEY)" in client


def test_credentials_in_provider_yaml_name_the_argument_and_the_variable(make_provider: MakeProvider) -> None:
    settings = (
        "credentials:\n  key: {argument: api_key, env: ACME_TOKEN}\n"
        "  login: {argument: [user, secret], env: [ACME_USER, ACME_SECRET]}\n"
    )
    specs = make_provider({"a.json": _secured(key=API_KEY, login=BASIC), "provider.yaml": settings})
    code, err, client, _ = _generate(specs)
    assert code == 0, err
    assert "api_key (or $ACME_TOKEN): security scheme ``key``" in client
    assert "user, secret (or $ACME_USER, $ACME_SECRET): security scheme ``login``" in client


def test_bad_credentials_are_errors_naming_provider_yaml(make_provider: MakeProvider) -> None:
    settings = (
        "credentials:\n"
        "  key: {argument: timeout, env: ACME_BASE_URL}\n"
        "  login: {argument: user}\n"
        "  nope: {argument: x}\n"
        "  other: {argument: class, env: lower}\n"
    )
    specs = make_provider({"a.json": _secured(key=API_KEY, login=BASIC), "provider.yaml": settings})
    code, err, _, out = _generate(specs)
    assert code == 2 and not Path(out).exists()
    assert err.splitlines() == [
        "specs/acme/provider.yaml#/credentials/other/argument: argument 'class' is not a valid argument name",
        "  hint: use letters, digits and '_', starting with a letter, and not a Python keyword",
        "specs/acme/provider.yaml#/credentials/other/env: env 'lower' is not a valid environment variable name",
        "  hint: use upper-case letters, digits and '_', not starting with a digit",
        "2 errors",
    ]
    specs.joinpath("acme", "provider.yaml").write_text("\n".join(settings.splitlines()[:4]) + "\n")
    code, err, _, _ = _generate(specs)
    assert code == 2 and err.splitlines() == [
        "specs/acme/provider.yaml#/credentials/key/argument: the client argument 'timeout' of security scheme "
        "'key' is taken by the client itself",
        "  hint: choose another name in provider.yaml 'credentials:'",
        "specs/acme/provider.yaml#/credentials/key/env: the environment variable 'ACME_BASE_URL' of security "
        "scheme 'key' is taken by the client itself",
        "  hint: choose another name in provider.yaml 'credentials:'",
        "specs/acme/provider.yaml#/credentials/login/argument: expected 2 names (like 'username', 'password'), got 1",
        "specs/acme/provider.yaml#/credentials/nope: no security scheme 'nope'",
        "  hint: known: 'key', 'login'",
        "4 errors",
    ]


def _readme_call(out: str) -> str:
    text = (Path(out) / "acme" / "README.md").read_text()
    return next(
        line.strip() for line in text.splitlines() if line.strip().startswith(("result = ", "print(client)"))
    )


def test_the_default_readme_example_calls_a_real_method_and_stays_put(make_provider: MakeProvider) -> None:
    pets = fragment("/pets/{id}", operationId="getPet", tags=["pets"],
                    parameters=[{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}])  # fmt: skip
    specs = make_provider({"a.json": pets})
    code, err, _, out = _generate(specs)
    assert code == 0, err
    assert _readme_call(out) == "result = client.pets.get_pet('id')"  # no GET without arguments: placeholders
    make_provider({"b.json": fragment("/zoo", operationId="listZoo", tags=["zoo"])})
    code, err, _, out = _generate(specs)
    assert (
        code == 0 and _readme_call(out) == "result = client.pets.get_pet('id')"
    )  # a new endpoint: no change
    (specs / "acme" / "a.json").unlink()
    make_provider({"c.json": fragment("/animals", operationId="listAnimals", tags=["animals"])})
    code, err, _, out = _generate(specs)
    assert (
        code == 0 and _readme_call(out) == "result = client.animals.list_animals()"
    )  # the one shown is gone
    assert json.loads((Path(out) / "acme" / "names.json").read_text())["example"] == "GET /animals"
    make_provider({"d.json": fragment("/aardvarks", operationId="listAardvarks", tags=["aardvarks"])})
    for _ in range(2):  # stays put, and a regeneration is a fixed point (check passes)
        code, err, _, out = _generate(specs)
        assert code == 0 and _readme_call(out) == "result = client.animals.list_animals()"


def test_the_starter_provider_yaml_lists_every_key_and_each_is_valid_uncommented() -> None:
    config, _ = parse_config("acme", None, Origin("specs/acme/provider.yaml"))
    text = provider_yaml(config)
    assert set(KEY_LINES) == set(TOP_KEYS)
    for key in TOP_KEYS:
        assert f"\n# {key}:" in text, key
    uncommented = "\n".join(line[2:] for line in text.splitlines()[3:])
    data = yaml.safe_load(uncommented)
    assert list(data) == list(TOP_KEYS)
    parsed, problems = parse_config("acme", data, Origin("specs/acme/provider.yaml"))
    assert problems == [] and parsed.env_prefix == "ACME" and len(parsed.sources) == 2


def test_new_creates_the_folder_and_refuses_what_exists(tmp_path: Path) -> None:
    specs = tmp_path / "specs"

    def run(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(cli, ["--specs-dir", str(specs), *args])
        return result.exit_code, result.stdout, result.stderr

    code, out, err = run("new", "acme")
    assert (code, err) == (0, "") and out.splitlines()[0] == f"created: {specs.as_posix()}/acme/provider.yaml"
    assert "import-docs PAGE -p acme" in out
    text = (specs / "acme" / "provider.yaml").read_text()
    assert "# env_prefix: ACME  #" in text and "# client: Acme  #" in text
    code, out, err = run("init", "acme")
    assert code == 2 and err.startswith(f"{specs.as_posix()}/acme#: already exists")
    code, _, err = run("new", "../evil")
    assert code == 2 and "provider name '../evil' is not a plain folder name" in err
    code, _, err = run("new", "shop", "--source", "ftp://x/spec.json")
    assert (
        code == 2 and "shop/provider.yaml#/sources/0: expected an http(s) URL, got 'ftp://x/spec.json'" in err
    )
    assert sorted(p.name for p in specs.iterdir()) == ["acme"]
    code, out, _ = run("new", "shop", "--source", "https://shop.dev/openapi.json")
    assert code == 0 and "python -m generator update" in out
    assert "\nsources:  #" in (specs / "shop" / "provider.yaml").read_text()
    assert "  - https://shop.dev/openapi.json\n" in (specs / "shop" / "provider.yaml").read_text()
