"""The donor's portal: a secret link, no account; one donor's data and nothing else.

Every route finds the donor by the link's secret first; an unknown, revoked or renewed link
answers the plain 404 page, whatever follows it in the address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import force_locale

from reuse_tracker import clock
from reuse_tracker.auth.models import User
from reuse_tracker.donors import bp, queries, services
from reuse_tracker.donors.services import DONOR_LANGUAGES
from reuse_tracker.errors import ConflictError, UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.intake.models import Donation, Donor
from reuse_tracker.web import pdf_response
from reuse_tracker.workshop import certificate


def portal_language(donor: Donor) -> str:
    """The switch's choice (``?lang=``, or the site's switch), else the donor's language."""
    for chosen in (request.args.get("lang"), session.get("lang")):
        if chosen in DONOR_LANGUAGES:
            return chosen
    return donor.language or current_app.config["BABEL_DEFAULT_LOCALE"]


def portal_route(rule: str, **options) -> Callable:
    """A portal route: find the donor by the secret, in its language, or answer 404."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(token: str, **kwargs):
            donor = services.donor_for_token(token)
            if donor is None:
                abort(404)
            g.portal_donor = donor
            services.touch(donor)
            with force_locale(portal_language(donor)):
                response = current_app.make_response(view(donor, token, **kwargs))
            db.session.commit()
            # The secret is in the address: keep it out of Referer headers, caches and indexes.
            response.headers["Referrer-Policy"] = "no-referrer"
            response.headers["Cache-Control"] = "no-store"
            response.headers["X-Robots-Tag"] = "noindex"
            return response

        return bp.route(f"/donors/portal/<token>{rule}", **options)(wrapper)

    return decorator


def _donation(donor: Donor, donation_id: int) -> Donation:
    donation = db.session.get(Donation, donation_id) if 0 < donation_id < 2**31 else None
    if donation is None or donation.donor_id != donor.id:
        abort(404)
    return donation


@portal_route("")
def portal(donor: Donor, token: str):
    views = queries.donations_of(donor)
    ids = [view.donation.id for view in views]
    return render_template(
        "donors/portal.html",
        donor=donor,
        token=token,
        views=views,
        reviews=services.latest_reviews(ids),
        totals=queries.totals(donor, views),
        language=portal_language(donor),
    )


@portal_route("/donations/<int:donation_id>/receipt.pdf", endpoint="portal_receipt")
def portal_receipt(donor: Donor, token: str, donation_id: int):
    from reuse_tracker.intake import receipt  # the PDF stack, only when a PDF is asked for

    donation = _donation(donor, donation_id)
    received_by = db.session.get(User, donation.received_by_id) if donation.received_by_id else None
    issued = receipt.issue(donation, donor, received_by)
    return pdf_response(issued.content, f"{donation.reference}-receipt.pdf")


@portal_route("/donations/<int:donation_id>/erasure-certificate.pdf", endpoint="portal_certificate")
def portal_certificate(donor: Donor, token: str, donation_id: int):
    from reuse_tracker.intake.receipt import donor_language

    donation = _donation(donor, donation_id)
    with force_locale(donor_language(donor)):
        data = certificate.for_donation(donation.id, None, clock.today())
        try:
            issued = certificate.issue(data, donation.id)
        except ConflictError as error:
            flash(error.message, "warning")
            return redirect(url_for(".portal", token=token))
    return pdf_response(issued.content, f"{donation.reference}-erasure-certificate.pdf")


@portal_route("/impact.pdf", endpoint="portal_impact")
def portal_impact(donor: Donor, token: str):
    from reuse_tracker.donors import impact_pdf  # the PDF stack, only when a PDF is asked for

    issued = impact_pdf.issue(donor)
    return pdf_response(issued.content, impact_pdf.filename(donor))


@portal_route("/donations/<int:donation_id>/review", endpoint="portal_review", methods=["POST"])
def portal_review(donor: Donor, token: str, donation_id: int):
    donation = _donation(donor, donation_id)
    try:
        entry = services.review(
            donation, request.form.get("verdict", ""), request.form.get("comment", "")
        )
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for(".portal", token=token, _anchor=f"donation-{donation.id}"))
    if entry.verdict == "confirmed":
        flash(_("Thank you: you confirmed the list of %(ref)s.", ref=donation.reference), "success")
    else:
        flash(_("Thank you: the programme will look into it and contact you."), "success")
    return redirect(url_for(".portal", token=token, _anchor=f"donation-{donation.id}"))
