"""``new`` (also ``init``): start a provider folder with a commented ``provider.yaml``."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import bad_input, check_provider_name, cli, print_diagnostics, writing
from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.emit.write import write_files
from generator.spec.config import parse_config
from generator.spec.load import CONFIG_FILE
from generator.spec.starter import provider_yaml

__all__ = ["new"]


@click.command("new")
@click.argument("provider")
@click.option("--source", "sources", multiple=True, metavar="URL",
              help="A vendor page or spec URL to list under sources: (repeatable).")  # fmt: skip
@click.pass_obj
def new(obj: dict[str, Path], provider: str, sources: tuple[str, ...]) -> None:
    """Create specs/PROVIDER/ with a provider.yaml listing every setting, commented out."""
    folder = obj["specs_dir"] / provider
    shown = f"{obj['specs_dir'].as_posix()}/{provider}"
    try:
        check_provider_name(obj["specs_dir"], provider)
        if folder.exists() or folder.is_symlink():
            raise SpecError([Diagnostic(Origin(shown), "already exists",
                                        hint="edit its provider.yaml, or choose another name")])  # fmt: skip
        config, problems = parse_config(
            provider, {"sources": list(sources)}, Origin(f"{shown}/{CONFIG_FILE}")
        )
        if [p for p in problems if p.origin.pointer.startswith("/sources")]:
            raise SpecError([p for p in problems if p.origin.pointer.startswith("/sources")])
    except SpecError as error:
        bad_input(error)
        return
    text = provider_yaml(config, sources)
    writing(folder, lambda: write_files(folder, {CONFIG_FILE: text}))
    print_diagnostics([Diagnostic(p.origin, p.message, p.hint, "warning") for p in problems])
    click.echo(f"created: {shown}/{CONFIG_FILE}")
    how = "python -m generator update" if sources else f"python -m generator import-docs PAGE -p {provider}"
    click.echo(
        f"next: add fragments ({how}), then python -m generator validate -p {provider} and make generate"
    )


cli.add_command(new)
cli.add_command(new, "init")
