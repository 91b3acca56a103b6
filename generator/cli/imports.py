"""``import-docs`` and ``import-spec``: a documentation page or a whole spec into fragment files.

Both sync by default (``generator.spec.sync``): the files a source gave last time and gives no
longer are deleted, and what was added, changed and removed is printed, files and operations.
``update`` (``generator.cli.update``) uses the same helpers for the sources of provider.yaml.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.cli.common import bad_input, check_provider_name, cli, writing
from generator.diagnostics import SpecError
from generator.emit.write import refuse_links, sync_files
from generator.spec.load import CONFIG_FILE, page_fragments, read_text, read_whole_spec
from generator.spec.splitting import split_fragments, split_spec
from generator.spec.sync import MANIFEST_FILE, Manifest, SyncPlan, dump_manifest, parse_manifest, plan_sync

F = TypeVar("F", bound=Callable[..., Any])


def sync_option(func: F) -> F:
    return click.option("--sync/--no-sync", default=None, help="Delete the fragments this source gave last time "
                        "and no longer gives (default: on when the folder is new or holds .imported.json).")(func)  # fmt: skip


def read_folder(folder: Path, shown: str) -> tuple[dict[str, bytes], Manifest | None]:
    """The fragment files directly in ``folder`` and its manifest (None when it has none)."""
    refuse_links(folder)
    if not folder.is_dir():
        return {}, None
    current: dict[str, bytes] = {}
    for path in sorted(folder.iterdir()):
        if (
            not path.name.startswith(".")
            and path.name != CONFIG_FILE
            and path.is_file()
            and not path.is_symlink()
        ):
            current[path.name] = path.read_bytes()
    manifest_path = folder / MANIFEST_FILE
    refuse_links(manifest_path)
    if not manifest_path.is_file():
        return current, None
    return current, parse_manifest(
        read_text(manifest_path, f"{shown}/{MANIFEST_FILE}"), f"{shown}/{MANIFEST_FILE}"
    )


def sync_manifest(
    sync: bool | None, current: Mapping[str, bytes], manifest: Manifest | None
) -> Manifest | None:
    """The manifest to update, or None for no sync: on by default when the folder has a manifest
    or no fragments yet (a folder of hand-written fragments is left alone unless ``--sync``)."""
    if sync is None:
        sync = manifest is not None or not current
    return (manifest or Manifest()) if sync else None


def apply_plan(folder: Path, plan: SyncPlan) -> None:
    files = dict(plan.files)
    if plan.manifest is not None:
        files[MANIFEST_FILE] = dump_manifest(plan.manifest)
    writing(folder, lambda: sync_files(folder, files, plan.removed))


def report(shown: str, source: str, plan: SyncPlan) -> None:
    """Files and operations added, changed and removed, then one summary line."""
    for state, names in (("added", plan.added), ("changed", plan.changed), ("removed", plan.removed)):
        for name in names:
            click.echo(f"{state}: {shown}/{name}")
    for state in ("added", "changed", "removed"):
        for operation in plan.operations[state]:
            click.echo(f"operation {state}: {operation}")
    counts = f"{len(plan.added)} added, {len(plan.changed)} changed, {len(plan.removed)} removed, "
    mode = "" if plan.manifest is not None else " (not synced: nothing removed, no .imported.json)"
    click.echo(f"{shown} from {source}: {counts}{len(plan.unchanged)} unchanged{mode}")


def _import(obj: dict[str, Path], provider: str, source: str, split: Callable[[], dict[str, str]],
            sync: bool | None) -> None:  # fmt: skip
    folder = obj["specs_dir"] / provider
    shown = folder.as_posix()
    try:
        check_provider_name(obj["specs_dir"], provider)
        files = split()
        current, manifest = read_folder(folder, shown)
    except SpecError as error:
        bad_input(error)
        return
    plan = plan_sync(source, files, current, sync_manifest(sync, current, manifest))
    apply_plan(folder, plan)
    report(shown, source, plan)


def split_page(text: str, shown: str) -> dict[str, str]:
    fragments, problems = page_fragments(text, shown)
    errors = [p for p in problems if p.severity == "error"]
    if errors or not fragments:
        raise SpecError(errors or problems)
    return split_fragments(fragments)


@cli.command("import-docs")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", "-p", required=True, help="Provider folder to write the fragments to.")
@sync_option
@click.pass_obj
def import_docs(obj: dict[str, Path], page: Path, provider: str, sync: bool | None) -> None:
    """Split a documentation PAGE into one fragment file per endpoint in specs/PROVIDER/."""
    _import(obj, provider, page.name, lambda: split_page(read_text(page, page.name), page.name), sync)


@cli.command("import-spec")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", "-p", required=True, help="Provider folder to write the fragments to.")
@sync_option
@click.pass_obj
def import_spec(obj: dict[str, Path], spec: Path, provider: str, sync: bool | None) -> None:
    """Split a whole OpenAPI SPEC (.json/.yaml) into one fragment file per operation in specs/PROVIDER/."""
    _import(obj, provider, spec.name, lambda: split_spec(*read_whole_spec(spec)), sync)
