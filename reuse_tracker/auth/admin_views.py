"""Administration pages (admins only): users, roles, deactivation, reset links, API tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from reuse_tracker.auth import administration, bp
from reuse_tracker.auth.access import current_actor, roles_required
from reuse_tracker.auth.admin_forms import NewUserForm, ResetPasswordForm
from reuse_tracker.errors import UserError
from reuse_tracker.extensions import db
from reuse_tracker.i18n import gettext as _
from reuse_tracker.vocabulary import ROLE_TITLES

#: Admins only: ``roles_required`` always lets admins through, and names nobody else.
ADMINS_ONLY: tuple[str, ...] = ()


def _users_page(form: NewUserForm | None = None, link: str | None = None, status: int = 200):
    return render_template(
        "auth/admin_users.html",
        users=administration.users(),
        form=form or NewUserForm(),
        role_titles=ROLE_TITLES,
        link=link,
        me=current_actor(),
    ), status


def _reset_link(user) -> str:
    token = administration.reset_token(user, actor=current_actor())
    return url_for("auth.reset_password", token=token, _external=True)


@bp.route("/admin/users")
@roles_required(*ADMINS_ONLY)
def admin_users():
    return _users_page()


@bp.route("/admin/users", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_create_user():
    form = NewUserForm()
    if not form.validate_on_submit():
        return _users_page(form, status=422)
    try:
        user = administration.create(
            form.email.data, form.role.data, (form.name.data or "").strip(), actor=current_actor()
        )
        link = _reset_link(user)
    except UserError as error:
        db.session.rollback()
        for name, problem in error.fields.items():
            if name in form:
                form[name].errors = [*form[name].errors, problem]
        flash(error.message, "danger")
        return _users_page(form, status=422)
    db.session.commit()
    flash(_("%(email)s can now set a password with the link below.", email=user.email), "success")
    return _users_page(link=link)


def _change(user_id: int, change, done: str):
    try:
        user = administration.get_user(user_id)
        change(user)
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for("auth.admin_users"))
    db.session.commit()
    flash(done % {"email": user.email}, "success")
    return redirect(url_for("auth.admin_users"))


@bp.route("/admin/users/<int:user_id>/role", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_change_role(user_id: int):
    role = request.form.get("role", "")
    return _change(
        user_id,
        lambda user: administration.change_role(user, role, actor=current_actor()),
        _("Role of %(email)s saved."),
    )


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_deactivate(user_id: int):
    return _change(
        user_id,
        lambda user: administration.set_enabled(user, False, actor=current_actor()),
        _("%(email)s is deactivated: no sign-in, no API token."),
    )


@bp.route("/admin/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_reactivate(user_id: int):
    return _change(
        user_id,
        lambda user: administration.set_enabled(user, True, actor=current_actor()),
        _("%(email)s is active again."),
    )


@bp.route("/admin/users/<int:user_id>/reset", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_reset_link(user_id: int):
    try:
        user = administration.get_user(user_id)
        link = _reset_link(user)
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for("auth.admin_users"))
    db.session.commit()
    flash(_("Send this one-time link to %(email)s.", email=user.email), "success")
    return _users_page(link=link)


@bp.route("/admin/tokens")
@roles_required(*ADMINS_ONLY)
def admin_tokens():
    return render_template("auth/admin_tokens.html", tokens=administration.tokens())


@bp.route("/admin/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(*ADMINS_ONLY)
def admin_revoke_token(token_id: int):
    try:
        token = administration.revoke_token(token_id, actor=current_actor())
    except UserError as error:
        db.session.rollback()
        flash(error.full_message, "danger")
        return redirect(url_for("auth.admin_tokens"))
    db.session.commit()
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "success")
    return redirect(url_for("auth.admin_tokens"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """The one-time link: anyone holding it sets the password once (public, no sign-in)."""
    try:
        administration.user_for_reset(token)
    except UserError as error:
        return render_template("auth/reset.html", form=None, problem=error.message), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            administration.reset_password(token, form.password.data)
        except UserError as error:
            db.session.rollback()
            form.password.errors = [*form.password.errors, *error.fields.values()]
            return render_template("auth/reset.html", form=form, problem=error.message), 422
        db.session.commit()
        flash(_("Your password is set: sign in with it."), "success")
        return redirect(url_for("auth.login"))
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form, problem=None), status
