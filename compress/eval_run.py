"""`tadka eval` end to end: prompts → every variant's answers (cached) → figures → report → run card.

The order is the one a reader checks it in: everything a user can get wrong (no such run, unknown
variant, no eval prompts, a missing extra) is raised as one line before a model is loaded; then each
variant answers on its own — one that fails to build or load is reported in one line and the others
still run; then figures per variant (:mod:`tadka.train.evaluate.figures`), the optional judge, and the
report (eval.json, table, charts, samples.html) in ``runs/<run>/eval/``, whose headline the run card
carries. `tadka compress` calls :func:`evaluate_models` with its own built variants.
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from tadka.compress.eval_variants import EvalModel, check_names, resolve_models
from tadka.compress.generations import Decoding, Job, VariantRun, run_variant
from tadka.train.evaluate.config import EvalConfig
from tadka.train.evaluate.figures import DEFINITIONS, Answer, Reference, deltas, figures, training_reference
from tadka.train.evaluate.prompts import EvalPrompt, gather, with_noise, with_targets

log = logging.getLogger(__name__)
DEFAULT_SAMPLING = (0.7, 0.95)


@dataclass
class EvalContext:
    """What every variant is evaluated against: prompts, tokenizer, decodings, the training reference."""

    prompts: list[EvalPrompt]
    tokenizer: Any
    greedy: Decoding
    sampled: Decoding | None
    reference: Reference | None
    eos: set[int]
    cfg: EvalConfig
    seed: int
    sources: dict[str, Any]


def sampling_settings(model_dir: Path | None, cfg: EvalConfig) -> tuple[float, float]:
    """(temperature, top_p): eval.* when set, else the model's generation_config.json, else 0.7 / 0.95."""
    saved: dict[str, Any] = {}
    if model_dir is not None and (model_dir / "generation_config.json").is_file():
        try:
            saved = json.loads((model_dir / "generation_config.json").read_text(encoding="utf-8"))
        except ValueError:
            saved = {}
    temperature = cfg.temperature if cfg.temperature > 0 else float(saved.get("temperature") or DEFAULT_SAMPLING[0])
    top_p = cfg.top_p if cfg.top_p > 0 else float(saved.get("top_p") or DEFAULT_SAMPLING[1])
    return temperature, top_p


def training_answers(dataset: str | None) -> list[str]:
    """Every assistant turn of the run's train split (empty when the dataset is gone)."""
    from tadka.train.data import load_splits

    if not dataset or not Path(dataset).exists():
        return []
    try:
        rows = load_splits(Path(dataset)).train
    except Exception as e:  # noqa: BLE001 — the CMI band is then not reported; the rest of the eval runs
        log.warning("cannot read the training set %s: %s", dataset, e)
        return []
    return [m["content"] for row in rows for m in row["messages"] if m["role"] == "assistant"]


def _tokenizer_dir(source) -> Path:
    for folder in (source.adapter, source.merged):
        if (folder / "tokenizer_config.json").is_file():
            return folder
    from tadka.errors import InputError

    raise InputError("the run has no tokenizer (adapter/ or merged/)", file=source.root, field="--run")


def prepare(ws, source, cfg: EvalConfig, echo: Callable[[str], None]) -> EvalContext:
    """Prompts (targets, noise), tokenizer with the run's chat template, decodings and the CMI reference."""
    from transformers import AutoTokenizer

    from tadka.compress.bench_inputs import stop_tokens

    seed = cfg.seed if cfg.seed >= 0 else ws.config.project.seed
    prompts = gather(
        source.dataset, split=cfg.split, shipped=cfg.shipped, files=cfg.files, root=ws.root, limit=cfg.max_prompts
    )
    prompts = with_targets(prompts)
    if cfg.robustness:
        prompts = with_noise(prompts, cfg.noise, cfg.noise_rate, seed)
    folder = _tokenizer_dir(source)
    tokenizer = AutoTokenizer.from_pretrained(str(folder))  # saved by the trainer with the training chat template
    temperature, top_p = sampling_settings(source.merged if source.merged.is_dir() else folder, cfg)
    greedy = Decoding("greedy", cfg.max_new_tokens)
    sampled = Decoding("sample", cfg.max_new_tokens, temperature, top_p, seed) if cfg.sampling else None
    answers = training_answers(source.dataset)
    reference = training_reference(answers, (cfg.band[0], cfg.band[1])) if answers else None
    if reference is None:
        echo("no training set to compare code-mixing with: CMI band and distance are not reported")
    sets: dict[str, int] = {}
    for p in prompts:
        sets[p.set] = sets.get(p.set, 0) + 1
    echo(
        f"eval on {len(prompts)} prompts ({', '.join(f'{k} {v}' for k, v in sets.items())}), "
        f"max {cfg.max_new_tokens} new tokens"
    )
    return EvalContext(
        prompts,
        tokenizer,
        greedy,
        sampled,
        reference,
        set(stop_tokens(tokenizer)),
        cfg,
        seed,
        {"sets": sets, "dataset": source.dataset},
    )


