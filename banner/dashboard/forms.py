"""Forms of the dashboard's account pages (Flask-WTF: every form carries a CSRF token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectChoice, SelectField
from wtforms.validators import DataRequired, Email, Length

from ..services.signin import MIN_PASSWORD
from .i18n import LANGUAGES


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"),
                        validators=[DataRequired(), Length(min=MIN_PASSWORD, max=200)])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language"), choices=[SelectChoice(code) for code in LANGUAGES])
    next = HiddenField()


class ConfirmForm(FlaskForm):
    """A button that changes something: only its CSRF token is posted."""
