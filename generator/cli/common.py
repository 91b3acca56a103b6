"""What every command shares: the ``cli`` group, its options, and printing diagnostics and exits.

Exit codes: 0 fine, 1 ``check`` found drift (or ``diff-api --fail-on-breaking`` a breaking
change), 2 bad input (every problem printed, sorted, each as
``specs/<provider>/<file>#<pointer>: <message>``), 3 an internal error (a bug: a short message
asks for a report; ``OPENAPI_FRAGMENTS_TRACEBACK=1`` adds the traceback). Colour only on a terminal.
"""

from __future__ import annotations

import difflib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from generator.diagnostics import Diagnostic, Origin, SpecError
from generator.spec.config import check_folder
from generator.spec.load import discover_providers

F = TypeVar("F", bound=Callable[..., Any])


QUIET = "openapi_fragments.quiet"


def print_diagnostics(diagnostics: Sequence[Diagnostic]) -> None:
    context = click.get_current_context(silent=True)
    quiet = context is not None and context.meta.get(QUIET, False)
    for diagnostic in diagnostics:
        if quiet and diagnostic.severity == "warning":
            continue
        colour = "yellow" if diagnostic.severity == "warning" else "red"
        click.secho(diagnostic.format(), err=True, fg=colour)


def bad_input(error: SpecError) -> None:
    print_diagnostics(error.diagnostics)
    count = len(error.diagnostics)
    click.secho(f"{count} error{'s' if count != 1 else ''}", err=True, fg="red", bold=True)
    sys.exit(2)


T = TypeVar("T")


def writing(target: Path, write: Callable[[], T]) -> T:
    """Run ``write``; a link in the way or an OS error (a file where a folder goes...) is bad input."""
    try:
        return write()
    except SpecError as error:
        bad_input(error)
        raise  # not reached: bad_input exits
    except OSError as exc:
        failed = f" {exc.filename}" if exc.filename and Path(exc.filename) != target else ""
        bad_input(
            SpecError([Diagnostic(Origin(target.as_posix()), f"cannot write{failed}: {exc.strerror or exc}")])
        )
        raise  # not reached


def check_provider_name(specs_dir: Path, provider: str) -> None:
    """``-p`` of the import commands is one plain folder name, as for ``generate``."""
    bad_name = check_folder(provider, Origin(f"{specs_dir.name}/{provider}"))
    if bad_name:
        raise SpecError(bad_name)


def providers_of(specs_dir: Path, chosen: Sequence[str]) -> list[str]:
    known = discover_providers(specs_dir)
    found = chosen or known
    if not found:
        raise click.UsageError(f"no provider folders in {specs_dir}/")
    unknown = [name for name in chosen if name not in known and not check_folder(name, Origin(name))]
    if unknown:
        bad_input(SpecError([
            Diagnostic(Origin(f"{specs_dir.as_posix()}/{name}"), "no such provider folder",
                       hint=f"did you mean {', '.join(map(repr, close))}?" if close else "known: " + ", ".join(known[:12]))
            for name in unknown for close in [difflib.get_close_matches(name, known, n=3)]
        ]))  # fmt: skip
    return list(found)


def format_option(func: F, plain: str = "text") -> F:
    return click.option("--format", "output_format", type=click.Choice([plain, "json"]), default=plain,
                        show_default=True, help=f"{plain} for people, json for bots and editors (docs/reviewing.md).")(func)  # fmt: skip


def report_format_option(func: F) -> F:
    return format_option(func, "markdown")


def strict_option(func: F) -> F:
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
    ctx.meta[QUIET] = quiet
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":  # https://no-color.org
        ctx.color = False


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
