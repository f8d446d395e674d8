"""Random text of every Unicode category in every field of every page form and API body.

The fields are found, not listed: the page forms are read from the pages themselves (every
GET page of the URL map, rendered for the roles that use it: each ``<form method="post">``
with its inputs, buttons, selects and text areas), the API's from the request schemas and
query parameters of ``/api/v1/openapi.json``. A new field is fuzzed without editing this
file, and a POST route that no form or API operation reaches fails
``test_every_post_route_and_field_is_fuzzed``.

Each example puts the random text in one field, the others keeping a valid value (the
page's own, with the hostile-input test's valid bases laid over it), and sends it as a role
that may: no answer is a server error, a refusal stores nothing (``tests.hostile``'s
``stored_rows`` watches each request, ``snapshot`` each form whose values were all refused)
and its message shows no traceback, nor on a page a code identifier. A form without a field
(sign out, revoke a link) is reached but has nothing to fill.
"""

from __future__ import annotations

import io
import itertools
import operator
import os
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException

from reuse_tracker import inputs
from reuse_tracker.devices import lifecycle, services
from reuse_tracker.devices.models import Device
from reuse_tracker.extensions import db
from tests.hostile import API_CALLS, FORMS, fill, poisoned, show, snapshot, stored_rows
from tests.intake.helpers import csv_file
from tests.loans.conftest import TODAY

#: Code points UTF-8 can carry: every category, controls, format, private-use and unassigned
#: ones included. Lone surrogates (Cs) are left out: they have no UTF-8 form, so no form
#: body or query string can carry one (a browser sends U+FFFD instead).
FORM_CHARACTERS = st.characters(codec="utf-8") | st.characters(
    categories=["Cc", "Cf", "Co", "Zl", "Zp", "Zs", "Mn", "Nd", "No"], codec="utf-8"
)
#: JSON can carry them ("\ud800" is valid JSON and decodes to a lone surrogate): all of them.
JSON_CHARACTERS = st.characters(exclude_categories=()) | st.characters(
    categories=["Cc", "Cf", "Co", "Cs", "Zl", "Zp", "Zs", "Mn", "Nd", "No"]
)
#: One past each length limit of the input layer (the megabyte past every limit is one of
#: the hostile-input test's fixed values: a few of them would take most of this file's time).
LENGTHS = sorted({limit + 1 for limit, _ in inputs.TEXT_KINDS.values()})


