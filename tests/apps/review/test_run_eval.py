"""The Train page's eval panel (views/run_eval.py) under AppTest: the comparison table, a failed variant's
one line, the charts and the side-by-side sample answers of a finished run, read from runs/<run>/eval/
(an eval.json written by the real report code from hand-made answers); and the hint for a run that was
not evaluated. The panel never imports torch."""

from __future__ import annotations

import subprocess
import sys

import pytest

# the hand-made reports are built by the real figures code, whose chrF needs sacrebleu
pytest.importorskip("sacrebleu", reason="needs the 'train' or 'compress' extra (sacrebleu)")

from tadka.train.evaluate.figures import Answer, figures

PROMPTS = [
    ("p1", "UPI PIN kaise badlun?", "App mein 'Change UPI PIN' pe jao.", "hi-Latn"),
    ("p2", "Kal mandi kab khulegi?", "Subah 6 baje khul jaati hai.", "hi-Latn"),
    ("p3", "लू से बचने के लिए क्या करें", "दोपहर में धूप से बचो और पानी पीते रहो।", "hi-Deva"),
]
ANSWERS = {
    "base": ["Open the app and change your PIN.", "The market opens at 6 am.", "Drink water."],
    "merged": ["App kholo aur 'Change UPI PIN' dabao.", "Mandi subah 6 baje khulti hai.", "धूप से बचो, पानी पियो।"],
}


def _report() -> dict:
    prompts = [
        {
            "id": pid,
            "set": "hand",
            "messages": [{"role": "user", "content": u}],
            "reference": ref,
            "lang": target,
            "target": target,
            "noisy": [{"role": "user", "content": u.lower()}],
        }
        for pid, u, ref, target in PROMPTS
    ]
    variants = []
    for name, texts in ANSWERS.items():
        answers = [Answer(t, p[3], i == 1, p[2]) for i, (t, p) in enumerate(zip(texts, PROMPTS))]
        variants.append(
            {
                "name": name,
                "kind": "hf",
                "seconds": 1.0,
                "greedy": figures(answers),
                "ref_ppl": 12.5,
                "answers": {
                    p[0]: {"greedy": t, "greedy_hit_limit": i == 1} for i, (t, p) in enumerate(zip(texts, PROMPTS))
                },
            }
        )
    variants.append(
        {
            "name": "gguf:q4_k_m",
            "kind": "gguf",
            "seconds": 0.1,
            "error": "failed to load: ValueError: Failed to load model from file",
        }
    )
    return {
        "schema": 1,
        "run": "r1",
        "created": "2026-12-05T10:00:00",
        "seconds": 3.0,
        "settings": {"samples": 10},
        "decoding": {"greedy": {"max_new_tokens": 32}},
        "definitions": {"fidelity": "share of answers in the prompt's target language"},
        "prompts": prompts,
        "variants": variants,
        "judge": None,
    }


def _page(root: str, run: str) -> None:
    from tadka.apps.review.views.run_eval import render_run_eval
    from tadka.workspace import Workspace

    render_run_eval(Workspace(root), run)


def _open(root, run):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_page, args=(str(root), run), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_panel_shows_the_table_failures_and_side_by_side_answers(review_ws):
    from tadka.train.evaluate.report import write_report

    write_report(_report(), review_ws.runs_dir / "r1" / "eval")
    at = _open(review_ws.root, "r1")
    table = at.dataframe[0].value
    assert list(table["variant"]) == ["base", "merged", "gguf:q4_k_m"]
    assert list(table["fidelity"])[:2] == ["0.00", "1.00"]  # base answered in English
    assert list(table["at limit"])[:2] == ["0.33", "0.33"]
    assert [w.value for w in at.warning] == ["gguf:q4_k_m: failed to load: ValueError: Failed to load model from file"]
    assert any("3 held-out prompts" in c.value for c in at.caption)
    shown = " ".join(m.value for m in at.markdown)
    assert "UPI PIN kaise badlun?" in shown and "**merged**" in shown and "**base**" in shown
    at.selectbox(key="re_prompt_r1").set_value(2).run()
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "लू से बचने के लिए क्या करें" in shown and "hi-Deva" in shown


def test_a_run_without_eval_says_how_to_make_one(review_ws):
    (review_ws.runs_dir / "r2").mkdir(parents=True)
    at = _open(review_ws.root, "r2")
    assert [i.value for i in at.info] == [
        "Not evaluated yet: `tadka eval --run r2` compares the base, trained and compressed models on held-out prompts."
    ]
    assert not at.dataframe


def test_the_panel_never_imports_torch():
    code = "import sys, tadka.apps.review.views.run_eval; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "False", out.stderr[-500:]
