"""The error-message excerpt: bounded work on huge bodies, secrets masked even when cut."""

from __future__ import annotations

import pytest

from generator._runtime import credentials
from generator._runtime.base import MASK

SECRET = "sk-0123456789abcdef"


def test_only_the_start_of_a_huge_body_is_looked_at():
    body = b"word " * 10_000_000
    excerpt = credentials.excerpt(body, (SECRET,))
    assert excerpt == ": " + ("word " * 40)[:197] + "..."


def test_a_short_text_from_a_truncated_window_still_ends_with_dots():
    body = b"short" + b" " * credentials._EXCERPT_WINDOW + b"more"
    assert credentials.excerpt(body) == ": short..."


@pytest.mark.parametrize("start", range(150, 200))
def test_a_secret_split_by_the_cut_shows_at_most_three_characters(start):
    body = ("x" * start + SECRET + " trailing text").encode()
    excerpt = credentials.excerpt(body, (SECRET,))
    pieces = {SECRET[i : i + 4] for i in range(len(SECRET) - 3)}
    assert not any(piece in excerpt for piece in pieces), excerpt
    assert len(excerpt) <= 2 + 200 + len(MASK)


def test_whole_secrets_are_masked_before_whitespace_is_collapsed():
    assert credentials.excerpt(f"bad key\n  {SECRET}".encode(), (SECRET,)) == f": bad key {MASK}"


def test_text_that_merely_ends_like_a_secret_prefix_of_three_is_kept():
    body = ("y" * 194 + "sk-" + "z" * 10).encode()
    assert credentials.excerpt(body, (SECRET,)).endswith("sk-...")
