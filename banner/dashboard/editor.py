"""The banner editor: texts side by side, vendors, appearance, behaviour, policy and contact."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..errors import Conflict, Invalid
from ..services import drafts, regions
from ..services.appearance import BACKGROUNDS, EDGE_CONTRAST, TEXT_CONTRAST, accent_problems
from ..vendors import CATALOGUE
from . import bp
from .context import actor, link, owned_site
from .editor_document import document_from, form_data, other_rules, put_errors
from .editor_form import (CATEGORY_NAMES, EDITED_LANGUAGES, LANGUAGE_NAMES, MAX_FORM_BYTES,
                          TEXT_GROUPS, CustomVendorForm, EditorForm)
from .preview import preview_language


@bp.route("/sites/<int:site_id>/banner", methods=["GET", "POST"])
@login_required
def edit_banner(site_id: int):
    site = owned_site(site_id)
    request.max_content_length = MAX_FORM_BYTES  # before the form is read
    draft = drafts.get_draft(site)
    form = EditorForm(data=None if request.method == "POST" else form_data(draft.document))
    status = 200
    if form.validate_on_submit():
        document, origins = document_from(form, draft.document)
        try:
            drafts.save_draft(site, document, actor())
        except Invalid as exc:
            put_errors(form, exc.errors, origins, document)
            status = 422
        except Conflict:
            form.form_errors.append(_("The draft was published while you were editing. Your "
                                      "changes are still here: save them as the new draft."))
            status = 409
        else:
            flash(_("The draft is saved. The preview shows it; publish it to show it to "
                    "shoppers."), "success")
            return redirect(url_for("dashboard.edit_banner", site_id=site.id))
    elif request.method == "POST":
        status = 400 if form.csrf_token.errors else 422
    if status == 400:
        form.form_errors.append(_("This form had expired. Your changes are still here: "
                                  "save them again."))
    elif status == 422:
        form.form_errors.insert(0, _("Nothing is saved yet: correct the marked fields and "
                                     "save again."))
    return render_template(
        "dashboard/editor/edit.html", site=site, form=form, draft=draft,
        publish_url=link("dashboard.publish", site_id=site.id),
        languages=EDITED_LANGUAGES, language_names=LANGUAGE_NAMES, text_groups=TEXT_GROUPS,
        category_names=CATEGORY_NAMES, catalogue=CATALOGUE, presets=regions.PRESETS,
        other_rules=other_rules(form, draft.document),
        vendor_template=CustomVendorForm(prefix="vendors-__index__-"),
        contrast={"problems": accent_problems(form.accent_color.data, form.theme.data),
                  "backgrounds": BACKGROUNDS, "text": TEXT_CONTRAST, "edge": EDGE_CONTRAST},
        preview_lang=preview_language(site, draft.document), unsaved=status != 200), status
