"""Reviewer accounts for a review app that leaves loopback: names, roles and hashed passwords in review.db.

Passwords are hashed with scrypt (``hashlib.scrypt``, memory-hard, in the standard library) and a
random 16-byte salt per account; the stored string names its parameters, so they can be raised later
without breaking old hashes. Checking an unknown name costs the same as a wrong password, so the login
form does not tell which names exist. Roles: ``reviewer`` decides, edits, tags; ``admin`` also exports
and starts training. Every change to an account is in the audit log, never the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import time
from dataclasses import dataclass

from tadka.errors import InputError
from tadka.review.store import ReviewStore

ROLES = ("reviewer", "admin")
MIN_PASSWORD = 8
_NAME = re.compile(r"^[\w][\w.@-]{0,63}$", re.UNICODE)
_N, _R, _P = 2**14, 8, 1  # ~16 MiB and ~50 ms per check on a laptop core: cheap for one login, slow for a guesser


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    active: bool
    created_at: float


def hash_password(password: str, *, salt: bytes | None = None, n: int = _N, r: int = _R, p: int = _P) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=64 * 2**20)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${n}${r}${p}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        again = hash_password(password, salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again.rsplit("$", 1)[1], digest)


_DUMMY = hash_password("not a password", salt=b"\0" * 16)


def _check_name(name: str) -> str:
    name = name.strip()
    if not _NAME.match(name):
        raise InputError(f"invalid account name {name!r}", field="name", hint="letters, digits, '.', '_', '-', '@'")
    return name


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    return password


def add_account(store: ReviewStore, name: str, role: str, password: str, *, actor: str) -> Account:
    """Create an account (an existing name is an error: use :func:`set_password` or :func:`set_role`)."""
    name, password = _check_name(name), _check_password(password)
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}", field="role", hint=" or ".join(ROLES))
    now = time.time()
    with store._tx() as c:
        if c.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise InputError(f"account {name!r} exists", field="name", hint="tadka review users passwd NAME")
        c.execute(
            "INSERT INTO accounts(name, role, password_hash, active, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)",
            (name, role, hash_password(password), now, now),
        )
        c.execute("INSERT OR IGNORE INTO reviewers(name, created_at) VALUES (?, ?)", (name, now))
        store._audit(c, actor, None, "account-add", None, "ok", {"name": name, "role": role})
    return Account(name, role, True, now)


def _update(store: ReviewStore, name: str, sql: str, args: tuple, actor: str, action: str, detail: dict) -> None:
    with store._tx() as c:
        if not c.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise InputError(f"no account {name!r}", field="name", hint="tadka review users list")
        c.execute(sql, (*args, time.time(), name))
        store._audit(c, actor, None, action, None, "ok", {"name": name, **detail})


def set_password(store: ReviewStore, name: str, password: str, *, actor: str) -> None:
    _update(
        store,
        name,
        "UPDATE accounts SET password_hash = ?, updated_at = ? WHERE name = ?",
        (hash_password(_check_password(password)),),
        actor,
        "account-password",
        {},
    )


def set_role(store: ReviewStore, name: str, role: str, *, actor: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}", field="role", hint=" or ".join(ROLES))
    _update(
        store,
        name,
        "UPDATE accounts SET role = ?, updated_at = ? WHERE name = ?",
        (role,),
        actor,
        "account-role",
        {"role": role},
    )


def set_active(store: ReviewStore, name: str, active: bool, *, actor: str) -> None:
    """Disable (or enable again) an account; its past decisions and audit rows stay as they are."""
    _update(
        store,
        name,
        "UPDATE accounts SET active = ?, updated_at = ? WHERE name = ?",
        (int(active),),
        actor,
        "account-enable" if active else "account-disable",
        {},
    )


def accounts(store: ReviewStore) -> list[Account]:
    return [
        Account(r["name"], r["role"], bool(r["active"]), r["created_at"])
        for r in store._read("SELECT name, role, active, created_at FROM accounts ORDER BY name")
    ]


def authenticate(store: ReviewStore, name: str, password: str) -> Account | None:
    """The account when ``name`` and ``password`` match an active one; every attempt is audited."""
    name = name.strip()
    rows = store._read("SELECT name, role, active, created_at, password_hash FROM accounts WHERE name = ?", (name,))
    row = rows[0] if rows else None
    ok = check_password(password, row["password_hash"] if row else _DUMMY) and row is not None and bool(row["active"])
    with store._tx() as c:
        store._audit(c, name or None, None, "login", None, "ok" if ok else "refused", None)
    return Account(row["name"], row["role"], True, row["created_at"]) if ok else None  # type: ignore[index]  # ok: the row was found
