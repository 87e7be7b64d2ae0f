"""The budget picker with a fidelity floor and a stated rule (lowest perplexity or best chrF), the runner-up,
and the one-line refusals — on hand-made bench reports with eval figures (no model needed)."""

import pytest

from tadka.compress.select import BudgetError, choose, describe

from .test_select import row


def ev(fidelity, chrf):
    return {"eval": {"fidelity": fidelity, "chrf": chrf}}


REPORT = {
    "variants": [
        row("torch:fp32", 10.0, 60.0, 900.0, 513, requested=False, **ev(0.95, 30.0)),
        row("gguf:f16", 10.1, 14.0, 300.0, 258, **ev(0.94, 31.0)),
        row("gguf:q8_0", 10.3, 9.0, 200.0, 138, **ev(0.90, 29.0)),
        row("gguf:q4_k_m", 11.5, 8.0, 150.0, 83, **ev(0.70, 33.0)),
        row("onnx:int8", 10.2, 7.0, 150.0, 90),  # benched, not evaluated
    ]
}


def test_floor_removes_unfaithful_variants_then_lowest_perplexity_wins():
    c = choose(REPORT, 10, threads=4, min_fidelity=0.85)
    assert c.name == "gguf:q8_0" and c.runner_up is None  # onnx:int8 is faster and lower-ppl, but has no eval
    assert (
        c.rule_text()
        == "lowest perplexity among the variants within 10 ms per token at 4 thread(s) with Hinglish fidelity >= 0.85"
    )
    c = choose(REPORT, 20, threads=4, min_fidelity=0.85)
    assert c.name == "gguf:f16" and c.runner_up["name"] == "gguf:q8_0" and c.runner_up_ms == 9.0


def test_best_chrf_rule_and_its_runner_up():
    c = choose(REPORT, 20, threads=4, rule="chrf")
    assert c.name == "gguf:q4_k_m" and c.runner_up["name"] == "gguf:f16"
    assert c.rule_text() == "best chrF among the variants within 20 ms per token at 4 thread(s)"
    c = choose(REPORT, 20, threads=4, rule="chrf", min_fidelity=0.9)
    assert c.name == "gguf:f16" and c.runner_up["name"] == "gguf:q8_0"
    assert describe(c.runner_up, c.runner_up_ms) == "gguf:q8_0 (ppl 10.300, chrF 29.0, fidelity 0.90, 9.0 ms)"


def test_no_floor_keeps_the_old_rule():
    assert choose(REPORT, 8.5, threads=4).name == "onnx:int8"
    assert (
        choose(REPORT, 8.5, threads=4).rule_text()
        == "lowest perplexity among the variants within 8.5 ms per token at 4 thread(s)"
    )


def test_no_variant_meets_both_is_one_line_naming_what_was_missed():
    with pytest.raises(BudgetError) as e:
        choose(REPORT, 8.5, threads=4, min_fidelity=0.8)
    msg = str(e.value)
    assert "\n" not in msg
    assert msg.startswith(
        "--min-fidelity: no variant meets both 8.5 ms per token at 4 thread(s) and Hinglish fidelity "
        ">= 0.8: within the budget gguf:q4_k_m (fidelity 0.70), onnx:int8 (no eval); the most "
        "faithful is gguf:f16 at 0.94 (14.0 ms)"
    )
    with pytest.raises(BudgetError, match="within the budget none; the most faithful is gguf:f16 at 0.94"):
        choose(REPORT, 5, threads=4, min_fidelity=0.5)
    with pytest.raises(BudgetError, match="no latency budget and Hinglish fidelity >= 0.99"):
        choose(REPORT, 0, threads=4, min_fidelity=0.99)


def test_chrf_rule_without_any_eval_is_one_line():
    bare = {"variants": [row("gguf:q8_0", 10.3, 9.0, 200.0, 138)]}
    with pytest.raises(BudgetError, match="no variant was benched and evaluated \\(chrF\\) successfully"):
        choose(bare, 100, threads=4, rule="chrf")


def test_the_cli_says_why_there_is_no_runner_up():
    """The reference (torch:fp32, benched for comparison) is named, not silently left out."""
    from types import SimpleNamespace

    from tadka.apps.commands.compress import _runner_up

    alone = choose(REPORT, 10, threads=4, min_fidelity=0.85)
    line = _runner_up(SimpleNamespace(choice=alone, report=REPORT))
    assert line == "none among the formats asked for (torch:fp32 benched as the reference, not a candidate)"
    pair = choose(REPORT, 15, threads=4, min_fidelity=0.85)
    assert _runner_up(SimpleNamespace(choice=pair, report=REPORT)) == describe(pair.runner_up, pair.runner_up_ms)
    without_ref = {"variants": [v for v in REPORT["variants"] if v.get("requested", True)]}
    assert _runner_up(SimpleNamespace(choice=alone, report=without_ref)) == "none (no other variant qualified)"
