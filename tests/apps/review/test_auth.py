"""Off loopback the app asks for an account before it draws anything, and only an admin exports or trains."""

from __future__ import annotations

from tadka.review.accounts import add_account
from tadka.review.store import ReviewStore

from .conftest import click, open_app, set_config, shown_id


def sign_in(at, name: str, password: str):
    at.text_input(key="signin_name").input(name)
    at.text_input(key="signin_password").input(password)
    at.button(key="FormSubmitter:signin-Sign in").click().run()
    assert not at.exception, at.exception
    return at


def test_sign_in_roles_and_the_name_in_the_audit_log(review_ws, records, monkeypatch):
    set_config(monkeypatch, host="0.0.0.0")
    store = ReviewStore(review_ws.review_db)
    add_account(store, "asha", "admin", "chai-garam-hai", actor="test")
    add_account(store, "ravi", "reviewer", "pakoda-1234", actor="test")
    at = open_app(reviewer="asha")  # a name in the URL signs nobody in
    assert shown_id(at) is None and at.text_input(key="signin_password")
    sign_in(at, "asha", "wrong password")
    assert [e.value for e in at.error] == ["Wrong name or password."] and shown_id(at) is None
    sign_in(at, "ravi", "pakoda-1234")
    assert shown_id(at) == records[0].id
    click(at, "q_accept")
    assert store.item(records[0].id).updated_by == "ravi"
    at.switch_page("views/train.py").run()
    assert any("Starting training needs an admin account" in i.value for i in at.info)
    assert "t_start" not in [b.key for b in at.button]
    at.switch_page("views/export.py").run()
    assert any("Exporting needs an admin account" in i.value for i in at.info)
    click(at, "sign_out")
    assert at.text_input(key="signin_password")
    sign_in(at, "asha", "chai-garam-hai")
    at.switch_page("views/export.py").run()
    assert at.text_input(key="x_name")
