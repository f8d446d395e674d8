"""The charter's text: sections the city may rewrite, rendered in a sandbox."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any

import jinja2
import jinja2.meta
import sqlalchemy as sa
from jinja2.sandbox import SandboxedEnvironment

from reuse_tracker.auth.models import User
from reuse_tracker.db_types import utcnow
from reuse_tracker.errors import ValidationError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.loans.models import CharterSection

LOCALES = ("fr", "en")
LANGUAGE_TITLES = {"fr": _l("French text"), "en": _l("English text")}
MAX_SECTION_LENGTH = 5000
SECTION_TITLES = {
    "introduction": _l("Purpose and parties"),
    "loan": _l("The loan and its conditions"),
    "family": _l("The family's commitments"),
    "city": _l("The city's commitments"),
    "association": _l("The association's commitments"),
    "data": _l("Personal data"),
}
SECTIONS = tuple(SECTION_TITLES)

#: The placeholders a section may use, with what they hold.
PLACEHOLDERS = {
    "family": _l("the family's reference"),
    "parent": _l("the parent's name"),
    "child_class": _l("the child's class"),
    "school": _l("the school"),
    "device": _l("the device's asset tag"),
    "model": _l("brand and model"),
    "serial": _l("serial number"),
    "association": _l("the accompanying association"),
    "due_on": _l("the date the device is due back"),
    "duration_months": _l("the loan's duration in months"),
    "retention_months": _l("how long contact details are kept after the loan, in months"),
    "wave": _l("the wave"),
    "programme": _l("the programme's name"),
}

#: The same placeholders by their French names (one word each), for texts written in French.
FRENCH_NAMES = {
    "family": "famille",
    "parent": "parent",
    "child_class": "classe",
    "school": "ecole",
    "device": "equipement",
    "model": "modele",
    "serial": "serie",
    "association": "association",
    "due_on": "retour",
    "duration_months": "duree",
    "retention_months": "conservation",
    "wave": "vague",
    "programme": "programme",
}


def placeholders_for(locale: str) -> dict[str, Any]:
    """The placeholders as the editor lists them: French names for a French reader."""
    if locale == "fr":
        return {FRENCH_NAMES[name]: meaning for name, meaning in PLACEHOLDERS.items()}
    return dict(PLACEHOLDERS)


def _with_french_names(context: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **context,
        **{french: context[name] for name, french in FRENCH_NAMES.items() if name in context},
    }


# fmt: off
DEFAULTS: dict[str, dict[str, str]] = {
    "introduction": {
        "fr": "La présente charte d'engagement est conclue entre {{ programme }} (la Ville), "
              "l'établissement {{ school }}, l'association {{ association }}, qui accompagne la "
              "famille, et la famille {{ family }}, représentée par {{ parent }}. Elle encadre la "
              "mise à "
              "disposition gratuite d'un ordinateur reconditionné pour la scolarité de l'enfant "
              "(classe : {{ child_class }}).",
        "en": "This engagement charter is agreed between {{ programme }} (the City), the school "
              "{{ school }}, the association {{ association }}, which accompanies the family, "
              "and the family {{ family }}, represented by {{ parent }}. It frames the free loan "
              "of a reconditioned computer for the child's schooling (class: {{ child_class }}).",
    },
    "loan": {
        "fr": "L'équipement {{ model }} (numéro d'inventaire {{ device }}, numéro de série "
              "{{ serial }}) est prêté gratuitement pour {{ duration_months }} mois, jusqu'au "
              "{{ due_on }}. Il reste la propriété de la Ville. À la fin du prêt, il est rendu ; "
              "la Ville peut aussi décider d'en transférer la propriété à la famille. Les données "
              "de son ancien propriétaire ont été effacées avant son reconditionnement.",
        "en": "The device {{ model }} (asset tag {{ device }}, serial number {{ serial }}) is "
              "lent free of charge for {{ duration_months }} months, until {{ due_on }}. It "
              "remains the City's property. At the end of the loan it is returned; the City may "
              "also decide to give it to the family. The data of its former owner were erased "
              "before it was reconditioned.",
    },
    "family": {
        "fr": "La famille s'engage à utiliser l'équipement d'abord pour la scolarité de "
              "l'enfant ; à en prendre soin, à ne pas le vendre, le prêter ni le céder ; à "
              "signaler sans tarder une panne, une perte ou un vol à l'association ou à l'école ; "
              "à participer à l'accompagnement proposé ; et à le rendre à la fin du prêt ou si "
              "elle quitte le dispositif.",
        "en": "The family undertakes to use the device first for the child's schooling; to take "
              "care of it and not to sell, lend or give it away; to report a fault, a loss or a "
              "theft promptly to the association or the school; to take part in the support "
              "offered; and to return it at the end of the loan or on leaving the programme.",
    },
    "city": {
        "fr": "La Ville s'engage à fournir un équipement reconditionné en état de marche, aux "
              "données effacées ; à le reprendre ou le remplacer en cas de panne qui ne vient pas "
              "d'un mauvais usage ; et à orienter la famille vers une offre de connexion à tarif "
              "social si elle en a besoin.",
        "en": "The City undertakes to provide a reconditioned device in working order, its data "
              "erased; to take it back or replace it if it fails through no misuse; and to "
              "direct the family to a low-cost internet offer if it needs one.",
    },
    "association": {
        "fr": "{{ association }} s'engage à accompagner la famille dans la prise en main de "
              "l'ordinateur et des outils numériques de l'école, et à rester son interlocuteur "
              "pendant toute la durée du prêt.",
        "en": "{{ association }} undertakes to help the family get started with the computer "
              "and the school's digital tools, and to remain its contact for the whole loan.",
    },
    "data": {
        "fr": "Les coordonnées de la famille servent uniquement au suivi de ce prêt. Seuls les "
              "agents de coordination de la Ville et l'association qui l'accompagne y ont accès. "
              "Elles sont effacées {{ retention_months }} mois après la fin du prêt. La famille "
              "peut demander à les consulter ou à les corriger auprès de la Ville.",
        "en": "The family's contact details are used only to follow this loan. Only the City's "
              "coordinators and the accompanying association can see them. They are erased "
              "{{ retention_months }} months after the loan ends. The family may ask the City "
              "to see or correct them.",
    },
}
# fmt: on
# The French texts name their placeholders in French.
for _texts in DEFAULTS.values():
    _texts["fr"] = re.sub(
        r"\{\{ (\w+) \}\}",
        lambda match: "{{ " + FRENCH_NAMES.get(match.group(1), match.group(1)) + " }}",
        _texts["fr"],
    )

_environment = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)


def sample_context() -> dict[str, str]:
    """Return example values for every placeholder, to check a text before saving it."""
    return {name: f"[{name}]" for name in PLACEHOLDERS}


@functools.lru_cache(maxsize=256)
def _compiled(body: str) -> jinja2.Template:
    """A section's template compiled once (a charter page renders each of them)."""
    return _environment.from_string(body)


