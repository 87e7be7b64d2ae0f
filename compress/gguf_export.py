"""``gguf:*``: the merged HF model converted to GGUF by llama.cpp's own converter, then quantized by llama.cpp.

The ``gguf`` package writes GGUF files but has no HF converter; llama.cpp's ``convert_hf_to_gguf.py``
(with its ``conversion/`` package and the matching ``gguf-py``) ships inside the llama-cpp-python sdist.
We run that script from the sdist — never a copy in this repository — found in this order:
``$TADKA_LLAMA_CPP_DIR`` (a llama.cpp checkout), the per-machine cache, else the sdist of the installed
llama-cpp-python version fetched once with ``pip download`` and unpacked (only those three parts) into
the cache. Quantization is ``llama_cpp.llama_model_quantize`` on the f16 file.
"""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tadka import subproc
from tadka.compress.deps import require
from tadka.compress.formats import Builder, Format, register
from tadka.errors import TadkaError

log = logging.getLogger(__name__)

SCRIPT = "convert_hf_to_gguf.py"
SDIST_PARTS = (SCRIPT, "conversion/", "gguf-py/")
# Hang guards (a stuck index or converter is killed, with its children): the sdist is ~50 MB; converting a
# 7B model writes ~15 GB and takes minutes, a 135M one seconds.
DOWNLOAD_TIMEOUT_S = float(os.environ.get("TADKA_DOWNLOAD_TIMEOUT_S", 600))
CONVERT_TIMEOUT_S = float(os.environ.get("TADKA_CONVERT_TIMEOUT_S", 3600))
# convert_hf_to_gguf.py --outtype values that we expose as formats
CONVERT_TYPES = ("f32", "f16", "bf16")
# llama.cpp quantization types that need no importance matrix, by our name → llama_ftype constant
QUANT_TYPES = {
    "q8_0": "Q8_0",
    "q6_k": "Q6_K",
    "q5_k_m": "Q5_K_M",
    "q5_k_s": "Q5_K_S",
    "q5_0": "Q5_0",
    "q5_1": "Q5_1",
    "q4_k_m": "Q4_K_M",
    "q4_k_s": "Q4_K_S",
    "q4_0": "Q4_0",
    "q4_1": "Q4_1",
    "iq4_nl": "IQ4_NL",
    "iq4_xs": "IQ4_XS",
    "q3_k_l": "Q3_K_L",
    "q3_k_m": "Q3_K_M",
    "q3_k_s": "Q3_K_S",
    "q2_k": "Q2_K",
}


def _cache_root() -> Path:
    from tadka.train.models import cache_dir

    return cache_dir() / "llama.cpp"


def _find_script(root: Path) -> Path | None:
    for candidate in (root / SCRIPT, root / "vendor" / "llama.cpp" / SCRIPT):
        if candidate.is_file():
            return candidate
    return None


def llama_cpp_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("llama-cpp-python")
    except PackageNotFoundError:
        raise TadkaError(
            "GGUF export needs the 'llama-cpp-python' package, which is not installed",
            hint="CMAKE_ARGS='-DLLAVA_BUILD=OFF -DGGML_NATIVE=OFF' pip install 'tadka[llama]'",
        ) from None


