"""``diff-api``: the API change report (docs/reviewing.md), and the API part of generate's summary."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from generator.cli.common import (
    bad_input,
    cli,
    print_diagnostics,
    providers_of,
    report_format_option,
    strict_option,
)
from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.emit.write import refuse_links
from generator.model.history import read_history
from generator.pipeline import load_valid_spec
from generator.review.diff_api import Change, diff_api, parse_document, render_json, render_report
from generator.spec.load import read_text


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True,
                              encoding="utf-8", check=False)  # fmt: skip
    except OSError as exc:
        raise SpecError([Diagnostic(Origin(str(folder)), f"cannot run git: {exc.strerror}")]) from None


def _git_text(out_dir: Path, name: str, base: str, shown: str) -> str | None:
    """``<out_dir>/<name>/openapi.json`` as it was at ``base``; None when it did not exist there."""
    target = out_dir.resolve() / name / "openapi.json"
    anchor = target.parent
    while not anchor.is_dir():
        anchor = anchor.parent
    if _git(anchor, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        raise SpecError([Diagnostic(Origin(shown), f"unknown git revision {base!r}",
                                    hint="pass a branch, tag or commit of the repository holding it")])  # fmt: skip
    blob = f"{base}:./{target.relative_to(anchor).as_posix()}"
    if _git(anchor, "cat-file", "-e", blob).returncode != 0:
        return None
    result = _git(anchor, "show", blob)
    if result.returncode != 0:
        raise SpecError([Diagnostic(Origin(shown), f"git show {blob} failed: {result.stderr.strip()}")])
    return result.stdout


def _previous_document(out_dir: Path, name: str, base: str | None) -> dict[str, Any]:
    """The generated ``openapi.json`` (at git ``base`` if given); ``{}`` when there is none yet."""
    shown = f"{out_dir.as_posix()}/{name}/openapi.json"
    if base is not None:
        text = _git_text(out_dir, name, base, shown)
        shown = f"{base}:{shown}"
    else:
        path = out_dir / name / "openapi.json"
        refuse_links(out_dir, path.parent, path)
        text = read_text(path, shown) if path.is_file() else None
    return {} if text is None else parse_document(text, shown)


def previous_or_empty(out_dir: Path, name: str) -> dict[str, Any]:
    """For generate: an unreadable old ``openapi.json`` is about to be replaced, so it counts as none."""
    try:
        return _previous_document(out_dir, name, None)
    except SpecError:
        return {}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def api_summary(changes: Sequence[Change]) -> str:
    """``+1 operation, -0 operations`` and, if any, ``; 1 breaking change (run diff-api for details)``."""
    added = sum(1 for change in changes if change.kind == "operation-added")
    removed = sum(1 for change in changes if change.kind == "operation-removed")
    breaking = sum(1 for change in changes if change.breaking)
    text = f"+{_plural(added, 'operation')}, -{_plural(removed, 'operation')}"
    return text + f"; {_plural(breaking, 'breaking change')} (run diff-api for details)" if breaking else text


@cli.command("diff-api")
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@click.option("--base", metavar="GITREF", help="Compare with generated/<provider>/openapi.json at this git "
              "revision instead of the one in the working tree.")  # fmt: skip
@click.option("--fail-on-breaking", is_flag=True, help="Exit 1 when a change breaks callers of the client.")
@report_format_option
@strict_option
@click.pass_obj
def diff_api_command(
    obj: dict[str, Path],
    providers: tuple[str, ...],
    base: str | None,
    fail_on_breaking: bool,
    output_format: str,
    strict: bool,
) -> None:
    """Print, as Markdown, how the API in the specs differs from the generated openapi.json."""
    reports: list[tuple[str, tuple[Change, ...]]] = []
    problems: list[Diagnostic] = []
    for name in providers_of(obj["specs_dir"], providers):
        try:
            spec = load_valid_spec(obj["specs_dir"], name, strict=strict)
            old = _previous_document(obj["out_dir"], name, base)
            # The names the working tree's package gave; with --base, every name is derived afresh.
            history = (
                None if base else read_history(obj["out_dir"] / name, f"{obj['out_dir'].as_posix()}/{name}")
            )
        except SpecError as error:
            problems += error.diagnostics
            continue
        print_diagnostics(spec.warnings)
        reports.append((name, diff_api(old, spec.merged.document, spec.config, history)))
    if problems:
        bad_input(SpecError(problems))
    click.echo(render_json(reports) if output_format == "json" else render_report(reports), nl=False)
    if fail_on_breaking and any(change.breaking for _, changes in reports for change in changes):
        sys.exit(1)
