"""Evaluation of the student as its users meet it: does the fine-tuned (and compressed) model answer in
Hinglish, at the training set's mix, without degenerating, on clean and noisy prompts?

* :mod:`.config` — the ``eval:`` section of tadka.yaml;
* :mod:`.prompts` — held-out prompts (export eval split, corpora/eval/, extra files), targets, noise;
* :mod:`.figures` — every figure as a function of answer texts, with its one-line definition;
* :mod:`.report` — eval.json, the comparison table, bar charts, samples.html, the headline;
* :mod:`.judge` — optional pairwise preference by the configured teacher, both answer orders.

The answers themselves come from the bench's runtimes in :mod:`tadka.compress.eval_run` (train never
imports compress: compress builds on train). Nothing here imports torch.
"""
