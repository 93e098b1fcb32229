"""Letter templates: a locked-down template engine, the shipped defaults and edit validation.

Letter bodies run in their own engine that can load only the letter templates and element
partials, with autoescaping on. An edited body must keep an ``{% element %}`` tag for each
required element (checked in the parsed template, so a comment does not count), and its
preview must show every element (so hiding one behind ``{% if %}`` does not pass either).
"""

from functools import cache
from pathlib import Path
from typing import Any

from django.template import Engine, Template, TemplateSyntaxError
from django.template.defaulttags import DebugNode, URLNode
from django.template.loader_tags import ExtendsNode, IncludeNode

from putright.letters.constants import LetterKind
from putright.letters.models import LetterTemplate
from putright.letters.templatetags.letter_tags import ElementNode
from putright.rules.profile import ResponseElement

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

DEFAULT_SUBJECTS = {
    LetterKind.ACKNOWLEDGEMENT: "We have received your complaint {{ reference }}",
    LetterKind.EXTENSION: "We need more time to answer your complaint {{ reference }}",
    LetterKind.REFUSAL: "About your complaint {{ reference }}",
    LetterKind.RESPONSE: "Our {{ stage.name|lower }} response to your complaint {{ reference }}",
    LetterKind.UPDATE: "An update on your complaint {{ reference }}",
    LetterKind.COMPLETION: "We have done what we promised: complaint {{ reference }}",
    LetterKind.SURVEY_FOLLOW_UP: "How to make a complaint",
    LetterKind.PORTAL_LINK: "Your sign-in link",
    LetterKind.HAZARD_SUMMARY: "What we found when we investigated the hazard in your home",
    LetterKind.EXCEPTIONAL_DELAY: "A delay to your complaint {{ reference }}",
}

TEMPLATE_SYNTAX = "The template has an error: {error}"
ELEMENT_NOT_PLACED = (
    'Keep {{% element "{key}" %}}: ({letter}) {label} is required (Code {provision}).'
)
ELEMENT_NOT_SHOWN = "The preview does not show ({letter}) {label} (Code {provision})."
TAG_NOT_ALLOWED = "A letter cannot use {{% {tag} %}}: use the letter's own data and elements."
# Tags that reach beyond the letter's own data: another template, the site's URLs, or a dump
# of the whole context (which holds the resident's personal data).
_FORBIDDEN_TAGS = {
    "include": IncludeNode,
    "extends": ExtendsNode,
    "url": URLNode,
    "debug": DebugNode,
}


@cache
def letter_engine() -> Engine:
    return Engine(
        dirs=[str(TEMPLATES_DIR)],
        app_dirs=False,
        autoescape=True,
        builtins=["putright.letters.templatetags.letter_tags"],
    )


def default_body(kind: str) -> str:
    return (TEMPLATES_DIR / "letters" / "defaults" / f"{kind}.html").read_text()


def current_template(kind: str) -> tuple[str, str, int]:
    """The subject, body and version in force for `kind` (version 0: the shipped default)."""
    edited = LetterTemplate.objects.filter(kind=kind).first()
    if edited is not None:
        return edited.subject, edited.body, edited.version
    return DEFAULT_SUBJECTS[LetterKind(kind)], default_body(kind), 0


def compile_template(source: str) -> Template:
    return letter_engine().from_string(source)


def placed_elements(template: Template) -> set[str]:
    return {node.key for node in template.nodelist.get_nodes_by_type(ElementNode)}


def template_errors(subject: str, body: str, elements: tuple[ResponseElement, ...]) -> list[str]:
    """Why an edited template cannot be saved; empty when it can."""
    try:
        compile_template(subject)
        compiled = compile_template(body)
    except TemplateSyntaxError as exc:
        return [TEMPLATE_SYNTAX.format(error=exc)]
    forbidden = [
        TAG_NOT_ALLOWED.format(tag=tag)
        for tag, node in _FORBIDDEN_TAGS.items()
        if compiled.nodelist.get_nodes_by_type(node)
    ]
    if forbidden:
        return forbidden
    placed = placed_elements(compiled)
    return [
        ELEMENT_NOT_PLACED.format(key=e.key, letter=e.letter, label=e.label, provision=e.provision)
        for e in elements
        if e.key not in placed
    ]


def render_source(source: str, context: dict[str, Any]) -> str:
    from django.template import Context

    return compile_template(source).render(Context(context, autoescape=True))
