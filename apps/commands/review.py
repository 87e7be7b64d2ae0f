"""`tadka review [WORKSPACE]`: start the review app (Streamlit) on loopback.

Importing this module registers the ``review:`` section of tadka.yaml (tadka.review_config, no
streamlit), so `tadka init` renders it; streamlit itself is imported only when the command runs.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
from dataclasses import asdict
from pathlib import Path

import click

from tadka.review_config import ORDERS, ReviewConfig, check_review_config  # noqa: F401  (registers review:)

APP = Path(__file__).resolve().parent.parent / "review" / "app.py"


def _warm(ws, stage: str) -> None:
    from tadka.review_index import StageIndex

    StageIndex.cached(ws, stage)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("review")
@click.argument("workspace", required=False, type=click.Path(file_okay=False))
@click.option("-w", "--workspace", "workspace_opt", type=click.Path(file_okay=False), default=None,
              help="Same as WORKSPACE.")
@click.option("--stage", default=None, help="Stage to review [review.stage: latest].")
@click.option("--reviewer", default=None, help="Your name [review.reviewer: ask in the app].")
@click.option("--host", default=None, help="Address to bind [review.host: 127.0.0.1].")
@click.option("--port", type=int, default=None, help="Port [review.port: 8501].")
@click.option("--order", type=click.Choice(ORDERS), default=None, help="Queue order [review.order: quality].")
@click.option("--overlap", type=float, default=None,
              help="Share of records double-reviewed for agreement [review.overlap: 0].")
def command(workspace, workspace_opt, stage, reviewer, host, port, order, overlap) -> None:
    """Review records in the browser: queue (keyboard), browse, dashboard, export.

    Binds to 127.0.0.1 unless --host says otherwise. Decisions go to review.db (WAL); two reviewers
    never silently overwrite each other.

    \b
    Example:
      tadka review my-project --reviewer asha
      tadka review --stage curated --order uncertainty --port 8600
    """
    from tadka.apps.cli import _workspace
    from tadka.config import override

    ws = _workspace(workspace or workspace_opt)
    cfg = override(ws.config["review"], {"stage": stage, "reviewer": reviewer, "host": host, "port": port,
                                         "order": order, "overlap": overlap}, "review")
    check_review_config(cfg)
    stage = cfg.stage or ws.latest_stage()
    ws.dataset(stage)  # a missing stage is a one-line error here, not a page in the browser
    os.environ.update({
        "TADKA_REVIEW_WORKSPACE": str(ws.root),
        "TADKA_REVIEW_STAGE": stage,
        "TADKA_REVIEW_REVIEWER": cfg.reviewer,
        "TADKA_REVIEW_CONFIG": json.dumps(asdict(cfg)),
    })
    if not _is_loopback(cfg.host):
        click.echo(f"warning: binding to {cfg.host}: anyone who can reach it can review (the app has no login)",
                   err=True)
    click.echo(f"tadka review: http://{cfg.host}:{cfg.port}  (workspace {ws.root}, stage '{stage}'; Ctrl+C stops)")
    # The server runs in this process: build the stage index while Streamlit starts, so the first page is quick.
    threading.Thread(target=_warm, args=(ws, stage), name="tadka-review-warmup", daemon=True).start()
    from streamlit.web import cli as streamlit_cli

    streamlit_cli.main([
        "run", str(APP),
        "--server.address", cfg.host, "--server.port", str(cfg.port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        "--global.developmentMode", "false", "--client.toolbarMode", "minimal",
    ], prog_name="streamlit", standalone_mode=True)
