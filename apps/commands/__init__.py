"""CLI command groups for each area (lang, generate, curate, review, train, compress).

Each module exposes ``command``, a click command or group; apps/cli.py lists the modules explicitly.
"""
