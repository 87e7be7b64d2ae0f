"""`tadka review [WORKSPACE]`: start the review app (Streamlit); `tadka review users …`: its accounts.

Importing this module registers the ``review:`` section of tadka.yaml (tadka.review.config, no
streamlit), so `tadka init` renders it; streamlit itself is imported only when the server starts.
On loopback the app is single-user; bound anywhere else it requires accounts (name, role, scrypt-hashed
password in review.db), and the server refuses to start until an admin account exists.
"""

from __future__ import annotations

import getpass
import sys
import threading
from pathlib import Path

import click

from tadka.cli_options import config_option, flag_name, workspace_option
from tadka.review.config import ORDERS, ReviewConfig, is_loopback  # noqa: F401  (registers review:)

APP = Path(__file__).resolve().parent.parent / "review" / "app.py"
_is_loopback = is_loopback  # the name tests and callers used before it moved to the core


def _warm(ws, stage: str) -> None:
    from tadka.review.index import StageIndex

    StageIndex.cached(ws, stage)


class _ReviewGroup(click.Group):
    """`tadka review ARGS` serves the app; `tadka review users …` manages accounts."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = ["serve", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        serve.format_help(ctx, formatter)


class _Serve(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        path = ctx.parent.command_path if ctx.parent else ctx.command_path  # "tadka review", not "… serve"
        formatter.write_usage(path, " ".join(self.collect_usage_pieces(ctx)))


@click.group("review", cls=_ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
def command() -> None:
    """Review records in the browser; manage reviewer accounts."""


@command.command("serve", cls=_Serve, hidden=True)
@click.argument("workspace", required=False, type=click.Path(file_okay=False))
@workspace_option("workspace_opt", help="Same as WORKSPACE.")
@config_option("review", "stage")
@config_option("review", "reviewer")
@config_option("review", "host")
@config_option("review", "port")
@config_option("review", "order", type=click.Choice(ORDERS))
@config_option("review", "overlap")
def serve(workspace, workspace_opt, stage, reviewer, host, port, order, overlap) -> None:
    """Review records in the browser: queue (keyboard), browse, dashboard, export, train.

    Binds to 127.0.0.1 unless --host says otherwise; anywhere else every reviewer signs in with an
    account (`tadka review users add NAME --role reviewer|admin`). Decisions go to review.db (WAL);
    two reviewers never silently overwrite each other.

    \b
    Example:
      tadka review my-project --reviewer asha
      tadka review --stage curated --order uncertainty --port 8600
      tadka review users add asha --role admin && tadka review --host 0.0.0.0
    """
    flags = {"stage": stage, "reviewer": reviewer, "host": host, "port": port, "order": order, "overlap": overlap}
    ws, cfg, stage = resolve(workspace or workspace_opt, flags)
    ws.dataset(stage)  # a missing stage is a one-line error here, not a page in the browser
    if not is_loopback(cfg.host):
        _require_an_admin(ws, cfg.host)
    click.echo(
        f"tadka review: http://{cfg.host}:{cfg.port}  (workspace {ws.root}, stage '{stage}'"
        + ("" if is_loopback(cfg.host) else "; sign-in required")
        + "; Ctrl+C stops)"
    )
    # The server runs in this process: build the stage index while Streamlit starts, so the first page is quick.
    threading.Thread(target=_warm, args=(ws, stage), name="tadka-review-warmup", daemon=True).start()
    from streamlit.web import cli as streamlit_cli

    # The app gets the flags this command was given, after `--`, and resolves them the same way (resolve()).
    given = [str(ws.root)] + [a for k, v in flags.items() if v is not None for a in (flag_name(k), str(v))]
    streamlit_cli.main(
        [
            "run",
            str(APP),
            "--server.address",
            cfg.host,
            "--server.port",
            str(cfg.port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            "--server.runOnSave",
            "false",
            "--global.developmentMode",
            "false",
            "--client.toolbarMode",
            "minimal",
            "--",
            *given,
        ],
        prog_name="streamlit",
        standalone_mode=True,
    )


def resolve(workspace: str | None, flags: dict) -> tuple:
    """(workspace, review config, stage) from tadka.yaml and the flags: defaults < tadka.yaml < flags, the one
    merge every command uses. `tadka review` calls it, and so does the app on the flags it is handed."""
    from tadka.config import override
    from tadka.workspace import open_workspace

    ws = open_workspace(workspace)
    cfg = override(ws.config["review"], flags, "review").check()
    return ws, cfg, cfg.stage or ws.latest_stage()


def app_flags(argv: list[str]) -> tuple[str | None, dict]:
    """The workspace and flags in the app's arguments (``streamlit run app.py -- [WORKSPACE] --stage …``),
    parsed by this command's own options, so the app takes exactly the flags `tadka review` does."""
    ctx = serve.make_context("tadka review", list(argv))
    params = dict(ctx.params)
    workspace = params.pop("workspace") or params.pop("workspace_opt", None)
    params.pop("workspace_opt", None)
    return workspace, params


