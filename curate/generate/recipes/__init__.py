"""Generation recipes: self-instruct, evol-instruct, persona, translate, respond, judge."""

from tadka.curate.generate.recipes.base import Parsed, Recipe, Target, recipes

# importing each recipe module registers it in ``recipes``
from tadka.curate.generate.recipes import evol_instruct, judge, mixer_translate, persona  # noqa: F401
from tadka.curate.generate.recipes import respond, self_instruct, translate  # noqa: F401

__all__ = ["Parsed", "Recipe", "Target", "recipes"]
