"""Teachers that answer chats: openai (any OpenAI-compatible server), vllm, hf, and the offline mixer.

Each backend module registers itself when imported; add new ones to the list below (a name is
only known once its module is imported).
"""

from tadka.curate.generate.teachers.base import GenParams, Request, Result, Teacher, teachers
from tadka.curate.generate.teachers import hf_teacher, mixer, openai_teacher, vllm_teacher  # noqa: F401,E402  (register them)

__all__ = ["GenParams", "Request", "Result", "Teacher", "teachers"]
