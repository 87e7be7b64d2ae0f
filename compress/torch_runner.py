"""The torch formats under the same measurement protocol as hil_bench.py (which this module imports).

Run as a subprocess by the bench, one per variant, so that its peak RSS and thread settings are its own:
``python -m tadka.compress.torch_runner --model DIR --inputs bench_inputs.json --threads 1,2``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from tadka.compress import hil_bench


class TorchBackend:
    """transformers forward with its own KV cache; threads through torch.set_num_threads."""

    def __init__(self, path: str, threads: int, n_ctx: int) -> None:  # noqa: ARG002 — n_ctx: same signature as the others
        import torch

        from tadka.compress.torch_quant import load

        self.torch = torch
        torch.set_num_threads(threads)
        self.model = load(Path(path))
        self.cache = None
        self.runtime = f"torch {torch.__version__}"

    def set_threads(self, threads: int) -> None:
        self.torch.set_num_threads(threads)

    def _forward(self, ids: list[int], keep: int, cache) -> np.ndarray:
        with self.torch.inference_mode():
            out = self.model(
                self.torch.tensor([ids], dtype=self.torch.long), cache=cache, use_cache=True, logits_to_keep=keep
            )
        self.cache = out.past_key_values
        return out.logits[0].float().numpy()

    def prefill(self, ids: list[int]) -> np.ndarray:
        return self._forward(ids, 1, None)[-1]

    def step(self, token: int) -> np.ndarray:
        return self._forward([token], 1, self.cache)[-1]

    def logits_all(self, ids: list[int]) -> np.ndarray:
        return self._forward(ids, 0, None)

    def state_bytes(self) -> int:
        total = 0
        for layer in getattr(self.cache, "layers", []):
            for name in ("keys", "values"):
                t = getattr(layer, name, None)
                if t is not None:
                    total += t.numel() * t.element_size()
        return total

    def close(self) -> None:
        self.model = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--inputs", required=True)
    parser.add_argument("--threads", default="1,2,4")
    parser.add_argument("--format", default="")
    parser.add_argument("--out", default=None)
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args(argv)
    inputs = json.loads(Path(args.inputs).read_text(encoding="utf-8"))
    threads = [int(t) for t in args.threads.split(",") if t.strip()]
    result = hil_bench.run(
        lambda t: TorchBackend(args.model, t, 0),
        args.model,
        inputs,
        threads,
        speed_only=args.speed_only,
        label=args.format,
    )
    text = json.dumps(result, indent=2)
    if args.out:
        hil_bench.write_result(args.out, text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
