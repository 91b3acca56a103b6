"""The command line: ``python -m generator COMMAND``. The only module that prints or exits.

Exit codes: 0 fine, 1 ``check`` found drift (or ``diff-api --fail-on-breaking`` a breaking
change), 2 bad input (every problem printed, sorted, each as
``specs/<provider>/<file>#<pointer>: <message>``), 3 an internal error (a bug: a short message
asks for a report; ``OPENAPI_FRAGMENTS_TRACEBACK=1`` adds the traceback). Colour only on a terminal.
"""

from __future__ import annotations

import difflib
import json

import os
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.review.diff_api import Change, diff_api, parse_document, render_json, render_report
from generator.spec.config import check_folder
from generator.spec.load import page_fragments, discover_providers, read_text, read_whole_spec
from generator.model.history import read_history
from generator.pipeline import ValidSpec, build_package, load_valid_spec
from generator.spec.quirks import HTTP_METHODS
from generator.spec.splitting import dump_json, split_fragments, split_spec
from generator.emit.write import diff_tree, refuse_links, write_file, write_files, write_tree

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


_QUIET = "openapi_fragments.quiet"


def _print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    context = click.get_current_context(silent=True)
    quiet = context is not None and context.meta.get(_QUIET, False)
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity == "warning":
            continue
        colour = "yellow" if diagnostic.severity == "warning" else "red"
        click.secho(diagnostic.format(), err=True, fg=colour)


def _bad_input(error: SpecError) -> None:
    _print_diagnostics(error.diagnostics)
    count = len(error.diagnostics)
    click.secho(f"{count} error{'s' if count != 1 else ''}", err=True, fg="red", bold=True)
    sys.exit(2)


T = TypeVar("T")


def _writing(target: Path, write: Callable[[], T]) -> T:
    """Run ``write``; a link in the way or an OS error (a file where a folder goes...) is bad input."""
    try:
        return write()
    except SpecError as error:
        _bad_input(error)
        raise  # not reached: _bad_input exits
    except OSError as exc:
        failed = f" {exc.filename}" if exc.filename and Path(exc.filename) != target else ""
        _bad_input(
            SpecError([Diagnostic(Origin(target.as_posix()), f"cannot write{failed}: {exc.strerror or exc}")])
        )
        raise  # not reached


def _check_provider_name(specs_dir: Path, provider: str) -> None:
    """``-p`` of the import commands is one plain folder name, as for ``generate``."""
    bad_name = check_folder(provider, Origin(f"{specs_dir.name}/{provider}"))
    if bad_name:
        raise SpecError(bad_name)


def _providers(specs_dir: Path, chosen: Sequence[str]) -> list[str]:
    known = discover_providers(specs_dir)
    found = chosen or known
    if not found:
        raise click.UsageError(f"no provider folders in {specs_dir}/")
    unknown = [name for name in chosen if name not in known and not check_folder(name, Origin(name))]
    if unknown:
        _bad_input(SpecError([
            Diagnostic(Origin(f"{specs_dir.as_posix()}/{name}"), "no such provider folder",
                       hint=f"did you mean {', '.join(map(repr, close))}?" if close else "known: " + ", ".join(known[:12]))
            for name in unknown for close in [difflib.get_close_matches(name, known, n=3)]
        ]))  # fmt: skip
    return list(found)


def _counts(spec: ValidSpec) -> tuple[int, int]:
    paths = spec.merged.document.get("paths", {})
    operations = sum(1 for item in paths.values() for m in HTTP_METHODS if m in item)
    return len(paths), operations


def _format_option(func: F, plain: str = "text") -> F:
    return click.option("--format", "output_format", type=click.Choice([plain, "json"]), default=plain,
                        show_default=True, help=f"{plain} for people, json for bots and editors (docs/reviewing.md).")(func)  # fmt: skip


def _report_format_option(func: F) -> F:
    return _format_option(func, "markdown")


def _strict_option(func: F) -> F:
    return click.option("--strict", is_flag=True, help="Treat quirk warnings as errors.")(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="openapi-fragments-generator", prog_name="openapi-fragments")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only, no warnings.")
@click.option("--specs-dir", type=click.Path(path_type=Path), default=Path("specs"),
              show_default=True, help="Folder holding one folder of fragments per provider.")  # fmt: skip
@click.option("--out-dir", type=click.Path(path_type=Path), default=Path("generated"),
              show_default=True, help="Folder the generated packages are written to.")  # fmt: skip
@click.pass_context
def cli(ctx: click.Context, quiet: bool, specs_dir: Path, out_dir: Path) -> None:
    """Turn per-endpoint OpenAPI fragments into typed Python client packages."""
    ctx.obj = {"specs_dir": specs_dir, "out_dir": out_dir}
    ctx.meta[_QUIET] = quiet
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":  # https://no-color.org
        ctx.color = False


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@_format_option
@_strict_option
@click.pass_obj
def validate(obj: dict[str, Path], providers: tuple[str, ...], output_format: str, strict: bool) -> None:
    """Load, merge and validate each provider's fragments."""
    problems: list[Diagnostic] = []
    found: list[Diagnostic] = []
    for name in _providers(obj["specs_dir"], providers):
        try:
            spec = load_valid_spec(obj["specs_dir"], name, strict=strict)
        except SpecError as error:
            problems += error.diagnostics
            continue
        found += spec.warnings
        if output_format == "text":
            _print_diagnostics(spec.warnings)
            paths, operations = _counts(spec)
            click.echo(f"ok: {name}: {paths} paths, {operations} operations")
    if output_format == "json":  # docs/reviewing.md: one object per diagnostic, errors and warnings
        click.echo(json.dumps({"version": 1, "diagnostics": [
            {"file": d.origin.file, "pointer": d.origin.pointer, "severity": d.severity, "message": d.message,
             "hint": d.hint} for d in sorted({*problems, *found})]}, indent=2, ensure_ascii=False))  # fmt: skip
        sys.exit(2 if problems else 0)
    if problems:
        _bad_input(SpecError(problems))


