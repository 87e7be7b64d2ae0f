"""`tadka train`: the command lives with the training package (its flags are generated from the train
config) so that ``python -m tadka.train`` and ``accelerate launch -m tadka.train`` take the same flags."""

from tadka.train.cli import command

__all__ = ["command"]
