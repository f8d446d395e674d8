"""The administration pages' forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from reuse_tracker.i18n import lazy_gettext as _l
from reuse_tracker.vocabulary import ROLE_TITLES, Role


def _roles() -> list[tuple[str, str]]:
    return [(role.value, str(ROLE_TITLES[role]).capitalize()) for role in Role]


class NewUserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(_l("is required")), Length(max=254)])
    name = StringField(_l("Full name"), validators=[Length(max=120)])
    #: A new account starts with the least a role can do: the administrator raises it.
    role = SelectField(
        _l("Role"),
        choices=_roles,
        default=Role.VIEWER.value,
        validators=[DataRequired(_l("is required"))],
    )


class ResetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(_l("is required")), Length(max=200)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", _l("the two passwords differ"))],
        render_kw={"autocomplete": "new-password"},
    )
