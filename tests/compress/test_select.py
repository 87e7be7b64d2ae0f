"""Choosing a variant for a latency budget, and the one-line errors around it (no model needed)."""

import pytest

from tadka.compress.bench import agreement, latency, table
from tadka.compress.select import BudgetError, choose


def row(name, ppl, ms, ttft, size=100, threads=(1, 4), **extra):
    rows = [
        {
            "threads": t,
            "ttft_ms": ttft * (2 if t == 1 else 1),
            "decode_tok_s": 1000 / (ms * (2 if t == 1 else 1)),
            "ms_per_token": ms * (2 if t == 1 else 1),
        }
        for t in threads
    ]
    return {
        "name": name,
        "format": name.split("+")[0],
        "source": "merged",
        "size_bytes": size * 2**20,
        "ppl": ppl,
        "rows": rows,
        "peak_rss_mb": 300.0,
        "kv_bytes_per_token": 23040.0,
        "flip_rate": 0.2,
        "agreement": 0.9,
        "requested": True,
        **extra,
    }


REPORT = {
    "variants": [
        row("torch:fp32", 10.0, 60.0, 900.0, 513, requested=False),
        row("gguf:f16", 10.1, 14.0, 300.0, 258),
        row("gguf:q8_0", 10.3, 9.0, 200.0, 138),
        row("gguf:q4_k_m", 11.5, 8.0, 150.0, 83),
        {
            "name": "onnx:int8",
            "format": "onnx:int8",
            "source": "merged",
            "size_bytes": 1,
            "error": "boom",
            "requested": True,
        },
    ]
}


def test_lowest_perplexity_within_budget():
    assert choose(REPORT, 10, threads=4).name == "gguf:q8_0"
    assert choose(REPORT, 100, threads=4).name == "gguf:f16"  # the reference was not asked for
    assert choose(REPORT, 0, threads=4).name == "gguf:f16"
    assert choose(REPORT, 8.5, threads=4).name == "gguf:q4_k_m"


def test_budget_is_judged_at_the_given_threads_and_latency_kind():
    assert choose(REPORT, 20, threads=1).name == "gguf:q8_0"  # 1 thread is twice as slow here
    assert choose(REPORT, 250, threads=4, kind="ttft").name == "gguf:q8_0"


def test_no_variant_meets_the_budget_names_the_closest_and_by_how_much():
    with pytest.raises(BudgetError) as e:
        choose(REPORT, 5, threads=4)
    msg = str(e.value)
    assert "\n" not in msg
    assert "gguf:q4_k_m at 8.0 ms, 3.0 ms (60%) over" in msg
    assert msg.startswith("--budget-ms:")


def test_a_report_with_only_failures_is_one_line():
    bad = {"variants": [REPORT["variants"][-1]]}
    with pytest.raises(BudgetError, match="no variant was benched successfully: onnx:int8 \\(boom\\)"):
        choose(bad, 100, threads=4)


def test_agreement_and_latency_helpers():
    assert agreement({"first_tokens": [1, 2, 3, 4]}, {"first_tokens": [1, 2, 0, 4]}) == 0.75
    assert agreement({"first_tokens": [1]}, None) is None
    assert latency(REPORT["variants"][1], 1, "per_token") == 28.0
    assert latency(REPORT["variants"][1], 2, "per_token") is None


def test_table_has_a_line_per_format_and_thread_count():
    text = table(REPORT)
    assert text.count("gguf:q8_0") == 1 and "failed: boom" in text
    assert len(text.splitlines()) == 2 + 4 * 2 + 1
