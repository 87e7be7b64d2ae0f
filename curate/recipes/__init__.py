"""Generation recipes: self-instruct, evol-instruct, persona, translate, respond, judge."""

from tadka.curate.recipes.base import Parsed, Recipe, Target, recipes

__all__ = ["Parsed", "Recipe", "Target", "recipes"]