@cli.command()
@click.option("--provider", "-p", required=True, help="Provider folder.")
@click.option("--output", "-o", type=click.Path(path_type=Path), help="Write to FILE instead of stdout.")
@_strict_option
@click.pass_obj
def merge(obj: dict[str, Path], provider: str, output: Path | None, strict: bool) -> None:
    """Print the merged, validated spec of one provider as JSON."""
    try:
        spec = load_valid_spec(obj["specs_dir"], provider, strict=strict)
    except SpecError as error:
        _bad_input(error)
        return
    _print_diagnostics(spec.warnings)
    text = dump_json(spec.merged.document)
    if output is None:
        click.echo(text, nl=False)
    else:
        _writing(output, lambda: write_file(output, text))


@cli.command("import-docs")
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--provider", "-p", required=True, help="Provider folder to write the fragments to.")
@click.pass_obj
def import_docs(obj: dict[str, Path], page: Path, provider: str) -> None:
    """Split a documentation PAGE into one fragment file per endpoint in specs/PROVIDER/."""
    try:
        _check_provider_name(obj["specs_dir"], provider)
        fragments, problems = page_fragments(read_text(page, page.name), page.name)
        errors = [p for p in problems if p.severity == "error"]
        if errors or not fragments:
            raise SpecError(errors or problems)
        files = split_fragments(fragments)
    except SpecError as error:
        _bad_input(error)
        return
    folder = obj["specs_dir"] / provider
    changed = _writing(folder, lambda: write_files(folder, files))
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
        _check_provider_name(obj["specs_dir"], provider)
        files = split_spec(*read_whole_spec(spec))
    except SpecError as error:
        _bad_input(error)
        return
    folder = obj["specs_dir"] / provider
    changed = _writing(folder, lambda: write_files(folder, files))
    click.echo(f"{provider}: {len(files)} fragments ({len(changed)} written) in {folder.as_posix()}/")


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
    for name in _providers(obj["specs_dir"], providers):
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
        _print_diagnostics(spec.warnings)
        built.append((name, spec, files))
    if problems:
        _bad_input(SpecError(problems))
    return built


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@_strict_option
@click.pass_obj
def generate(obj: dict[str, Path], providers: tuple[str, ...], strict: bool) -> None:
    """Generate generated/<provider>/ for each provider (atomically; stale files are deleted)."""
    for name, spec, files in _build_all(obj, providers, strict):
        history = read_history(obj["out_dir"] / name, f"{obj['out_dir'].as_posix()}/{name}")
        changes = diff_api(
            _previous_or_empty(obj["out_dir"], name), spec.merged.document, spec.config, history
        )
        folder = obj["out_dir"] / name
        change = _writing(folder, lambda: write_tree(folder, files))
        click.echo(f"{name}: {len(change.written)} written, {len(change.unchanged)} unchanged, "
                   f"{len(change.deleted)} deleted; {_api_summary(changes)}")  # fmt: skip


@cli.command()
@click.option(
    "--provider", "-p", "providers", multiple=True, help="Provider folder (repeatable); default: all."
)
@_strict_option
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
            _bad_input(error)
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


# diff-api: the API change report (docs/reviewing.md) and the API part of generate's summary.


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


def _previous_or_empty(out_dir: Path, name: str) -> dict[str, Any]:
    """For generate: an unreadable old ``openapi.json`` is about to be replaced, so it counts as none."""
    try:
        return _previous_document(out_dir, name, None)
    except SpecError:
        return {}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def _api_summary(changes: Sequence[Change]) -> str:
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
@_report_format_option
@_strict_option
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
    for name in _providers(obj["specs_dir"], providers):
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
        _print_diagnostics(spec.warnings)
        reports.append((name, diff_api(old, spec.merged.document, spec.config, history)))
    if problems:
        _bad_input(SpecError(problems))
    click.echo(render_json(reports) if output_format == "json" else render_report(reports), nl=False)
    if fail_on_breaking and any(change.breaking for _, changes in reports for change in changes):
        sys.exit(1)


INTERNAL_ERROR = 3


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; an unexpected error is a short report request and exit code 3."""
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="python -m generator")
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException is a BaseException
        if os.environ.get("OPENAPI_FRAGMENTS_TRACEBACK"):
            traceback.print_exc()
        click.secho(f"internal error: {type(exc).__name__}: {str(exc)[:300]}", err=True, fg="red", bold=True)
        click.echo("This is a bug in the generator, not a problem of your input. Please report it with the "
                   "command and the specs that caused it (OPENAPI_FRAGMENTS_TRACEBACK=1 prints the "
                   "traceback).", err=True)  # fmt: skip
        sys.exit(INTERNAL_ERROR)
