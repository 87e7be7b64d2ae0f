"""Generation recipes: self-instruct, evol-instruct, persona, translate, respond, judge."""

from tadka.curate.generate.recipes.base import Parsed, Recipe, Target, recipes
from tadka.curate.generate.recipes import evol_instruct, judge, mixer_translate, persona, respond, self_instruct, translate  # noqa: F401,E402

__all__ = ["Parsed", "Recipe", "Target", "recipes"]
