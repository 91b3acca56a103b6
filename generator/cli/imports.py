"""``import-docs`` and ``import-spec``: a documentation page or a whole spec into fragment files."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import bad_input, check_provider_name, cli, writing
from generator.diagnostics import SpecError
from generator.emit.write import write_files
from generator.spec.load import page_fragments, read_text, read_whole_spec
from generator.spec.splitting import split_fragments, split_spec


@cli.command("import-docs")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", "-p", required=True, help="Provider folder to write the fragments to.")
@click.pass_obj
def import_docs(obj: dict[str, Path], page: Path, provider: str) -> None:
    """Split a documentation PAGE into one fragment file per endpoint in specs/PROVIDER/."""
    try:
        check_provider_name(obj["specs_dir"], provider)
        fragments, problems = page_fragments(read_text(page, page.name), page.name)
        errors = [p for p in problems if p.severity == "error"]
        if errors or not fragments:
            raise SpecError(errors or problems)
        files = split_fragments(fragments)
    except SpecError as error:
        bad_input(error)
        return
    folder = obj["specs_dir"] / provider
    changed = writing(folder, lambda: write_files(folder, files))
    for name in sorted(files):
        state = "written" if name in changed else "unchanged"
        click.echo(f"{state}: {folder.as_posix()}/{name}")


@cli.command("import-spec")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", "-p", required=True, help="Provider folder to write the fragments to.")
@click.pass_obj
def import_spec(obj: dict[str, Path], spec: Path, provider: str) -> None:
    """Split a whole OpenAPI SPEC (.json/.yaml) into one fragment file per operation in specs/PROVIDER/."""
    try:
        check_provider_name(obj["specs_dir"], provider)
        files = split_spec(*read_whole_spec(spec))
    except SpecError as error:
        bad_input(error)
        return
    folder = obj["specs_dir"] / provider
    changed = writing(folder, lambda: write_files(folder, files))
    click.echo(f"{provider}: {len(files)} fragments ({len(changed)} written) in {folder.as_posix()}/")