def _require_an_admin(ws, host: str) -> None:
    from tadka.errors import ConfigError
    from tadka.review.accounts import accounts
    from tadka.review.store import ReviewStore

    store = ReviewStore(ws.review_db)
    try:
        if not any(a.active and a.role == "admin" for a in accounts(store)):
            raise ConfigError(
                f"binding to {host} needs reviewer accounts, and review.db has no admin",
                field="review.host",
                hint="tadka review users add NAME --role admin",
            )
    finally:
        store.close()


# -- accounts -----------------------------------------------------------------------------------
def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _store(workspace):
    from tadka.review.store import ReviewStore
    from tadka.workspace import open_workspace

    return ReviewStore(open_workspace(workspace).review_db)


stdin_option = click.option("--password-stdin", is_flag=True, help="Read the password from stdin (one line).")


@command.group("users")
def users() -> None:
    """Accounts for a review app bound off loopback (passwords are stored scrypt-hashed in review.db).

    \b
    Example:
      tadka review users add asha --role admin
      tadka review users list
    """


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["reviewer", "admin"]),
    default="reviewer",
    show_default=True,
    help="admin may also export and start training.",
)
@workspace_option()
@stdin_option
def users_add(name: str, role: str, workspace, password_stdin: bool) -> None:
    """Add an account (asks for its password twice)."""
    from tadka.review.accounts import add_account

    store = _store(workspace)
    add_account(store, name, role, _password(password_stdin), actor=_actor())
    click.echo(f"added {role} '{name.strip()}'")


@users.command("passwd")
@click.argument("name")
@workspace_option()
@stdin_option
def users_passwd(name: str, workspace, password_stdin: bool) -> None:
    """Set a new password for an account."""
    from tadka.review.accounts import set_password

    set_password(_store(workspace), name, _password(password_stdin), actor=_actor())
    click.echo(f"password of '{name}' changed")


@users.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["reviewer", "admin"]))
@workspace_option()
def users_role(name: str, role: str, workspace) -> None:
    """Make an account a reviewer or an admin."""
    from tadka.review.accounts import set_role

    set_role(_store(workspace), name, role, actor=_actor())
    click.echo(f"'{name}' is now {role}")


@users.command("disable")
@click.argument("name")
@workspace_option()
@click.option("--enable", is_flag=True, help="Enable it again instead.")
def users_disable(name: str, workspace, enable: bool) -> None:
    """Disable an account (its decisions and audit rows stay)."""
    from tadka.review.accounts import set_active

    set_active(_store(workspace), name, enable, actor=_actor())
    click.echo(f"'{name}' {'enabled' if enable else 'disabled'}")


@users.command("list")
@workspace_option()
def users_list(workspace) -> None:
    """Accounts, roles and whether they are active."""
    from tadka.review.accounts import accounts

    found = accounts(_store(workspace))
    if not found:
        click.echo("no accounts yet (tadka review users add NAME --role admin)")
    for a in found:
        click.echo(f"{a.name:<20} {a.role:<9} {'active' if a.active else 'disabled'}")
