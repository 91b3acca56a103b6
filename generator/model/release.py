"""Release metadata of a generated package: licence, classifiers, project URLs, maintainers.

Takes the merged document's ``info`` and ``externalDocs`` and returns
:class:`~generator.model.ir.Release`, which ``pyproject.toml`` prints. Spec text is hostile
(quotes, newlines, TOML syntax, ``javascript:`` links), and a value that reaches the package's
core metadata (``PKG-INFO``) unchecked can break the build or forge a header, so a value is kept
only when it is what it claims to be, else left out:

- ``summary``: "Typed Python client for the <title>" on one line, control characters dropped
  (setuptools cuts a summary at its first line break, with a warning).
- ``license``: ``info.license.identifier`` (3.1), else ``info.license.name`` (3.0 has no
  identifier), when ``packaging`` accepts it as an SPDX licence expression; printed canonical
  (``mit`` -> ``MIT``) as PEP 639's ``license = "MIT"``. A name that is not an SPDX expression
  (``Apache 2.0``, ``Proprietary``) is left out: setuptools 77+ warns that the older
  ``license = {text = ...}`` table is deprecated. No licence classifier: setuptools refuses one
  next to a licence expression.
- ``urls``: ``Documentation`` from the top-level ``externalDocs.url``, ``Support`` from
  ``info.contact.url``, ``License`` from ``info.license.url``; http(s) URLs of printable ASCII only.
- ``maintainers``: ``info.contact.email`` when it looks like an address, with
  ``info.contact.name`` when that is plain words.
- ``classifiers``: the same three for every package.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from generator.model.collect import spec_text
from generator.model.ir import Release

__all__ = ["CLASSIFIERS", "release_of"]

CLASSIFIERS = ("Intended Audience :: Developers", "Programming Language :: Python :: 3", "Typing :: Typed")
_URL = re.compile(
    r"https?://[!#-;=?-\[\]_a-z~]+", re.IGNORECASE | re.ASCII
)  # printable, no " < > \ ^ ` { | }
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII)
_NAME = re.compile(r"[\w .'&-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_LIMIT = 500  # longer values are not a licence, URL or name


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _license(text: str) -> str:
    if not text or len(text) > _LIMIT or not text.isascii():
        return ""
    try:
        return str(canonicalize_license_expression(text))
    except InvalidLicenseExpression:
        return ""


def _url(value: object) -> str:
    text = spec_text(value)
    if len(text) > _LIMIT or not _URL.fullmatch(text):
        return ""
    try:
        parts = urlsplit(text)
        valid = parts.port is None or parts.port > 0  # .port raises ValueError out of range
    except ValueError:  # an unclosed IPv6 bracket, a port out of range
        return ""
    return text if valid and parts.hostname and not parts.username and not parts.password else ""


def _maintainers(contact: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    email = spec_text(contact.get("email"))
    if len(email) > _LIMIT or not _EMAIL.fullmatch(email):
        return ()
    name = spec_text(contact.get("name"))
    return ((name if len(name) <= 100 and _NAME.fullmatch(name) else "", email),)


def release_of(document: dict[str, Any], title: str) -> Release:
    """The checked release metadata of ``document``, whose package is titled ``title``."""
    info = _mapping(document.get("info"))
    licence, contact = _mapping(info.get("license")), _mapping(info.get("contact"))
    identifier = _license(spec_text(licence.get("identifier")))
    urls = {
        "Documentation": _url(_mapping(document.get("externalDocs")).get("url")),
        "License": _url(licence.get("url")),
        "Support": _url(contact.get("url")),
    }
    return Release(
        summary=" ".join(_CONTROL.sub(" ", f"Typed Python client for the {title}").split()),
        license=identifier or _license(spec_text(licence.get("name"))),
        urls=tuple((label, url) for label, url in sorted(urls.items()) if url),
        maintainers=_maintainers(contact),
        classifiers=CLASSIFIERS,
    )