def converter() -> Path:
    """Path of convert_hf_to_gguf.py from llama.cpp, fetching the llama-cpp-python sdist once if needed."""
    env = os.environ.get("TADKA_LLAMA_CPP_DIR")
    if env:
        found = _find_script(Path(env).expanduser())
        if found is None:
            raise TadkaError(
                f"no {SCRIPT} in it", file=env, field="TADKA_LLAMA_CPP_DIR", hint="point it at a llama.cpp checkout"
            )
        return found
    version = llama_cpp_version()
    target = _cache_root() / version
    if (target / SCRIPT).is_file():
        return target / SCRIPT
    with tempfile.TemporaryDirectory(prefix="tadka-sdist-") as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--no-binary",
            ":all:",
            "--quiet",
            "-d",
            tmp,
            f"llama-cpp-python=={version}",
        ]
        log.warning("fetching the llama-cpp-python %s sdist once for llama.cpp's HF→GGUF converter", version)
        try:
            done = subproc.run(cmd, capture_output=True, text=True, timeout=DOWNLOAD_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise TadkaError(
                f"fetching the llama-cpp-python {version} sdist took over {DOWNLOAD_TIMEOUT_S:g} s (killed)",
                field="gguf",
                hint="set TADKA_LLAMA_CPP_DIR to a llama.cpp checkout",
            ) from None
        archives = list(Path(tmp).glob("*.tar.gz"))
        if done.returncode != 0 or not archives:
            last = (done.stderr.strip().splitlines() or ["no archive"])[-1]
            raise TadkaError(
                f"could not fetch the llama-cpp-python {version} sdist for its GGUF converter ({last})",
                field="gguf",
                hint="set TADKA_LLAMA_CPP_DIR to a llama.cpp checkout",
            )
        _unpack(archives[0], target)
    return target / SCRIPT


def _unpack(archive: Path, target: Path) -> None:
    """Extract only the converter, its conversion/ package and gguf-py/ from vendor/llama.cpp."""
    from tadka.atomic import atomic_dir

    with tarfile.open(archive) as tar, atomic_dir(target) as tmp:
        members = []
        for m in tar.getmembers():
            parts = m.name.split("/")
            if len(parts) < 4 or parts[1:3] != ["vendor", "llama.cpp"]:
                continue
            rel = "/".join(parts[3:])
            if any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in SDIST_PARTS):
                m.name = rel
                members.append(m)
        tar.extractall(tmp, members=members, filter="data")
        if not (tmp / SCRIPT).is_file():
            raise TadkaError(f"{archive.name} has no vendor/llama.cpp/{SCRIPT}", field="gguf")


