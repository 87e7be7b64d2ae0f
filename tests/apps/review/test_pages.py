"""Browse, Dashboard and Export under AppTest, each action checked in review.db or on disk."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from tadka.review.agreement import agreement
from tadka.apps.cli import cli
from tadka.review.store import ReviewStore

from .conftest import app_args, click, open_app, shown_id

BROWSE, DASHBOARD, EXPORT = "views/browse.py", "views/dashboard.py", "views/export.py"


def tick(at, rows: list[int]) -> None:
    """Tick rows of the Browse table (AppTest cannot click into a data editor: set its state)."""
    key = f"b_table_{at.session_state['b_nonce']}"  # the table widget is new after every action
    at.session_state[key] = {"edited_rows": {i: {"select": True} for i in rows}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception


def table(at):
    return at.dataframe[0].value


def test_browse_lists_filters_and_searches(review_ws, records):
    at = open_app(page=BROWSE)
    assert list(table(at)["id"]) == [r.id for r in records]
    at.text_input(key="b_search").input("upi pin").run()
    assert list(table(at)["id"]) == [records[1].id]
    at.text_input(key="b_search").input("").run()
    at.multiselect(key="b_flags").set_value(["pii"]).run()
    assert list(table(at)["id"]) == [records[10].id]
    at.multiselect(key="b_flags").set_value(["(no flags)"]).run()
    assert len(table(at)) == 8


def confirm(at, button: str) -> str:
    """Click a bulk button, check the confirmation names the count and action, confirm; returns its text."""
    click(at, button)
    (question,) = [m.value for m in at.markdown if m.value.endswith("?**")]
    click(at, "b_confirm_yes")
    return question


def test_browse_bulk_accept_reject_and_tag(review_ws, records):
    at = open_app(page=BROWSE)
    store = ReviewStore(review_ws.review_db)
    tick(at, [0, 1])
    assert any(m.value == "**2 selected**" for m in at.markdown)
    assert confirm(at, "b_accept") == "**Accept 2 records?**"
    assert [store.item(r.id).status for r in records[:3]] == ["accepted", "accepted", "pending"]
    assert list(table(at)["status"][:3]) == ["accepted", "accepted", "pending"]
    # the ticks are gone, drawn and counted alike; the next tick selects exactly one row
    assert not table(at)["select"].any() and any(m.value == "**0 selected**" for m in at.markdown)
    tick(at, [2, 3])
    assert at.selectbox(key="b_reason").value is None  # no reason is preselected
    assert at.button(key="b_reject").disabled
    at.selectbox(key="b_reason").set_value("duplicate").run()
    assert confirm(at, "b_reject") == "**Reject 2 records as 'duplicate'?**"
    assert {store.item(r.id).reason for r in records[2:4]} == {"duplicate"}
    tick(at, [0, 3])
    at.text_input(key="b_tag").input("batch-1").run()
    assert confirm(at, "b_tag_btn") == "**Tag 2 records with 'batch-1'?**"
    assert store.ids_tagged(["batch-1"]) == {records[0].id, records[3].id}
    assert at.multiselect(key="b_status").value == []
    at.multiselect(key="b_status").set_value(["rejected"]).run()
    assert list(table(at)["id"]) == [records[2].id, records[3].id]


def test_browse_cancel_writes_nothing_and_search_sees_edits(review_ws, records):
    at = open_app(page=BROWSE)
    store = ReviewStore(review_ws.review_db)
    tick(at, [4])
    click(at, "b_accept")
    click(at, "b_confirm_no")
    assert store.item(records[4].id).version == 0
    store.edit(
        records[4],
        [records[4].messages[0], {"role": "assistant", "content": "Storage saaf karo, bas."}],
        stage="curated",
        reviewer="ravi",
        base_version=0,
    )
    at.text_input(key="b_search").input("saaf karo, bas").run()
    assert list(table(at)["id"]) == [records[4].id]
    at.text_input(key="b_search").input("unused apps uninstall").run()  # only in the original text
    assert len(table(at)) == 0


def test_browse_bulk_refuses_rows_changed_since_shown(review_ws, records):
    at = open_app(page=BROWSE)
    store = ReviewStore(review_ws.review_db)
    tick(at, [4, 5])
    click(at, "b_accept")
    store.decide(records[5].id, "rejected", stage="curated", reviewer="ravi", base_version=0, reason="duplicate")
    click(at, "b_confirm_yes")
    assert store.item(records[4].id).status == "accepted"
    assert store.item(records[5].id).status == "rejected"  # ravi's decision stands
    assert any(records[5].id in e.value and "ravi" in e.value for e in at.error)
    assert store.history(records[5].id)[-1]["outcome"] == "conflict"


def test_browse_tick_all_preview_and_open_in_queue(review_ws, records):
    at = open_app(page=BROWSE)
    at.toggle(key="b_all").set_value(True).run()
    assert any(m.value == f"**{len(records)} selected**" for m in at.markdown)
    at.toggle(key="b_all").set_value(False).run()
    assert any(m.value == "**0 selected**" for m in at.markdown)
    tick(at, [7])
    assert at.selectbox(key="b_preview").value == records[7].id  # the row ticked last is previewed
    assert any(records[7].messages[1]["content"] in t.value for t in at.text)
    click(at, "b_open")
    assert shown_id(at) == records[7].id


def test_dashboard_counts_plots_throughput_and_agreement(review_ws, records):
    store = ReviewStore(review_ws.review_db)
    # three reviewers on the first six records (the shared ones), one disagreement each for ravi and meera
    for i, r in enumerate(records[:6]):
        v = store.decide(r.id, "accepted", stage="curated", reviewer="asha", base_version=0).after.version
        v = store.decide(
            r.id,
            "rejected" if i == 1 else "accepted",
            stage="curated",
            reviewer="ravi",
            base_version=v,
            reason="duplicate" if i == 1 else None,
        ).after.version
        store.decide(r.id, "rejected" if i == 2 else "accepted", stage="curated", reviewer="meera", base_version=v)
    (review_ws.root / "reports").mkdir()
    (review_ws.root / "reports" / "filters.json").write_text(json.dumps({"too_short": 3}))
    at = open_app(page=DASHBOARD)
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["pending"], metrics["accepted"], metrics["rejected"]) == ("6", "5", "1")  # the last word stands
    expected = agreement(store.labels())
    assert metrics["Double-reviewed records"] == "6"
    assert metrics["Fleiss' kappa (3 raters, 6 records)"] == f"{expected.fleiss:.3f}"
    assert metrics["Krippendorff's alpha"] == f"{expected.alpha:.3f}"
    pairs = at.dataframe[1].value
    assert list(pairs["reviewer A"]) == ["asha", "asha", "meera"]
    assert list(pairs["Cohen's kappa"]) == [f"{p.kappa:.3f}" if p.kappa is not None else "n/a" for p in expected.pairs]
    throughput = at.dataframe[0].value
    assert dict(zip(throughput["reviewer"], throughput["labels"])) == {"asha": 6, "meera": 6, "ravi": 6}
    assert len(at.get("vega_lite_chart")) >= 6
    assert any(j.value == {"too_short": 3} or json.loads(j.value) == {"too_short": 3} for j in at.json)
    at.toggle(key="d_collapse").set_value(False).run()
    assert not at.exception
    click(at, f"d_open_{records[1].id}")
    assert shown_id(at) == records[1].id


def test_dashboard_without_labels_or_reports(review_ws):
    at = open_app(page=DASHBOARD)
    assert {m.label: m.value for m in at.metric}["pending"] == "12"
    assert any("No curate report yet" in c.value for c in at.caption)


def test_export_page_writes_what_tadka_export_writes(review_ws, records):
    store = ReviewStore(review_ws.review_db)
    for r in records[:5]:
        store.decide(r.id, "accepted", stage="curated", reviewer="asha", base_version=0)
    store.decide(records[5].id, "rejected", stage="curated", reviewer="asha", base_version=0)
    store.edit(
        records[6],
        [records[6].messages[0], {"role": "assistant", "content": "IVRS pe call karo."}],
        stage="curated",
        reviewer="asha",
        base_version=0,
    )
    at = open_app(page=EXPORT)
    assert any("**6** records" in m.value for m in at.markdown)
    at.text_input(key="x_name").input("from-app")
    at.button(key="FormSubmitter:x_form-Export").click().run()
    assert not at.exception, at.exception
    (done,) = [s.value for s in at.success]
    counts = re.search(r"(\d+) train, (\d+) eval", done)
    assert int(counts[1]) + int(counts[2]) == 6
    result = CliRunner().invoke(cli, ["export", "-w", str(review_ws.root), "--name", "from-cli"])
    assert result.exit_code == 0, result.output
    app_dir, cli_dir = review_ws.exports_dir / "from-app", review_ws.exports_dir / "from-cli"
    for split in ("train.jsonl", "eval.jsonl"):
        assert (app_dir / split).read_bytes() == (cli_dir / split).read_bytes()
    rows = [json.loads(x) for f in ("train.jsonl", "eval.jsonl") for x in (app_dir / f).read_text().splitlines()]
    assert len(rows) == 6 and any(r["messages"][1]["content"] == "IVRS pe call karo." for r in rows)
    at.run()
    assert list(at.dataframe[0].value["name"]) and set(at.dataframe[0].value["name"]) == {"from-app", "from-cli"}


@pytest.mark.parametrize("page", [BROWSE, DASHBOARD, EXPORT])
def test_pages_render_without_a_stage_problem(review_ws, page):
    at = open_app(page=page)
    assert not at.exception


def test_export_page_asks_before_overwriting_and_warns_when_empty(review_ws, records):
    store = ReviewStore(review_ws.review_db)
    store.decide(records[0].id, "rejected", stage="curated", reviewer="asha", base_version=0)
    at = open_app(page=EXPORT)
    at.text_input(key="x_name").input("v1")
    at.button(key="FormSubmitter:x_form-Export").click().run()
    (warning,) = [w.value for w in at.warning]
    assert "0 train, 0 eval" in warning and "Nothing to train on" in warning and not at.success
    store.decide(records[1].id, "accepted", stage="curated", reviewer="asha", base_version=0)
    at.button(key="FormSubmitter:x_form-Export").click().run()
    assert any("exports/v1 already exists. Overwrite it?" in w.value for w in at.warning)
    assert json.loads((review_ws.exports_dir / "v1" / "manifest.json").read_text())["train"] == 0  # not yet
    click(at, "x_overwrite")
    assert any("1 train, 0 eval" in s.value or "0 train, 1 eval" in s.value for s in at.success)


def test_dashboard_histograms_are_in_numeric_order(review_ws):
    at = open_app(page=DASHBOARD)
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    charts = [sp for sp in specs if sp.get("encoding", {}).get("x", {}).get("field") == "chars"]
    assert charts, "the length histogram is drawn"
    spec = charts[0]
    order = spec["encoding"]["x"]["sort"]
    starts = [float(label.split("–")[0]) for label in order]
    assert starts == sorted(starts) and len(starts) == 20


def test_queue_says_which_order_it_uses_without_quality_scores(tmp_path, monkeypatch):
    from tadka.records import Record
    from tadka.workspace import Workspace

    ws = Workspace.init(tmp_path / "plain")
    ws.write_stage(
        "imported",
        [
            Record(
                messages=[{"role": "user", "content": f"Sawal {i}?"}, {"role": "assistant", "content": f"Jawab {i}."}]
            )
            for i in range(3)
        ],
    )
    app_args(monkeypatch, str(ws.root), "--stage", "imported")
    at = open_app()
    assert at.selectbox(key="q_order").value == "stage" and "quality" not in at.selectbox(key="q_order").options
    assert any("No record of this stage has a quality score" in c.value for c in at.sidebar.caption)
    assert shown_id(at) == next(ws.records("imported")).id
