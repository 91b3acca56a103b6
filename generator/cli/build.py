"""``validate``, ``merge``, ``generate`` and ``check``: the pipeline run for one or more providers."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import click

from generator.cli.common import (
    bad_input,
    cli,
    format_option,
    print_diagnostics,
    providers_of,
    strict_option,
    writing,
)
from generator.cli.review import api_summary, previous_or_empty
from generator.diagnostics import Diagnostic, SpecError
from generator.emit.write import diff_tree, write_file, write_tree
from generator.model.history import read_history
from generator.pipeline import ValidSpec, build_package, load_valid_spec
from generator.review.diff_api import diff_api
from generator.spec.quirks import HTTP_METHODS
from generator.spec.splitting import dump_json


def _counts(spec: ValidSpec) -> tuple[int, int]:
    paths = spec.merged.document.get("paths", {})
    operations = sum(1 for item in paths.values() for m in HTTP_METHODS if m in item)
    return len(paths), operations


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@format_option
@strict_option
@click.pass_obj
def validate(obj: dict[str, Path], providers: tuple[str, ...], output_format: str, strict: bool) -> None:
    """Load, merge and validate each provider's fragments."""
    problems: list[Diagnostic] = []
    found: list[Diagnostic] = []
    for name in providers_of(obj["specs_dir"], providers):
        try:
            spec = load_valid_spec(obj["specs_dir"], name, strict=strict)
        except SpecError as error:
            problems += error.diagnostics
            continue
        found += spec.warnings
        if output_format == "text":
            print_diagnostics(spec.warnings)
            paths, operations = _counts(spec)
            click.echo(f"ok: {name}: {paths} paths, {operations} operations")
    if output_format == "json":  # docs/reviewing.md: one object per diagnostic, errors and warnings
        click.echo(json.dumps({"version": 1, "diagnostics": [
            {"file": d.origin.file, "pointer": d.origin.pointer, "severity": d.severity, "message": d.message,
             "hint": d.hint} for d in sorted({*problems, *found})]}, indent=2, ensure_ascii=False))  # fmt: skip
        sys.exit(2 if problems else 0)
    if problems:
        bad_input(SpecError(problems))


@cli.command()
@click.option("--provider", "-p", required=True, help="Provider folder.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@strict_option
@click.pass_obj
def merge(obj: dict[str, Path], provider: str, output: Path | None, strict: bool) -> None:
    """Print the merged, validated spec of one provider as JSON."""
    try:
        spec = load_valid_spec(obj["specs_dir"], provider, strict=strict)
    except SpecError as error:
        bad_input(error)
        return
    print_diagnostics(spec.warnings)
    text = dump_json(spec.merged.document)
    if output is None:
        click.echo(text, nl=False)
    else:
        writing(output, lambda: write_file(output, text))


class _Progress:
    """Stage and files done of total on one terminal line, only on a terminal, only after a moment."""

    def __init__(self, name: str) -> None:
        self.name, self.started, self.shown = name, time.monotonic(), False
        self.enabled = sys.stderr.isatty()
        self.delay = float(os.environ.get("OPENAPI_FRAGMENTS_PROGRESS_AFTER", "0.5"))

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        count = f" {done}/{total}" if total else ""
        sys.stderr.write(f"\r\x1b[K{self.name}: {stage}{count}")
        sys.stderr.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _build_all(
    obj: dict[str, Path], providers: Sequence[str], strict: bool
) -> list[tuple[str, ValidSpec, dict[str, str]]]:
    built: list[tuple[str, ValidSpec, dict[str, str]]] = []
    problems: list[Diagnostic] = []
    for name in providers_of(obj["specs_dir"], providers):
        progress = _Progress(name)
        try:
            history = read_history(obj["out_dir"] / name, f"{obj['out_dir'].as_posix()}/{name}")
            spec, _, files = build_package(
                obj["specs_dir"], name, strict=strict, progress=progress, history=history
            )
        except SpecError as error:
            problems += error.diagnostics
            continue
        finally:
            progress.close()
        print_diagnostics(spec.warnings)
        built.append((name, spec, files))
    if problems:
        bad_input(SpecError(problems))
    return built


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@strict_option
@click.pass_obj
def generate(obj: dict[str, Path], providers: tuple[str, ...], strict: bool) -> None:
    """Generate generated/<provider>/ for each provider (atomically; stale files are deleted)."""
    for name, spec, files in _build_all(obj, providers, strict):
        history = read_history(obj["out_dir"] / name, f"{obj['out_dir'].as_posix()}/{name}")
        changes = diff_api(
            previous_or_empty(obj["out_dir"], name), spec.merged.document, spec.config, history
        )
        folder = obj["out_dir"] / name
        change = writing(folder, lambda: write_tree(folder, files))
        click.echo(f"{name}: {len(change.written)} written, {len(change.unchanged)} unchanged, "
                   f"{len(change.deleted)} deleted; {api_summary(changes)}")  # fmt: skip


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@strict_option
@click.pass_obj
def check(obj: dict[str, Path], providers: tuple[str, ...], strict: bool) -> None:
    """Regenerate in memory; exit 1 with a unified diff when generated/ is stale, a provider has
    no committed package, or (checking all providers) a package has no provider."""
    stale = False
    built = _build_all(obj, providers, strict)
    if not providers:
        for orphan in _orphans(obj["out_dir"], {name for name, _, _ in built}):
            stale = True
            click.secho(f"{obj['out_dir'].as_posix()}/{orphan}: a generated package with no provider folder in "
                        f"{obj['specs_dir'].as_posix()}/; delete it, or restore the provider", err=True, fg="red")  # fmt: skip
    for name, _, files in built:
        if not (obj["out_dir"] / name).exists():
            stale = True
            click.secho(f"{name}: no committed package in {obj['out_dir'].as_posix()}/{name}; run `make generate` "
                        "and commit it", err=True, fg="red")  # fmt: skip
            continue
        try:
            diff = diff_tree(obj["out_dir"] / name, files, f"{obj['out_dir'].as_posix()}/{name}")
        except SpecError as error:
            bad_input(error)
        if diff:
            stale = True
            click.echo(diff, nl=False)
            click.secho(f"{name}: generated files are stale; run `make generate`", err=True, fg="red")
        else:
            click.echo(f"{name}: up to date")
    if stale:
        sys.exit(1)


def _orphans(out_dir: Path, providers: set[str]) -> list[str]:
    """Entries of the output folder that no provider generates (dot files are ours or the user's)."""
    if not out_dir.is_dir() or out_dir.is_symlink():
        return []
    return sorted(p.name for p in out_dir.iterdir() if not p.name.startswith(".") and p.name not in providers)
