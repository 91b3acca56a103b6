"""``update``: fetch the ``sources:`` of each provider.yaml and import them in sync mode.

All sources are fetched first (``generator.spec.fetch``); one that fails is an error line naming
provider.yaml, the source's pointer and its URL, and nothing is written (exit 2). Then each is
split (a page as ``import-docs`` does, a spec as ``import-spec``) and planned against the
folder's manifest; any bad content is an error too, again before anything is written. Then each
provider folder is written once and what was added, changed and removed is printed. So
``make update generate`` is the whole refresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import click

from generator.cli.common import bad_input, cli, providers_of, writing
from generator.cli.imports import read_folder, report, split_page
from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.emit.write import sync_files
from generator.spec.config import Source
from generator.spec.documents import ParseError, is_openapi, parse_text
from generator.spec.fetch import Fetched, Request, fetch_all
from generator.spec.load import CONFIG_FILE, parse_whole_spec, read_config
from generator.spec.splitting import split_spec
from generator.spec.sync import MANIFEST_FILE, Manifest, SyncPlan, dump_manifest, plan_sync

__all__ = ["update"]


@dataclass(frozen=True, slots=True)
class _Folder:
    name: str
    path: Path
    sources: tuple[Source, ...]
    current: dict[str, bytes]
    manifest: Manifest


def _kind(source: Source, fetched: Fetched, text: str) -> tuple[str, str]:
    """``(page | spec, json | yaml)``: as provider.yaml says, else by the URL's suffix, the
    content type, or whether the text parses as an OpenAPI document."""
    suffix = PurePosixPath(urlsplit(source.url).path).suffix.lower()
    syntax = "json" if suffix == ".json" or "json" in fetched.content_type else "yaml"
    if source.kind:
        return source.kind, syntax
    if suffix in (".md", ".markdown") or "markdown" in fetched.content_type:
        return "page", syntax
    if suffix in (".json", ".yaml", ".yml") or any(t in fetched.content_type for t in ("json", "yaml")):
        return "spec", syntax
    try:
        return ("spec" if is_openapi(parse_text(text, "yaml")) else "page"), syntax
    except ParseError:
        return "page", syntax


def _folders(specs_dir: Path, chosen: Sequence[str]) -> list[_Folder]:
    folders: list[_Folder] = []
    errors: list[Diagnostic] = []
    for name in providers_of(specs_dir, chosen):
        try:
            config = read_config(specs_dir, name)
            if not config.sources and chosen:
                raise SpecError([Diagnostic(Origin(f"{specs_dir.name}/{name}/{CONFIG_FILE}"), "no 'sources:' to "
                                            "update from", hint="list the URLs of the vendor's documentation pages "
                                            "or spec files under 'sources:'")])  # fmt: skip
            path = specs_dir / name
            current, manifest = read_folder(path, path.as_posix()) if config.sources else ({}, None)
            folders.append(_Folder(name, path, config.sources, current, manifest or Manifest()))
        except SpecError as error:
            errors += error.diagnostics
    if errors:
        bad_input(SpecError(errors))
    return [folder for folder in folders if folder.sources]


def _request(folder: _Folder, source: Source) -> Request:
    """Conditional only while the fragments the validators stand for are all still there."""
    record = folder.manifest.sources.get(source.url)
    if record is None or not all(name in folder.current for name in record.files):
        return Request(source.url)
    return Request(source.url, record.etag, record.last_modified)


def _split(source: Source, fetched: Fetched, text: str) -> dict[str, str]:
    kind, syntax = _kind(source, fetched, text)
    if kind == "page":
        return split_page(text, source.url)
    return split_spec(parse_whole_spec(text, source.url, syntax), source.url)


def _plan(
    folder: _Folder, answers: list[tuple[Source, Fetched]], errors: list[Diagnostic]
) -> list[SyncPlan | Source]:
    """The plan of each fetched source in order (each seeing the ones before it), or the source
    itself when the server said it is not modified."""
    current, manifest = dict(folder.current), folder.manifest
    given: dict[str, tuple[str, str]] = {}  # file -> (source, text) in this run
    plans: list[SyncPlan | Source] = []
    for source, fetched in answers:
        if fetched.text is None:
            plans.append(source)
            continue
        try:
            files = _split(source, fetched, fetched.text)
        except SpecError as error:
            errors += error.diagnostics
            continue
        for name in sorted(n for n in files if n in given and given[n][1] != files[n]):
            errors.append(Diagnostic(Origin(source.url), f"{name} differs from the one {given[name][0]} gives",
                                     hint="the same operation comes from two sources; list only one of them"))  # fmt: skip
        given.update({name: (source.url, text) for name, text in files.items()})
        plan = plan_sync(source.url, files, current, manifest, (fetched.etag, fetched.last_modified))
        current.update({name: text.encode("utf-8") for name, text in files.items()})
        for name in plan.removed:
            current.pop(name, None)
        manifest = plan.manifest or manifest
        plans.append(plan)
    return plans


def _write(folder: _Folder, plans: list[SyncPlan | Source]) -> None:
    done = [plan for plan in plans if isinstance(plan, SyncPlan)]
    if not done:
        return
    files = {name: text for plan in done for name, text in plan.files.items()}
    removed = sorted({name for plan in done for name in plan.removed} - set(files))
    last = done[-1].manifest or Manifest()
    files[MANIFEST_FILE] = dump_manifest(last)
    writing(folder.path, lambda: sync_files(folder.path, files, removed))


@cli.command("update")
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Only these providers (default: all with sources:)."
)
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
              help="Seconds to wait for a connection and for each read.")  # fmt: skip
@click.pass_obj
def update(obj: dict[str, Path], providers: tuple[str, ...], timeout: float) -> None:
    """Fetch the sources: of provider.yaml (pages, whole specs) and import them in sync mode."""
    folders = _folders(obj["specs_dir"], providers)
    if not folders:
        click.echo("nothing to update: no provider.yaml lists sources:")
        return
    jobs = [(folder, source) for folder in folders for source in folder.sources]
    answers = fetch_all([_request(folder, source) for folder, source in jobs], timeout)
    failed = [
        Diagnostic(Origin(f"{obj['specs_dir'].name}/{folder.name}/{CONFIG_FILE}", source.pointer),
                   f"cannot fetch {source.url}: {answer.problem}")
        for (folder, source), answer in zip(jobs, answers) if answer.problem
    ]  # fmt: skip
    if failed:
        bad_input(SpecError(failed))
    errors: list[Diagnostic] = []
    plans = {
        folder.name: _plan(folder, [(s, a) for (f, s), a in zip(jobs, answers) if f is folder], errors)
        for folder in folders
    }
    if errors:
        bad_input(SpecError(errors))
    for folder in folders:
        _write(folder, plans[folder.name])
        for plan, source in zip(plans[folder.name], folder.sources):
            if isinstance(plan, Source):
                click.echo(f"{folder.path.as_posix()} from {source.url}: not modified")
            else:
                report(folder.path.as_posix(), source.url, plan)
