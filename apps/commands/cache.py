"""`tadka cache stats|clear`: the teacher request cache (cache/teacher.db) of a workspace.

The cache is what makes a killed `tadka generate` resume without paying twice; `stats` shows what
it holds and what it cost, `clear` forgets answers (all, one model's, or older ones) so the next
run asks again.
"""

from __future__ import annotations

import datetime as dt
import json
import time

import click

from tadka.cli_options import workspace_option


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "-"


@click.group("cache")
def command() -> None:
    """The teacher request cache (cache/teacher.db): what is stored, and forgetting it.

    \b
    Example:
      tadka cache stats
      tadka cache clear --model gpt-4o-mini --yes
    """


@command.command()
@workspace_option()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def stats(workspace: str | None, as_json: bool) -> None:
    """Answers stored, per model, their tokens and what they cost when bought; open Batch API jobs.

    \b
    Example:
      tadka cache stats --json
    """
    from tadka.teachercache import TeacherCache
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    cache = TeacherCache(ws.teacher_db)
    try:
        s = cache.stats()
    finally:
        cache.close()
    if as_json:
        click.echo(json.dumps(s.to_dict(), indent=2))
        return
    click.echo(f"{ws.teacher_db}: {s.entries} answers, {s.bytes / 1e6:.1f} MB")
    click.echo(f"  tokens: {s.prompt_tokens:,} prompt + {s.completion_tokens:,} completion; paid ${s.cost_usd:,.4f}")
    click.echo(f"  stored: {_when(s.oldest)} .. {_when(s.newest)}; open batches: {s.open_batches}")
    for model, n in s.by_model.items():
        click.echo(f"  {model}: {n}")
    for note in s.notes:  # e.g. the structured-output step a server accepts (`cache clear` forgets it)
        click.echo(
            f"  endpoint {note['endpoint']} {note['model']}: {note['name']} = {note['value']} "
            f"(since {_when(note['updated_at'])})"
        )


@command.command()
@workspace_option()
@click.option("--model", default=None, help="Only this model's answers.")
@click.option(
    "--older-than", "older_than", type=float, default=None, help="Only answers stored more than this many days ago."
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def clear(workspace: str | None, model: str | None, older_than: float | None, yes: bool) -> None:
    """Forget cached answers (all of them unless --model / --older-than narrow it down).

    \b
    Example:
      tadka cache clear --yes
      tadka cache clear --older-than 30
    """
    from tadka.errors import ConfigError
    from tadka.teachercache import TeacherCache
    from tadka.workspace import open_workspace

    if older_than is not None and older_than < 0:
        raise ConfigError(f"must be 0 or more, got {older_than:g}", field="--older-than")
    ws = open_workspace(workspace)
    what = "all cached answers" if model is None and older_than is None else "the matching cached answers"
    if not yes and not click.confirm(f"Delete {what} from {ws.teacher_db}?", default=False):
        click.echo("nothing deleted")
        return
    cache = TeacherCache(ws.teacher_db)
    try:
        before = time.time() - older_than * 86400 if older_than is not None else None
        n = cache.clear(model=model, before=before)
    finally:
        cache.close()
    click.echo(f"deleted {n} cached answers")
