"""Sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from reuse_tracker import inputs
from reuse_tracker.auth import audit, bp, services
from reuse_tracker.auth.forms import LoginForm
from reuse_tracker.auth.models import User
from reuse_tracker.extensions import db, limiter, login_manager
from reuse_tracker.i18n import gettext as _
from reuse_tracker.i18n import lazy_gettext as _l

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    record = inputs.record_id(user_id)
    user = services.signed_in_user(record) if record else None
    # A deactivated user's open sessions end at their next request.
    return user if user is not None and user.is_active else None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not urlsplit(target).netloc and "\\" not in target:
        return target
    return url_for("main.dashboard")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: __import__("flask").current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user and user.is_active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            services.touch_login(user)
            if user.password_hash_outdated:  # hashed before the method changed: now the new way
                user.set_password(form.password.data)
            audit.record("login.succeeded", f"user:{user.id}", actor=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        tried = (form.email.data or "").strip()[:254]
        audit.record("login.failed", details={"email": tried}, actor_label=tried)
        db.session.commit()
        flash(_("Wrong email or password."), "danger")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    audit.record("logout", f"user:{current_user.id}", actor=current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