def random_text(characters: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Short texts, ASCII digits with odd characters among them, numbers, long runs."""
    return st.one_of(
        # First, since Hypothesis starts each test with the simplest example: "0" * 81, too
        # long for a code and too big for any number, rather than an empty field.
        st.builds(
            operator.mul, st.text(characters, min_size=1, max_size=2), st.sampled_from(LENGTHS)
        ),
        st.text(characters, max_size=40),
        st.text(st.sampled_from("0123456789") | characters, min_size=1, max_size=24),
        st.integers(-(2**70), 2**70).map(str),
    )


FORM_TEXT = random_text(FORM_CHARACTERS)
JSON_TEXT = random_text(JSON_CHARACTERS)
#: Examples per field: one, for CI's time (the fixed hostile values are walked elsewhere);
#: FUZZ_EXAMPLES_PER_FIELD=20 makes a deeper run, the same on every run of that number.
EXAMPLES_PER_FIELD = int(os.environ.get("FUZZ_EXAMPLES_PER_FIELD", "1"))
SETTINGS = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
#: What a refusal's message must never show: a traceback, an exception, Python's words.
TRACEBACK = re.compile(
    r"Traceback|File \"|\w+(Error|Exception)\b|NoneType|sqlalchemy|psycopg|werkzeug|\b__\w+__\b"
)
#: A page's refusal no code identifier either (``device_type``); the API names its fields
#: and codes by their keys, as its description does. The columns an uploaded file must have
#: are named as the file spells them, between quotes.
CODE = re.compile(TRACEBACK.pattern + r"|(?<![“\w])[a-z][a-z0-9]*_[a-z0-9_]+\b(?![”\w])")
#: Statuses that refuse a request; a page may also re-show its form with errors.
REFUSALS = {400, 404, 409, 413, 422}
#: Which of the world's records a page's URL argument names.
ARGUMENTS = {
    "asset_tag": "tags",
    "donation_id": "donation",
    "wave_id": "waves",
    "school_id": "school",
    "document_id": "document_id",
    "donor_id": "donor",
    "token": "tokens",
    "reference": "family",
    "loan_id": "loans",
    "code": "document",
    "dataset": "dataset",
}
#: The roles pages are read as, in the order a form's sender is chosen (a visitor: signed out).
CRAWLERS = ["coordinator", "mediator", "workshop", "admin", "visitor"]


@pytest.fixture
def fuzz_world(world, app_ctx, make_user, make_donation):
    """The hostile-input world, with devices in every loan state, an overdue loan, a closed
    wave with a family waiting, a deactivated user, a donor's link: every form is shown."""
    from reuse_tracker.auth import administration
    from reuse_tracker.documents.models import IssuedDocument
    from reuse_tracker.donors import services as donors
    from reuse_tracker.loans import families, programme
    from reuse_tracker.loans.models import Family, Loan
    from reuse_tracker.loans.support import add_offer
    from reuse_tracker.vocabulary import LoanStatus

    names, callers = world
    callers = {**callers, "visitor": (app_ctx.test_client(), {})}
    donation = make_donation(4)
    tags = _devices_in_every_state(names, donation.id)
    closed = programme.create_wave(
        {"name": "Vague close", "starts_on": date(2031, 10, 1), "targets": {"laptop": 1}}
    )
    families.create_family(_referral(names, wave=closed.id), None)
    closed.is_open = False
    family = db.session.scalar(sa.select(Family).order_by(Family.id))
    add_offer(family, {"offer": "Box solidaire", "referred_on": TODAY}, None)
    donation.donor.contact_email = "dons@exemple.fr"
    token = donors.new_link(donation.donor, None)
    admin, former = make_user("admin"), make_user("viewer")
    reset = administration.reset_token(make_user("viewer"), actor=admin)
    administration.set_enabled(former, False, actor=admin)
    loans = db.session.scalars(sa.select(Loan).order_by(Loan.id)).all()
    lent = next(loan for loan in loans if loan.status == LoanStatus.ON_LOAN)
    lent.due_on = date.fromisoformat(TODAY) - timedelta(days=30)  # the overdue page's form
    db.session.commit()
    receipt = callers["coordinator"][0].get(f"/donations/{donation.id}/receipt.pdf")
    assert receipt.status_code == 200
    document = db.session.scalar(sa.select(IssuedDocument))
    names.update(
        tags=tags,
        family=family.reference,
        loans=[loan.id for loan in loans],
        waves=[names["wave"], closed.id],
        donor=donation.donor_id,
        tokens=[token, reset],
        document=document.code,
        document_id=document.id,
        dataset="monthly",
    )
    return names, callers


def _referral(names: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A family of the world's wave, school and association, as ``create_family`` takes it."""
    return {
        "wave": names["wave"],
        "school": names["school"],
        "association": names["association"],
        "device_type": "laptop",
        "child_class": "CM1",
        **fields,
    }


def _devices_in_every_state(names: dict[str, Any], donation_id: int) -> list[str]:
    """Move the donation's four devices to received, ready, reserved and on loan; their tags."""
    from reuse_tracker.loans import families
    from tests.conftest import PATHS

    waiting = [families.create_family(_referral(names), None) for _ in range(2)]
    devices = db.session.scalars(sa.select(Device).where(Device.donation_id == donation_id))
    tags = [names["tag"]]  # in the workshop
    for device, status in zip(devices, ["received", "ready", "reserved", "on_loan"], strict=True):
        for action, data in PATHS["ready"] if status != "received" else []:
            services.perform(device, action, data, actor=None)
        if status in ("reserved", "on_loan"):
            reserve = {"family": waiting.pop().reference, "wave": names["wave"]}
            services.perform(device, "reserve", reserve, actor=None)
        if status == "on_loan":
            services.perform(device, "hand_over", {"charter_signed_on": TODAY}, actor=None)
        tags.append(device.asset_tag)
    return tags


@dataclass
class PageForm:
    """A ``<form method="post">`` as a page shows it: where it goes and what it sends."""

    action: str
    endpoint: str
    role: str
    page: str
    #: Each field's value as the page would send it untouched (none for an unticked box).
    fields: dict[str, list[str]] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.endpoint} ({self.action})"

    @property
    def case(self) -> str:
        """The form without the world's ids and secrets: the same on every run."""
        return re.sub(r"[\w-]{20,}|\d+", "#", f"{self.endpoint} {urlsplit(self.action).path}")


class _FormReader(HTMLParser):
    """Collect every form of a page with its fields (those outside it naming it by ``form=``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._by_id: dict[str, dict[str, Any]] = {}
        self._outside: list[tuple[str, str, str | None]] = []
        self._open: dict[str, Any] | None = None
        #: The open select's options and chosen values.
        self._select: tuple[list[str], list[str]] | None = None
        #: The open text area's value, as its parts arrive.
        self._text: list[str] | None = None
        self._option = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._open = {"method": a.get("method", "get").lower(), "action": a.get("action", "")}
            self._open.update(fields={}, files=set())
            self.forms.append(self._open)
            self._by_id[a.get("id", "")] = self._open
            return
        owner = self._by_id.get(a["form"]) if a.get("form") else self._open
        name = a.get("name")
        if tag == "option" and self._select is not None:
            options, chosen = self._select
            options.append(a.get("value", ""))
            if "selected" in a:
                chosen.append(a.get("value", ""))
            self._option = "value" not in a
            return
        if owner is not None and tag == "button" and a.get("formaction") and not name:
            owner.setdefault("formaction", a["formaction"])
        if owner is None or not name or tag not in ("input", "button", "select", "textarea"):
            return
        kind = a.get("type", "text" if tag == "input" else "submit").lower()
        values = owner["fields"].setdefault(name, [])
        if tag == "select":
            self._select = ([], values)
        elif tag == "textarea":
            self._text = values
        elif kind == "file":
            owner["files"].add(name)
        elif kind in ("checkbox", "radio"):
            if "checked" in a:
                values.append(a.get("value", "on"))
        elif kind in ("submit", "button", "image", "reset"):
            if a.get("formaction"):
                owner.setdefault("formaction", a["formaction"])
            if kind == "submit" and not values:
                values.append(a.get("value", ""))
        else:
            values.append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data.lstrip("\n"))
        elif self._select is not None and self._option:
            self._select[0][-1] = data.strip()

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None
        elif tag == "option":
            self._option = False
        elif tag == "textarea" and self._text is not None:
            self._text[:] = ["".join(self._text)]
            self._text = None
        elif tag == "select" and self._select is not None:
            options, chosen = self._select
            if not chosen and options:
                chosen.append(next((value for value in options if value), options[0]))
            self._select = None


def _page_addresses(app, names: dict[str, Any]) -> list[str]:
    """Every HTML page of the URL map, its arguments filled with the world's records."""
    addresses = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.rule.startswith(("/api/", "/static")):
            continue
        if re.search(r"\.\w+$", rule.rule) or rule.endpoint == "bootstrap.static":
            continue  # a document, an export: no form in it
        choices = [names.get(ARGUMENTS.get(argument, "")) for argument in rule.arguments]
        if any(choice is None for choice in choices):
            continue
        combos: list[dict[str, Any]] = [{}]
        for argument, choice in zip(rule.arguments, choices, strict=True):
            options = choice if isinstance(choice, list) else [choice]
            combos = [{**combo, argument: option} for combo in combos for option in options]
        adapter = app.url_map.bind("localhost")
        addresses += [adapter.build(rule.endpoint, combo) for combo in combos]
    return sorted(set(addresses))


def read_page_forms(app, names: dict[str, Any], callers) -> list[PageForm]:
    """The POST forms of every page, as the first of ``CRAWLERS`` that sees each one.

    A form of ``FOLLOWED`` is sent valid, and the forms of its answer read too (the steps
    of an import).
    """
    found: dict[tuple, PageForm] = {}
    for role in CRAWLERS:
        page = callers[role][0]
        for address in _page_addresses(app, names):
            answer = page.get(address)
            if answer.status_code == 200 and answer.mimetype == "text/html":
                _add_forms(app, found, answer.get_data(as_text=True), address, role)
    for endpoint in FOLLOWED:
        for form in [form for form in found.values() if form.endpoint == endpoint]:
            for variant in range(len(VALID_FILES.get(endpoint, [{}]))):
                data = valid_form(form, names, variant)
                answer = callers[form.role][0].post(form.action, data=data)
                _add_forms(app, found, answer.get_data(as_text=True), form.page, form.role)
    return list(found.values())


def _add_forms(app, found: dict[tuple, PageForm], html: str, address: str, role: str) -> None:
    adapter = app.url_map.bind("localhost")
    reader = _FormReader()
    reader.feed(html)
    for form in reader.forms:
        if form["method"] != "post":
            continue
        action = urljoin(address, form["action"] or form.get("formaction") or address)
        try:
            endpoint, arguments = adapter.match(urlsplit(action).path, method="POST")
        except HTTPException:
            endpoint, arguments = f"(no route: {action})", {}
        key = (endpoint, arguments.get("action"), frozenset(form["fields"]))
        found.setdefault(
            key, PageForm(action, endpoint, role, address, form["fields"], form["files"])
        )


#: Forms whose answer shows the next step's form.
FOLLOWED = ["intake.import_file", "intake.import_mapping_step"]


#: Fields no view reads while CSRF is off in tests (its check has tests of its own).
NOT_READ = {"csrf_token"}
NEW_PASSWORD = "une phrase de passe aléatoire"
#: Valid values of required fields that a page leaves empty, laid over the page's own.
VALID = {
    "intake.import_file": {"donor_name": "Donateur aléa"},
    "loans.add_support_session": {"held_on": TODAY, "led_by": "Médiatrice"},
    "loans.add_connection_offer": {"offer": "Box solidaire", "referred_on": TODAY},
    "loans.hand_over": {"charter_signed_on": TODAY, "charter_paper": "y"},
    "loans.new_family": {"wave": "{wave}", "parent_name": "Famille Aléa", "consent": "y"},
    "loans.sign": {"signature": "data:image/png;base64,iVBORw0KGgo="},
    "auth.admin_create_user": {"email": "nouvelle@example.org", "name": "Nouvelle"},
    "auth.reset_password": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    "workshop.add_eco_organisation": {"name": "Ecosystem"},
    "donors.portal_review": {"verdict": "correct"},
}


#: Valid files of the upload forms whose answer leads on (the other uploads are refused empty).
#: Each is a list of alternatives: the first is sent while fuzzing, all are followed.
IMPORT_HEADER = "Asset Tag,Serial,Model,Category,Manufacturer"
VALID_FILES = {
    "intake.import_file": [
        # An asset manager's export, previewed at once; one whose type it must be told.
        {"file": csv_file(IMPORT_HEADER, "A-1,FZ-1,T480,Laptops,HP")},
        {"file": csv_file(IMPORT_HEADER, "A-2,FZ-2,T480,Licornes,HP")},
    ],
}
#: Fields whose value must be new on each try (a serial registered once is refused after).
UNIQUE = {"devices-0-serial", "devices.0.serial"}
SERIALS = itertools.count(1)


def fuzzed_fields(form: PageForm) -> list[str]:
    """The fields to fuzz: one of each repeated row (``devices-3-brand`` is ``devices-0-…``)."""
    seen: dict[str, str] = {}
    for name in [*form.fields, *sorted(form.files)]:
        if name not in NOT_READ:
            seen.setdefault(re.sub(r"\d+", "#", name), name)
    return list(seen.values())


def valid_form(form: PageForm, names: dict[str, Any], variant: int = 0) -> dict[str, Any]:
    """The form as the page would send it, required fields filled, bases of the hostile test."""
    data = {name: list(values) for name, values in form.fields.items() if name not in form.files}
    for _case, address, base, _hostile in FORMS:
        if fill(address, names) == form.action:
            data.update({key: [str(value)] for key, value in fill(base, names).items()})
    for key, value in VALID.get(form.endpoint, {}).items():
        if key in data:
            data[key] = [str(fill(value, names))]
    for key in UNIQUE & set(data):
        data[key] = [f"FZ-{next(SERIALS):06d}"]
    files = VALID_FILES.get(form.endpoint, [{}])
    for key, content in files[variant % len(files)].items():
        data[key] = (io.BytesIO(content), "fuzz.csv")
    return data


class _Messages(HTMLParser):
    """The text of a page's messages: alerts, a field's error, an error page's sentence."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "wbr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        if self._depth or {"alert", "invalid-feedback", "lead"} & set(classes):
            self._depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self._depth and tag not in self.VOID:
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.parts.append(data)


def messages(html: str) -> str:
    """What a page tells its reader about a refusal, as one line."""
    reader = _Messages()
    reader.feed(html)
    return " ".join(" ".join(reader.parts).split())


@dataclass
class Findings:
    """What the fuzzing found, one line each, and how many examples it ran."""

    examples: int = 0
    refused: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> str:
        return f"{self.examples} examples, {self.refused} refused, {len(self.problems)} problems"

    def code_shown(self, where: str, message: str, text: str, pattern: re.Pattern = CODE) -> None:
        shown = message.replace(text, " ") if text else message
        if found := pattern.search(shown):
            self.problems.append(f"{where}: the refusal shows {found.group(0)!r}: {shown[:200]}")


def _page_refusal(client, answer) -> str | None:
    """The message of a refused form (status, flashed error, form shown again), else None."""
    with client.session_transaction() as session:
        flashes = session.pop("_flashes", [])
    errors = [text for category, text in flashes if category == "danger"]
    html = answer.get_data(as_text=True) if answer.mimetype == "text/html" else ""
    if answer.status_code in REFUSALS:
        return messages(html) or answer.get_data(as_text=True)[:2000]
    if answer.status_code == 302 and errors:
        return " ".join(errors)
    if answer.status_code == 200 and re.search(r"is-invalid|alert-danger", html):
        return messages(html)
    return None


def _refreshed(form: PageForm, client) -> PageForm:
    """The form as its page shows it now (a version or a choice may have moved on)."""
    reader = _FormReader()
    reader.feed(client.get(form.page).get_data(as_text=True))
    for found in reader.forms:
        action = urljoin(form.page, found["action"] or found.get("formaction") or form.page)
        if action == form.action and set(found["fields"]) == set(form.fields):
            fields, files = found["fields"], found["files"]
            return PageForm(form.action, form.endpoint, form.role, form.page, fields, files)
    return form


def fuzz(
    case: str, fields: list[str], text: st.SearchStrategy[str], send, findings: Findings
) -> None:
    """Fill each field in turn with random text: ``send(field, text)`` makes one request.

    One Hypothesis test per form or operation, seeded by its name (the same examples on every
    run and database); it begins with Hypothesis's simplest example, then gives each field
    ``EXAMPLES_PER_FIELD`` drawn ones.
    """
    turns = itertools.count()
    tried: set[str] = set()

    def example(text: str) -> None:
        name = fields[next(turns) % len(fields)]
        tried.add(name)
        send(name, text)

    examples = len(fields) * EXAMPLES_PER_FIELD + 1
    run = given(text=text)(settings(SETTINGS, max_examples=examples)(example))
    seed(zlib.crc32(case.encode()))(run)()
    if untried := sorted(set(fields) - tried):
        findings.problems.append(f"{case}: no example reached {', '.join(untried)}")


def _outcome(findings: Findings, where: str, refusal: str | None, wrote: bool) -> None:
    """Note a refusal's message, and a refusal that stored something."""
    if refusal is None:
        return
    findings.refused += 1
    if wrote:
        findings.problems.append(f"{where}: refused, yet stored")


def fuzz_page_form(form: PageForm, callers, names, findings: Findings) -> None:
    """Each field of ``form`` gets random text in turn, the others keeping their valid value."""
    fields = fuzzed_fields(form)
    if not fields:
        return
    state = {"form": form, "accepted": 0}
    before = snapshot()
    with stored_rows() as stored:

        def send(name: str, text: str) -> None:
            current = state["form"]
            client = callers[current.role][0]
            data = valid_form(current, names)
            data[name] = (io.BytesIO(text.encode()), "fuzz.txt") if name in form.files else text
            where = f"{form.label} {name}={show(text)}"
            findings.examples += 1
            seen = stored.count
            try:
                answer = client.post(current.action, data=data)
            except Exception as error:  # a server error, raised since the app is testing
                findings.problems.append(f"{where}: {type(error).__name__}: {str(error)[:300]}")
                return
            if answer.status_code >= 500:
                findings.problems.append(f"{where}: {answer.status_code}")
            refusal = _page_refusal(client, answer)
            if refusal is not None:
                findings.code_shown(where, refusal, text)
            _outcome(findings, where, refusal, stored.count > seen)
            state["accepted"] += refusal is None
            if stored.count > seen:  # a version or a choice may have moved on
                state["form"] = _refreshed(current, client)

        fuzz(form.case, fields, FORM_TEXT, send, findings)
    if not state["accepted"] and snapshot() != before:
        findings.problems.append(f"{form.label}: every value refused, yet the data changed")


def test_random_text_in_any_page_field(app, fuzz_world):
    names, callers = fuzz_world
    findings = Findings()
    forms = read_page_forms(app, names, callers)
    for form in forms:
        fuzz_page_form(form, callers, names, findings)
    fields = sum(len(fuzzed_fields(form)) for form in forms)
    print(f"page forms: {len(forms)} forms, {fields} fields, {findings.figures()}")
    assert findings.problems == []


@dataclass
class ApiCall:
    """One API operation and the fields its body or query takes, read from its schema."""

    method: str
    path: str
    #: Dotted fields of the JSON body (``donor.siret``, ``devices.0.serial``), query
    #: parameters as ``?from``, and ``(body)`` for a body that is one text (a log, a report).
    fields: list[str]
    base: Any
    #: Where the path is: the API, or the page routes for a call a page's script makes.
    prefix: str = "/api/v1"

    @property
    def case(self) -> str:
        return f"{self.method.upper()} {self.path}"


def _resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _fields(schema: dict[str, Any], document: dict[str, Any], prefix: str = "") -> list[str]:
    """The dotted fields of ``schema``: every property, into objects and arrays' first item."""
    schema = _resolve(schema, document)
    names = []
    for name, sub in sorted(schema.get("properties", {}).items()):
        sub = _resolve(sub, document)
        dotted = f"{prefix}{name}"
        names.append(dotted)
        item = _resolve(sub.get("items", {}), document)
        if "properties" in sub:
            names += _fields(sub, document, f"{dotted}.")
        elif "properties" in item:
            names += _fields(item, document, f"{dotted}.0.")
        elif isinstance(sub.get("additionalProperties"), dict):
            key = (sub.get("propertyNames", {}).get("enum") or ["key"])[0]
            names.append(f"{dotted}.{key}")
    return names


def _example(schema: dict[str, Any], document: dict[str, Any]) -> Any:
    """A value ``schema`` accepts, for the required fields of a body no base gives."""
    schema = _resolve(schema, document)
    kinds = schema.get("type", "object")
    kind = next((k for k in kinds if k != "null"), "string") if isinstance(kinds, list) else kinds
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    if kind == "object":
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        return {name: _example(properties[name], document) for name in required}
    if kind == "array":
        return [_example(schema.get("items", {}), document)]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    return TODAY if schema.get("format") == "date" else "Aléa"


#: Valid bodies of the actions, beyond what their schema requires.
ACTION_BASES = {
    "reserve": {"family": "{family}", "wave": "{wave}"},
    "hand_over": {"charter_signed_on": TODAY},
    "recycle": {"weight_kg": 2.1, "channel": "ecosystem"},
}


def read_api_calls(client, names: dict[str, Any]) -> list[ApiCall]:
    """Every operation of the OpenAPI document that takes a body or a query parameter."""
    document = client.get("/api/v1/openapi.json").json
    calls = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            query = [f"?{p['name']}" for p in operation.get("parameters", []) if p["in"] == "query"]
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema") or None
            if "text/plain" in content and schema is None:
                calls.append(ApiCall(method, path, ["(body)", *query], ""))
            elif schema is None and query:
                calls.append(ApiCall(method, path, query, None))
            for alternative in (schema or {}).get("anyOf", [schema] if schema else []):
                action = _resolve(alternative, document).get("title", "")
                base = _api_base(path, action, alternative, document, names)
                fields = _fields(alternative, document) + query
                calls.append(ApiCall(method, path.replace("{action}", action), fields, base))
    return [*calls, _scan_station_call(document)]


def _scan_station_call(document: dict[str, Any]) -> ApiCall:
    """The scan station's script posts JSON, not a form: a scan and its action's fields."""
    schema = document["components"]["schemas"]["RecordDiagnosticsFields"]
    fields = ["code", "action", "batch", "version"]
    fields += [f"fields.{name}" for name in _fields(schema, document)]
    base = {"code": "{tag}", "action": "record_diagnostics", "fields": {"result": "passed"}}
    return ApiCall("post", "/scan/apply", fields, base, prefix="")


def _api_base(path: str, action: str, schema, document, names) -> Any:
    for _case, known, base, _hostile in API_CALLS:
        if known == path or known == f"/devices/{{tag}}/actions/{action}":
            return {key: value for key, value in base.items() if key != "expected_version"}
    return {**_example(schema, document), **ACTION_BASES.get(action, {})}


def _api_address(call: ApiCall, names: dict[str, Any]) -> str:
    """The call's path with the world's records: for an action, a device it is allowed on."""
    tag = names["tag"]
    if "/actions/" in call.path:
        action = call.path.rsplit("/", 1)[-1]
        devices = db.session.scalars(sa.select(Device).where(Device.asset_tag.in_(names["tags"])))
        allowed = [d.asset_tag for d in devices if lifecycle.is_allowed(action, d.status)]
        tag = allowed[0] if allowed else tag
        db.session.rollback()
    values = {"asset_tag": tag, "wave_id": names["wave"], "donation_id": names["donation"]}
    return call.prefix + call.path.format(**values, dataset=names["dataset"])


def fuzz_api_call(call: ApiCall, callers, names, findings: Findings) -> None:
    """Each field of ``call`` gets random text in turn, the others keeping their valid value."""
    state = {"accepted": 0}
    before = snapshot()
    json_fields = [name for name in call.fields if not name.startswith(("?", "("))]
    other_fields = [name for name in call.fields if name not in json_fields]
    with stored_rows() as stored:
        send = _api_sender(call, state, callers, names, findings, stored)
        if json_fields:  # JSON carries lone surrogates; a query string or a text body cannot
            fuzz(call.case, json_fields, JSON_TEXT, send, findings)
        if other_fields:
            fuzz(f"{call.case} (text)", other_fields, FORM_TEXT, send, findings)
    if not state["accepted"] and snapshot() != before:
        findings.problems.append(f"{call.case}: every value refused, yet the data changed")


def _api_request(call: ApiCall, name: str, text: str, names) -> dict[str, Any]:
    query = {name[1:]: text} if name.startswith("?") else {}
    if name == "(body)":
        return {
            "data": text.encode(),
            "content_type": "text/plain; charset=utf-8",
            "query_string": query,
        }
    body = fill(call.base, names)
    for dotted in UNIQUE & set(call.fields):
        body = poisoned(body, dotted, f"FZ-API-{next(SERIALS):06d}")
    if body is None:
        return {"query_string": query}
    return {"json": body if query else poisoned(body, name, text), "query_string": query}


def _api_sender(call: ApiCall, state, callers, names, findings: Findings, stored):
    def send(name: str, text: str) -> None:
        client, headers = callers["coordinator"]
        where = f"{call.case} {name}={show(text)}"
        findings.examples += 1
        seen = stored.count
        try:
            answer = client.open(
                _api_address(call, names),
                method=call.method.upper(),
                headers=headers,
                **_api_request(call, name, text, names),
            )
        except Exception as error:  # a server error, raised since the app is testing
            findings.problems.append(f"{where}: {type(error).__name__}: {str(error)[:300]}")
            return
        if answer.status_code >= 500 or answer.status_code in (401, 403, 405):
            findings.problems.append(f"{where}: {answer.status_code}")
        refused = answer.status_code in REFUSALS
        if refused:
            body = answer.json if answer.is_json and isinstance(answer.json, dict) else {}
            error = body.get("error", {})
            if isinstance(error, str):  # the scan station's answer, shown as it is to people
                findings.code_shown(where, error, text, CODE)
            else:
                fields = map(str, error.get("fields", {}).values())
                said = " ".join([str(error.get("message", "")), *fields])
                findings.code_shown(where, said, text, TRACEBACK)
        _outcome(findings, where, "" if refused else None, stored.count > seen)
        state["accepted"] += not refused

    return send


def test_random_text_in_any_api_field(app, fuzz_world):
    names, callers = fuzz_world
    findings = Findings()
    calls = read_api_calls(callers["coordinator"][0], names)
    for call in calls:
        fuzz_api_call(call, callers, names, findings)
    fields = sum(len(call.fields) for call in calls)
    print(f"api: {len(calls)} operations, {fields} fields, {findings.figures()}")
    assert findings.problems == []


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule).removeprefix("/api/v1")


def test_every_post_route_and_field_is_fuzzed(app, fuzz_world):
    names, callers = fuzz_world
    forms = read_page_forms(app, names, callers)
    calls = read_api_calls(callers["coordinator"][0], names)
    fuzzed_paths = {re.sub(r"/actions/\w+$", "/actions/{action}", call.path) for call in calls}
    reached = {form.endpoint for form in forms}
    scripted = {call.path for call in calls if not call.prefix}
    missing = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ())
        and (
            _openapi_path(rule.rule) not in fuzzed_paths
            if rule.rule.startswith("/api/")
            else rule.endpoint not in reached and rule.rule not in scripted
        )
    ]
    assert missing == []
    assert [form.label for form in forms if form.endpoint.startswith("(no route")] == []
