"""The `vllm` teacher's request/response conversion, against a small fake engine.

vLLM itself needs CUDA and cannot be installed here; the real-engine test below is skipped unless
the `vllm` extra is installed (the tested route is `vllm serve` + the `openai` teacher, see
docs/teachers.md).
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from tadka.curate.generate.teachers import teachers
from tadka.curate.generate.teachers.base import GenParams, Request
from tadka.curate.generate.teachers.vllm_teacher import VLLMTeacher, sampling_kwargs
from tadka.errors import MissingExtra

SCHEMA = {
    "type": "object",
    "properties": {"instruction": {"type": "string"}, "response": {"type": "string"}},
    "required": ["instruction", "response"],
}


class FakeLLM:
    """Answers like vllm.LLM.chat: one RequestOutput per conversation, in order."""

    def __init__(self, finish: str = "stop") -> None:
        self.calls: list[tuple[list, list]] = []
        self.finish = finish

    def chat(self, messages, sampling_params=None, use_tqdm=True):
        assert use_tqdm is False
        self.calls.append((messages, sampling_params))
        outputs = []
        for conv, sp in zip(messages, sampling_params):
            last = conv[-1]["content"]
            text = json.dumps({"instruction": last, "response": "theek hai"}) if "json" in sp else f"jawab: {last}"
            outputs.append(
                SimpleNamespace(
                    prompt_token_ids=list(range(len(last.split()) + 5)),
                    outputs=[SimpleNamespace(text=text, token_ids=[1, 2, 3], finish_reason=self.finish)],
                )
            )
        return outputs


def test_registered_under_vllm():
    assert teachers.get("vllm") is VLLMTeacher


def test_requests_become_chats_and_sampling_params(tmp_path):
    fake = FakeLLM()
    teacher = VLLMTeacher("tiny-model", llm=fake, sampling=dict, chunk=2, cache=tmp_path / "t.db", progress=False)
    requests = [
        Request([{"role": "system", "content": "Hinglish mein jawab do."}, {"role": "user", "content": f"sawal {i}"}])
        for i in range(3)
    ] + [Request([{"role": "user", "content": "JSON do"}], {"json_schema": SCHEMA})]
    params = GenParams(temperature=0.3, top_p=0.9, max_tokens=64, seed=7, stop=["###"])
    results = teacher.generate(requests, params)
    assert [len(c[0]) for c in fake.calls] == [2, 2]  # chunks of 2, each cached before the next
    conversations = [conv for call in fake.calls for conv in call[0]]
    assert conversations == [r.messages for r in requests]
    first = fake.calls[0][1][0]
    assert first == {"temperature": 0.3, "top_p": 0.9, "max_tokens": 64, "seed": 7, "stop": ["###"]}
    assert fake.calls[1][1][1]["json"] == SCHEMA
    assert results[0].text == "jawab: sawal 0" and results[0].finish_reason == "stop"
    assert results[0].prompt_tokens == 7 and results[0].completion_tokens == 3 and results[0].cost_usd == 0
    assert json.loads(results[3].text) == {"instruction": "JSON do", "response": "theek hai"}
    again = teacher.generate(requests, params)  # resume: everything from the cache, no engine call
    assert len(fake.calls) == 2 and all(r.cached for r in again)


def test_length_and_abort_are_failures():
    cut = VLLMTeacher("m", llm=FakeLLM("length"), sampling=dict, progress=False)
    (r,) = cut.generate([Request([{"role": "user", "content": "lamba likho"}])], GenParams(max_tokens=3))
    assert r.error.startswith("length") and r.text
    aborted = VLLMTeacher("m", llm=FakeLLM("abort"), sampling=dict, progress=False)
    (r,) = aborted.generate([Request([{"role": "user", "content": "ruko"}])], GenParams())
    assert r.error == "vllm aborted the request"


def test_an_engine_error_fails_its_chunk_only():
    class Flaky(FakeLLM):
        def chat(self, messages, sampling_params=None, use_tqdm=True):
            if any("bahut lamba" in c[-1]["content"] for c in messages):
                raise ValueError("prompt is longer than max_model_len")
            return super().chat(messages, sampling_params, use_tqdm)

    teacher = VLLMTeacher("m", llm=Flaky(), sampling=dict, chunk=1, progress=False)
    ok, bad = teacher.generate(
        [Request([{"role": "user", "content": "chhota"}]), Request([{"role": "user", "content": "bahut lamba"}])],
        GenParams(),
    )
    assert ok.ok and "max_model_len" in bad.error


def test_sampling_kwargs_leave_out_unset_values():
    assert sampling_kwargs(GenParams(seed=None, stop=None), None) == {
        "temperature": 0.7,
        "top_p": 0.95,
        "max_tokens": 512,
    }


def test_without_the_extra_the_error_names_it():
    try:
        import vllm  # noqa: F401
    except ImportError:
        with pytest.raises(MissingExtra, match=r"tadka\[vllm\]"):
            VLLMTeacher("m", progress=False).generate([Request([{"role": "user", "content": "x"}])], GenParams())
    else:
        pytest.skip("vllm is installed: the missing-extra path cannot be shown")


def test_real_engine_on_a_tiny_model(tmp_path):
    pytest.importorskip("vllm", reason="needs the 'vllm' extra (pip install 'tadka[vllm]'), which needs CUDA")
    from tests.curate.test_teacher_hf import tiny_model

    path = tiny_model(tmp_path)
    teacher = VLLMTeacher(str(path), engine_args={"max_model_len": 256, "gpu_memory_utilization": 0.2}, progress=False)
    results = teacher.generate([Request([{"role": "user", "content": "namaste"}])], GenParams(max_tokens=8))
    assert results[0].text is not None and results[0].completion_tokens > 0