def _ids(tokenizer, messages: list[dict]) -> list[int]:
    out = tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True, return_dict=True)
    return list(out["input_ids"])


def build_jobs(ctx: EvalContext) -> tuple[list[Job], int]:
    """Every job for one variant (the same for all), and the context length they need."""
    from tadka.compress.bench_inputs import ppl_item
    from tadka.records import Record

    jobs: list[Job] = []
    longest = 0
    for p in ctx.prompts:
        ids = _ids(ctx.tokenizer, p.messages)
        jobs.append(Job(p.id, "greedy", ids, ctx.greedy))
        longest = max(longest, len(ids) + ctx.greedy.max_new_tokens)
        if ctx.cfg.robustness and p.noisy:
            noisy = _ids(ctx.tokenizer, p.noisy)
            jobs.append(Job(p.id, "noisy", noisy, ctx.greedy))
            longest = max(longest, len(noisy) + ctx.greedy.max_new_tokens)
        if ctx.sampled is not None:
            jobs.append(Job(p.id, "sample", ids, ctx.sampled))
        if ctx.cfg.ppl and p.reference:
            item = ppl_item(
                ctx.tokenizer, Record(messages=[*p.messages, {"role": "assistant", "content": p.reference}])
            )
            jobs.append(Job(p.id, "ppl", item["ids"], spans=item["spans"]))
            longest = max(longest, len(item["ids"]))
    return jobs, -(-(longest + 8) // 64) * 64


def _text(ctx: EvalContext, tokens: list[int]) -> str:
    body = tokens[:-1] if tokens and tokens[-1] in ctx.eos else tokens
    return ctx.tokenizer.decode(body, skip_special_tokens=True).strip()


def variant_figures(ctx: EvalContext, model: EvalModel, run: VariantRun) -> dict[str, Any]:
    """The report entry of one variant: its figures per answer set, robustness, ref perplexity, answers."""
    row: dict[str, Any] = {
        "name": model.name,
        "kind": model.kind,
        "path": str(model.path),
        "seconds": run.seconds,
        "computed": run.computed,
        "runtime": run.runtime,
    }
    if run.error:
        row["error"] = run.error
    answers: dict[str, dict[str, Any]] = {}
    sets: dict[str, list[Answer]] = {"greedy": [], "noisy": [], "sample": []}
    nll = count = 0.0
    for p in ctx.prompts:
        entry: dict[str, Any] = {}
        for tag in ("greedy", "noisy", "sample"):
            got = run.results.get((p.id, tag))
            if got is not None:
                text = _text(ctx, got["tokens"])
                entry[tag] = text
                entry[f"{tag}_hit_limit"] = got["hit_limit"]
                sets[tag].append(
                    Answer(text, p.target, got["hit_limit"], p.reference, p.noisy_user if tag == "noisy" else p.user)
                )
        got = run.results.get((p.id, "ppl"))
        if got is not None:
            nll, count = nll + got["nll"], count + got["n"]
        if entry:
            answers[p.id] = entry
    if not answers:
        return row
    for tag, items in sets.items():
        if items:
            row[tag] = figures(items, ctx.reference)
    row["ref_ppl"] = round(math.exp(nll / count), 4) if count else None
    if "noisy" in row and "greedy" in row:
        pairs = [(a.get("greedy"), a.get("noisy")) for a in answers.values() if "noisy" in a and "greedy" in a]
        row["robustness"] = {
            **deltas(row["noisy"], row["greedy"]),
            "changed": round(sum(g != n for g, n in pairs) / len(pairs), 4) if pairs else None,
        }
    row["answers"] = answers
    return row


def evaluate_models(
    ctx: EvalContext, models: list[EvalModel], cache_dir: Path, echo: Callable[[str], None]
) -> list[dict[str, Any]]:
    """Answer with every model in turn (one failing says so in one line) and score each."""
    jobs, n_ctx = build_jobs(ctx)
    rows = []
    for model in models:
        started = time.monotonic()
        run = run_variant(
            model,
            [Job(j.prompt_id, j.tag, j.ids, j.decoding, j.spans) for j in jobs],
            cache_dir,
            threads=ctx.cfg.threads,
            n_ctx=n_ctx,
            eos=ctx.eos,
            echo=echo,
        )
        if run.error:
            echo(f"variant {model.name}: {run.error}")
        row = variant_figures(ctx, model, run)
        row["seconds"] = round(time.monotonic() - started, 1)
        rows.append(row)
    return rows


def evaluate(
    ws, run: str, cfg: EvalConfig, *, echo: Callable[[str], None] | None = None, out_dir: Path | None = None
) -> dict[str, Any]:
    """`tadka eval`: evaluate ``cfg.variants`` of ``run``; writes runs/<run>/eval/ and returns eval.json's content."""
    from tadka.compress.deps import require
    from tadka.compress.merge import find_run
    from tadka.train.evaluate.report import write_report

    echo = echo or (lambda line: print(line, flush=True))
    names = check_names(cfg.variants)
    require("torch", "transformers")
    source = find_run(run, ws.runs_dir, ws.root)
    started = time.monotonic()
    ctx = prepare(ws, source, cfg, echo)
    judge = None
    if cfg.judge:  # a judge that cannot be made is refused now, before any model answers
        from tadka.train.evaluate.judge import make_judge_teacher

        judge = make_judge_teacher(ws)[0]
    try:
        models = resolve_models(ws, source, names, echo)
        rows = evaluate_models(ctx, models, ws.root / "cache" / "eval" / source.name, echo)
        report = assemble(ctx, rows, source.name, time.monotonic() - started)
        if judge is not None:
            from tadka.train.evaluate.judge import judge_report

            report["judge"] = judge_report(ws, ctx.prompts, rows, cfg.judge_prompts, echo, teacher=judge)
    finally:
        if judge is not None:
            judge.close()
    folder = out_dir or source.root / "eval"
    write_report(report, folder)
    if out_dir is None and (source.root / "run_card.json").is_file():
        from tadka.train.card import add_eval
        from tadka.train.rundir import RunDir

        add_eval(RunDir(source.root), report)
    echo(f"eval report: {folder / 'eval.json'} ({report['seconds']:.0f} s)")
    return report


def assemble(ctx: EvalContext, rows: list[dict[str, Any]], run: str, seconds: float) -> dict[str, Any]:
    """eval.json's content."""
    decodings = {"greedy": ctx.greedy.to_dict(), "sample": ctx.sampled.to_dict() if ctx.sampled else None}
    return {
        "schema": 1,
        "run": run,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seconds": round(seconds, 1),
        "settings": {**ctx.cfg.to_dict(), "seed": ctx.seed},
        "decoding": decodings,
        "sources": ctx.sources,
        "definitions": DEFINITIONS,
        "reference": ctx.reference.to_dict() if ctx.reference else None,
        "prompts": [p.to_dict() for p in ctx.prompts],
        "variants": rows,
        "judge": None,
    }


def evaluate_bench(ws, source, report: dict[str, Any], folder: Path, echo: Callable[[str], None]) -> dict[str, Any]:
    """`tadka compress`'s student eval: every requested, benched variant answers (the eval: settings; the
    cache is shared with `tadka eval`), its headline goes into its bench row as ``eval``, and the full
    report into ``folder``."""
    import tadka.train.evaluate.config  # noqa: F401  (registers eval:)
    from tadka.compress.formats import formats
    from tadka.train.evaluate.report import headline, write_report

    cfg = ws.config["eval"]
    cfg.check()
    started = time.monotonic()
    ctx = prepare(ws, source, cfg, echo)
    wanted = [v for v in report["variants"] if v.get("requested", True) and "error" not in v]
    kinds = {"gguf": "gguf", "onnx": "onnx"}
    models = [EvalModel(v["name"], kinds.get(formats.get(v["format"]).family, "hf"), Path(v["path"])) for v in wanted]
    rows = evaluate_models(ctx, models, ws.root / "cache" / "eval" / source.name, echo)
    for v, row in zip(wanted, rows):
        if row.get("greedy"):
            v["eval"] = {k: val for k, val in headline(row).items() if k != "answers"}
        else:
            v["eval"] = {"error": row.get("error", "no answers")}
    out = assemble(ctx, rows, source.name, time.monotonic() - started)
    write_report(out, folder)
    return out


def check_inputs(ws, source) -> None:
    """The eval: section and its prompts, checked before compress builds anything."""
    import tadka.train.evaluate.config  # noqa: F401  (registers eval:)

    cfg = ws.config["eval"]
    cfg.check()
    gather(source.dataset, split=cfg.split, shipped=cfg.shipped, files=cfg.files, root=ws.root, limit=1)
