"""Reviewing a regeneration: the API change report (``diff_api``)."""