def convert(model_dir: Path, out: Path, outtype: str = "f16") -> Path:
    """HF folder → GGUF with llama.cpp's converter (run as a script, as llama.cpp documents it)."""
    require("torch", "transformers", "sentencepiece")
    script = converter()
    cmd = [sys.executable, str(script), str(model_dir), "--outfile", str(out), "--outtype", outtype]
    # without NO_LOCAL_GGUF the script imports its own gguf-py, which matches it, not the installed one
    env = {k: v for k, v in os.environ.items() if k != "NO_LOCAL_GGUF"}
    try:
        done = subproc.run(cmd, capture_output=True, text=True, env=env, timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise TadkaError(
            f"llama.cpp's converter took over {CONVERT_TIMEOUT_S:g} s (killed)",
            file=model_dir,
            field="gguf",
            hint="set TADKA_CONVERT_TIMEOUT_S for a very large model",
        ) from None
    if done.returncode != 0 or not out.is_file():
        lines = [ln for ln in done.stderr.strip().splitlines() if ln.strip()]
        reason = next((ln for ln in reversed(lines) if "Error" in ln or "error" in ln), lines[-1] if lines else "")
        raise TadkaError(
            f"llama.cpp's converter failed: {reason.strip()[:300]}",
            file=model_dir,
            field="gguf",
            hint="only architectures and tokenizers that llama.cpp knows convert",
        )
    return out


_LOG_CB = None


def quiet_llama() -> None:
    """Route llama.cpp's own logging (one line per tensor while quantizing) to our debug log."""
    global _LOG_CB
    (llama_cpp,) = require("llama_cpp")
    if _LOG_CB is None:

        @llama_cpp.llama_log_callback
        def _log(level, text, user_data):  # noqa: ARG001 — ctypes callback signature
            log.debug("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

        _LOG_CB = _log
        llama_cpp.llama_log_set(_LOG_CB, ctypes.c_void_p())


# Q4_K needs rows that are a multiple of 256. Where they are not (SmolLM2: hidden 576), llama.cpp falls
# back to the *wider* Q5_0 (and Q6_K → Q8_0 for a tied embedding/output), which left SmolLM2's
# "Q4_K_M" at 39 % of f16. For the 4-bit K mixes we pick the 32-block type of the width the mix meant
# instead: IQ4_NL (4.5 bpw) for the 4-bit tensors and Q5_1 (6 bpw, nearest to Q6_K's 6.56) for a tied
# embedding. Measured on SmolLM2: 101 → 83 MiB, 39 → 32 % of f16 (docs/compress.md has the figures).
FOUR_BIT_K = ("q4_k_m", "q4_k_s")
FOUR_BIT_TENSORS = rb"attn_q\.weight|attn_k\.weight|attn_output\.weight|ffn_gate\.weight|ffn_up\.weight"


def k_quant_fit(model_dir: Path, qtype: str) -> dict:
    """Overrides for ``qtype`` on this model (empty when llama.cpp's own policy applies unchanged)."""
    import json

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    if qtype not in FOUR_BIT_K or config.get("hidden_size", 256) % 256 == 0:
        return {}
    fit = {"tensors": "IQ4_NL"}
    if config.get("tie_word_embeddings"):
        fit["token_embd"] = "Q5_1"
    return fit


def quantize(src: Path, dst: Path, qtype: str, threads: int = 0, fit: dict | None = None) -> Path:
    """llama_model_quantize with llama.cpp's policy for ``qtype`` (a key of QUANT_TYPES), plus ``fit``
    (see :func:`k_quant_fit`): ``tensors`` → type of the 4-bit tensors, ``token_embd`` → type of the embedding."""
    (llama_cpp,) = require("llama_cpp")
    quiet_llama()
    fit = fit or {}
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, f"LLAMA_FTYPE_MOSTLY_{QUANT_TYPES[qtype]}")
    params.nthread = threads
    overrides = None
    if "tensors" in fit:
        overrides = (llama_cpp.llama_model_tensor_override * 2)()  # NULL-pattern terminated
        overrides[0].pattern = FOUR_BIT_TENSORS
        overrides[0].type = getattr(llama_cpp, f"GGML_TYPE_{fit['tensors']}")
        overrides[1].pattern = None
        params.tt_overrides = ctypes.cast(overrides, ctypes.POINTER(llama_cpp.llama_model_tensor_override))
    if "token_embd" in fit:
        params.token_embedding_type = getattr(llama_cpp, f"GGML_TYPE_{fit['token_embd']}")
    rc = llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params))
    if rc != 0 or not dst.is_file():
        raise TadkaError(f"llama.cpp could not quantize to {qtype} (code {rc})", file=src, field="gguf")
    return dst


def _converted(outtype: str):
    def build(builder: Builder, folder: Path) -> Path:
        return convert(builder.source, folder / f"model-{outtype}.gguf", outtype)

    return build


def _quantized(qtype: str):
    def build(builder: Builder, folder: Path) -> Path:
        return quantize(
            builder.build("gguf:f16"),
            folder / f"model-{qtype}.gguf",
            qtype,
            builder.threads,
            k_quant_fit(builder.source, qtype),
        )

    return build


for _t in CONVERT_TYPES:
    register(
        Format(
            f"gguf:{_t}",
            "gguf",
            _converted(_t),
            f"GGUF, {_t} weights (llama.cpp)",
            needs=("torch", "transformers", "sentencepiece", "llama_cpp"),
        )
    )
for _q, _ftype in QUANT_TYPES.items():
    register(
        Format(
            f"gguf:{_q}",
            "gguf",
            _quantized(_q),
            f"GGUF, llama.cpp {_ftype} (from gguf:f16)",
            needs=("torch", "transformers", "sentencepiece", "llama_cpp"),
        )
    )