def render_section(body: str, context: Mapping[str, Any]) -> str:
    """Render one section's template in the sandbox; raise jinja2 errors on a bad template."""
    return _compiled(body).render(**_with_french_names(context))


def stored_texts(locale: str) -> dict[str, str]:
    """Return the city's own texts for ``locale`` (sections it has not rewritten are absent)."""
    rows = db.session.execute(
        sa.select(CharterSection.section, CharterSection.body).where(
            CharterSection.locale == locale
        )
    )
    return {section: body for section, body in rows}


def section_texts(locale: str) -> dict[str, str]:
    """Return every section's template for ``locale``: the city's text, else the default."""
    locale = locale if locale in LOCALES else LOCALES[0]
    stored = stored_texts(locale)
    return {section: stored.get(section) or DEFAULTS[section][locale] for section in SECTIONS}


def render_sections(locale: str, context: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Return (title, text) of each section for a loan; a broken text falls back to the default."""
    rendered = []
    for section, body in section_texts(locale).items():
        try:
            text = render_section(body, context)
        except jinja2.TemplateError:
            text = render_section(DEFAULTS[section][locale if locale in LOCALES else "fr"], context)
        rendered.append((str(SECTION_TITLES[section]), text))
    return rendered


def _problem(body: str) -> str | None:
    """What keeps ``body`` from being used, in the reader's words (never jinja's English)."""
    if len(body) > MAX_SECTION_LENGTH:
        return str(_l("must be at most %(n)s characters", n=MAX_SECTION_LENGTH))
    try:
        parsed = _environment.parse(body)
    except jinja2.TemplateSyntaxError as error:
        return str(_l("the text cannot be read near line %(n)s: check the {{ }}", n=error.lineno))
    known = set(PLACEHOLDERS) | set(FRENCH_NAMES.values())
    unknown = sorted(jinja2.meta.find_undeclared_variables(parsed) - known)
    if unknown:
        return str(
            _l(
                "unknown placeholder %(names)s; the placeholders are: %(known)s",
                names=", ".join("{{ " + name + " }}" for name in unknown),
                known=", ".join(FRENCH_NAMES.values()),
            )
        )
    try:
        render_section(body, sample_context())
    except jinja2.TemplateError:
        return str(_l("the text cannot be read: check the {{ }}"))
    return None


def save_texts(texts: Mapping[str, str], actor: User | None) -> None:
    """Store the city's texts, keyed ``<locale>.<section>``; empty or default removes it; flush."""
    errors: dict[str, str] = {}
    wanted: dict[tuple[str, str], str | None] = {}
    for locale in LOCALES:
        for section in SECTIONS:
            body = (texts.get(f"{locale}.{section}") or "").replace("\r\n", "\n").strip()
            default = not body or body == DEFAULTS[section][locale]
            problem = None if default else _problem(body)
            if problem:
                errors[f"{locale}.{section}"] = problem
            wanted[(locale, section)] = None if default else body
    if errors:
        labels = {
            f"{locale}.{section}": f"{LANGUAGE_TITLES[locale]} · {SECTION_TITLES[section]}"
            for locale in LOCALES
            for section in SECTIONS
        }
        raise ValidationError(_l("Some texts cannot be used."), errors, labels)
    existing = {
        (row.locale, row.section): row for row in db.session.scalars(sa.select(CharterSection))
    }
    for key, body in wanted.items():
        row = existing.get(key)
        if body is None and row is not None:
            db.session.delete(row)
        elif body is not None and (row is None or row.body != body):
            row = row or CharterSection(locale=key[0], section=key[1])
            row.body, row.updated_at = body, utcnow()
            row.updated_by_id = actor.id if actor else None
            db.session.add(row)
    db.session.flush()
