"""Send a donor its portal link by e-mail (SMTP set by MAIL_* environment variables)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from flask import current_app
from flask_babel import force_locale

from reuse_tracker.errors import UserError
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.intake.models import Donor


class MailError(UserError):
    status = 502
    code = "mail_failed"


def portal_message(donor: Donor, url: str, language: str) -> EmailMessage:
    """The e-mail that gives ``donor`` its portal link, in its language."""
    config = current_app.config
    with force_locale(language):
        message = EmailMessage()
        message["Subject"] = _("Your donated computers: follow them on your portal")
        message["From"] = config["MAIL_FROM"]
        message["To"] = formataddr((donor.contact_name or donor.name, donor.contact_email))
        message["Message-ID"] = make_msgid(domain="reuse-tracker")
        message.set_content(
            _(
                "Hello,\n\nThank you for the computers you gave to %(programme)s.\n\n"
                "This private link shows what became of each of them, and gives you their "
                "intake receipts, data erasure certificates and impact report:\n\n%(url)s\n\n"
                "Keep it to yourself: anyone with the link can read these pages. We can renew "
                "it at any time; the old link then stops working.\n\n%(programme)s\n",
                programme=config["PROGRAMME_NAME"],
                url=url,
            )
        )
    return message


def send(message: EmailMessage) -> None:
    """Send ``message`` through the configured SMTP server; raise MailError on failure."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailError(_l("E-mail is not set up: set MAIL_SERVER (and MAIL_FROM)."))
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(_l("The e-mail could not be sent: %(error)s", error=str(error))) from error
