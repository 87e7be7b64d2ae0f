"""The ``curate:`` section of tadka.yaml: which steps run, on what, and every threshold they use.

Keys are flat and prefixed by the step they belong to (``length_min_chars``, ``pii_action``) so that
tadka.yaml shows each one with its own comment; a step's ``from_config`` picks the keys with its
prefix. The defaults are the tuned ones described in each step's module docstring; the Gopher
thresholds (Rae et al. 2021, table A1) are kept where Hinglish chat did not need a change.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from tadka.config import Section, opt, section
from tadka.errors import ConfigError

DEFAULT_STEPS = [
    "length",
    "repetition",
    "language",
    "refusal",
    "profanity",
    "pii",
    "decontam",
    "judge",
    "dedup",
    "minhash",
]
ENGINES = ("local", "ray")


@section("curate", "`tadka curate`: filter, dedup and score a stage into curated/ and rejects/, with a report.")
@dataclass
class CurateConfig(Section):
    # -- the run ------------------------------------------------------------------------------
    stage: str = opt("", "Stage to curate; empty picks the latest of augmented, generated, imported, seeds.")
    output: str = opt("curated", "Stage that kept records are written to.")
    rejects: str = opt("rejects", "Stage that dropped records are written to, each with all its reasons in `flags`.")
    steps: list[str] = opt(
        DEFAULT_STEPS,
        "Steps in order (length, repetition, language, refusal, profanity, pii, decontam, judge, quality, "
        "dedup, minhash). Every record goes through every step, so a reject lists all its reasons; dedup and "
        "minhash run last over the whole stage and keep one unflagged record per cluster.",
    )
    engine: Literal["local", "ray"] = opt(
        "local",
        "local (this process, or --workers processes) or ray (Ray tasks; extra `ray`): "
        "tadka.executor runs the batches either way.",
    )
    workers: int = opt(1, "Processes for the per-record steps (worker processes, or Ray workers).", ge=1)
    batch_size: int = opt(1000, "Records per batch handed to a worker.", ge=1)
    report: bool = opt(True, "Write reports/curate/ (HTML page, PNG histograms, summary.json) after the run.")
    report_examples: int = opt(3, "Examples shown per reject reason in the report.")

    # -- length -------------------------------------------------------------------------------
    length_roles: list[str] = opt(["user", "assistant"], "Turns whose length is checked.")
    length_min_chars: int = opt(2, "Shortest turn, in characters (flag turn_too_short).")
    length_max_chars: int = opt(8000, "Longest turn, in characters (flag turn_too_long).")
    length_min_words: int = opt(1, "Fewest words (tokens that are not punctuation, emoji or URLs) in a turn.")
    length_max_words: int = opt(1500, "Most words in a turn.")
    length_min_response_words: int = opt(3, "Fewest words over all assistant turns together (flag too_short).")
    length_min_words_detail: int = opt(
        15,
        "Fewest words in an answer to a prompt that asks for detail (explain, samjhao, step by step, process, "
        "farak …; corpora/demand/answer_demand.tsv): flag too_short_for_prompt:detail. Good shipped answers to "
        "such prompts have 40 or more.",
    )
    length_min_words_how: int = opt(
        6,
        "Fewest words in an answer to a how/why prompt (kaise, kyun, how, why, kya karun): flag "
        "too_short_for_prompt:how. 'Kal 10 baje aa jana' answers a when-question and is not held to this.",
    )
    length_min_turns: int = opt(2, "Fewest user + assistant turns (flag too_few_turns).")
    length_max_turns: int = opt(40, "Most user + assistant turns (flag too_many_turns).")

    # -- repetition ---------------------------------------------------------------------------
    repetition_roles: list[str] = opt(["assistant"], "Turns checked for repetition, each on its own.")
    repetition_dup_line_frac: float = opt(
        0.30, "Most lines that repeat an earlier line, as a share of lines (Gopher: 0.30)."
    )
    repetition_dup_para_frac: float = opt(
        0.30, "Most paragraphs that repeat an earlier one, as a share (Gopher: 0.30)."
    )
    repetition_dup_line_char_frac: float = opt(
        0.20, "Most characters in repeated lines, as a share of characters (Gopher: 0.20)."
    )
    repetition_dup_para_char_frac: float = opt(0.20, "Most characters in repeated paragraphs (Gopher: 0.20).")
    repetition_min_words: int = opt(
        40,
        "The n-gram rules apply only to turns with at least this many words: in a short chat answer one "
        "repeated pair ('ke liye', 'karna hai') is already a large share (Gopher documents are thousands of "
        "words). With 40, no good Hinglish answer in corpora/ is dropped; with none, 3 of 593 are.",
    )
    repetition_dup_sentence_char_frac: float = opt(
        0.20,
        "Most characters in sentences (3+ words) that repeat an earlier sentence, at any length (a looping "
        "short answer: 'Form bharo. Form bharo. Form bharo.').",
    )
    repetition_short_loop_frac: float = opt(
        0.45,
        "In turns of short_min_words to min_words words: most words that repeat an earlier word (1 - distinct/"
        "total). Catches 'UPI PIN share mat karo, UPI PIN share mat karo …'; good short answers in corpora/ "
        "stay under 0.32.",
    )
    repetition_short_min_words: int = opt(3, "Shortest turn the short-loop rule applies to.")
    repetition_top_ngram_char_frac: dict[int, float] = opt(
        {2: 0.20, 3: 0.18, 4: 0.16},
        "n → most characters covered by the single most frequent word n-gram (Gopher's values; long Hinglish "
        "answers stay under 0.08).",
    )
    repetition_dup_ngram_char_frac: dict[int, float] = opt(
        {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10},
        "n → most characters inside word n-grams that occur more than once (Gopher's values).",
    )

    # -- language, script, CMI, Hinglish stop-words ---------------------------------------------
    language_roles: list[str] = opt(["assistant"], "Turns whose language is checked (together, as one text).")
    language_allowed: dict[str, list[str]] = opt(
        {
            "hi-Latn+en": ["hi-Latn"],
            "hi-Latn": ["hi-Latn"],
            "hi-Deva": ["hi-Deva"],
            "hi-Deva+en": ["hi-Deva", "hi-Latn"],
            "en": ["en"],
            "ta-Latn+en": ["ta-Latn"],
            "ta-Latn": ["ta-Latn"],
            "ta-Taml": ["ta-Taml"],
            "ta-Taml+en": ["ta-Taml", "ta-Latn"],
        },
        "Record lang → sentence labels (en, hi-Deva, hi-Latn, other) its text may get from sentence ID; a lang "
        "not listed is not checked.",
    )
    language_cmi_min: float = opt(
        0.0,
        "Lowest Code-Mixing Index (0–100, Das & Gambäck 2014) of the checked turns for a record whose lang has "
        "'+' (flag cmi_low). Raise it to keep only code-mixed answers: good Hinglish in corpora/ spans 0–50 "
        "(median 27, 1st percentile 2).",
    )
    language_cmi_max: float = opt(
        50.0,
        "Highest CMI for such a record (flag cmi_high). Two languages cannot exceed 50; above it a third "
        "language is mixed in. Lower it to target lightly mixed text.",
    )
    language_min_stopwords: int = opt(
        2,
        "Fewest Hindi function words (hai, ka, ke, nahi, mein … in Roman or Devanagari, spelling variants "
        "included) in a hi-* record's text (flag no_hindi_stopwords; a ta-* record: Tamil ones, flag "
        "no_tamil_stopwords); never an English stop-word rule.",
    )
    language_stopword_min_words: int = opt(6, "Texts with fewer words are not held to the stop-word rule.")

    # -- refusal and boilerplate ----------------------------------------------------------------
    refusal_roles: list[str] = opt(["assistant"], "Turns searched for refusals and AI boilerplate.")
    refusal_lists: list[str] = opt(["en", "hi_latn", "hi_deva"], "Phrase lists from corpora/refusals/ to use.")
    refusal_categories: list[str] = opt(
        ["refusal", "ai_identity", "boilerplate", "closing", "meta_talk"],
        "Categories to drop: refusal ('I can't help with that', 'main madad nahi kar sakta'), ai_identity ('As an "
        "AI language model', 'main ek AI hoon'), boilerplate (knowledge-cutoff notes, 'Here is the Hinglish "
        "translation:' and other teacher meta-talk), closing ('I hope this helps! Let me know if you have any other "
        "questions', 'umeed hai isse madad milegi': chat-assistant sign-offs no good answer in corpora/ has), "
        "meta_talk (an opening, closing or whole answer a small fastText model, reading it with its place in the "
        "answer and its overlap with the prompt, takes for talk about the answer or the conversation: 'Main aapko "
        "step by step samjhata hoon.', 'Feel free to ask follow-up questions.', 'Output:').",
    )
    refusal_meta_threshold: float = opt(
        0.8,
        "P(meta-talk) at or above which an edge of an answer is flagged "
        "meta_talk (bench/curate.py --part junk prints the trade-off).",
    )
    refusal_extra: list[str] = opt(
        [], "More patterns (Python regular expressions, matched case-insensitively as whole words), flagged refusal."
    )

    # -- PII ------------------------------------------------------------------------------------
    pii_kinds: list[str] = opt(
        ["email", "upi", "gstin", "dl", "card", "aadhaar", "phone", "pan", "voter", "passport", "ifsc", "vehicle"],
        "What to look for (digits of any script count): e-mail, UPI ID, GSTIN (check character), driving licence, "
        "card (Luhn), Aadhaar (Verhoeff), phone (+91 and bare 10-digit mobiles; not PNRs, OTPs, order ids), PAN, "
        "voter ID (EPIC), passport, IFSC, vehicle registration.",
    )
    pii_action: Literal["redact", "pseudonymize", "drop"] = opt(
        "redact",
        "redact (replace with [AADHAAR], [PHONE] … in a derived record), pseudonymize (a fake value of the "
        "same format: valid checksum, same separators and digit script) or drop (flag pii:KIND).",
    )
    pii_key: str = opt(
        "",
        "Secret for pseudonymize (the same value gets the same fake); empty: a random key kept in "
        "the workspace at cache/pii.key.",
    )
    pii_roles: list[str] = opt(["system", "user", "assistant"], "Turns searched for PII.")

    # -- profanity ------------------------------------------------------------------------------
    profanity_roles: list[str] = opt(["user", "assistant"], "Turns searched for profanity and slurs.")
    profanity_lists: list[str] = opt(["en", "hi_latn", "hi_deva"], "Word lists from corpora/profanity/ to use.")
    profanity_categories: list[str] = opt(["abuse", "slur", "sexual"], "Categories of the lists to drop.")
    profanity_extra: list[str] = opt([], "More words or phrases to drop (matched as whole words, case-insensitively).")
    profanity_allow: list[str] = opt([], "Words from the lists to allow after all.")

    # -- exact and near dedup -------------------------------------------------------------------
    lineage_kinds: list[str] = opt(
        ["augment", "edit"],
        "Source kinds whose parent_id makes a lineage: dedup never compares a record with its own parent or "
        "siblings, and drops a copy only with its parent or when it duplicates another lineage.",
    )
    dedup_roles: list[str] = opt(
        ["system", "user", "assistant"], "Turns hashed for exact dedup (after lower-casing and dropping punctuation)."
    )
    minhash_roles: list[str] = opt(["user", "assistant"], "Turns compared for near dedup.")
    minhash_threshold: float = opt(
        0.5,
        "Estimated Jaccard similarity of character-shingle sets at or above which "
        "a record is a near-duplicate of a kept one (why 0.5: see "
        "tadka.curate.dedup.minhash and bench/curate.py --part threshold).",
        gt=0,
        le=1,
    )
    minhash_shingle: int = opt(
        5, "Characters per shingle (after lower-casing and collapsing punctuation and spaces).", ge=1
    )
    minhash_num_perm: int = opt(128, "MinHash permutations (more: a finer similarity estimate, slower).", ge=16)
    minhash_seed: int = opt(1, "Seed of the MinHash permutations.")

    # -- decontamination ------------------------------------------------------------------------
    decontam_n: int = opt(13, "Word n-gram length: a record sharing any such n-gram with an eval set is dropped.", ge=1)
    decontam_roles: list[str] = opt(["user", "assistant"], "Turns checked for overlap.")
    decontam_min_words: int = opt(
        8, "Eval texts shorter than n words but at least this long are matched whole (a copied eval question)."
    )
    decontam_corpora: bool = opt(True, "Check against the shipped eval sets in corpora/eval/.")
    decontam_paths: list[str] = opt(
        [],
        "More eval files or folders (relative to the workspace): chat JSONL, TSV with a `text` column, or plain text. "
        "The workspace's eval/ folder and train.eval_files are always included.",
    )
    decontam_exports: bool = opt(
        False,
        "Also check against exports/*/eval.* — off by default: those splits are drawn from this data, so "
        "every record of an earlier eval split would be dropped from the next curated set.",
    )

    # -- judge and quality ----------------------------------------------------------------------
    judge_min: dict[str, float] = opt(
        {}, "Score name → lowest value kept, e.g. {judge_overall: 3.5} (flag judge_low:NAME)."
    )
    judge_min_any: float = opt(-1.0, "Lowest value for every judge_* score present; -1 turns this off.")
    judge_required: bool = opt(False, "Drop records without any judge_* score (flag judge_missing).")
    quality_min: float = opt(0.0, "Lowest scores.quality kept (0: only score, never drop).")
    quality_min_labels: int = opt(
        50, "Review labels (accepted/edited vs rejected) needed before the classifier is trained."
    )
    quality_model: str = opt("cache/quality", "Folder (in the workspace) of the trained fastText quality classifier.")

    def rules(self) -> None:
        """Cross-field checks the types and bounds cannot do; raises ConfigError naming the key."""
        from tadka.curate.filters import steps as registry

        for name in self.steps:
            registry.get(name)  # unknown names list the known ones
        if len(set(self.steps)) != len(self.steps):
            raise ConfigError("a step is listed twice", field="curate.steps")
        if self.output == self.rejects:
            raise ConfigError("output and rejects must be different stages", field="curate.rejects")

    def validate(self) -> "CurateConfig":
        """:meth:`check` (the name callers used before every section had one)."""
        return self.check()


def step_params(cfg: CurateConfig, prefix: str) -> dict:
    """The keys of one step (``length_min_chars`` → ``min_chars`` for prefix ``length``)."""
    start = prefix + "_"
    return {f.name[len(start) :]: getattr(cfg, f.name) for f in fields(cfg) if f.name.startswith(start)}
