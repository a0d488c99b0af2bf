import uuid

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from kit.forms import SpreadsheetForm

from .models import Document, DocumentRelation, LibraryPoint
from .pdfcheck import PDFCheckError, check_pdf
from .rendering import MAX_CHARS, TooComplex, render_markdown
from .selectors import document_with_number

PDF_ERRORS = {
    "too_large": _("The PDF is larger than 20 MB. Make it smaller or split it."),
    "empty": _("The file is empty."),
    "not_pdf": _("This file is not a PDF (its content is not, whatever its name says)."),
    "corrupt": _("The PDF is damaged and cannot be opened."),
    "encrypted": _("The PDF is protected by a password; upload an unprotected copy."),
    "javascript": _("The PDF contains JavaScript, which is not allowed. Print it to a new PDF."),
    "launch": _(
        "The PDF contains an action that starts a program, opens another file or sends data, "
        "which is not allowed. Print it to a new PDF."
    ),
    "embedded_file": _(
        "The PDF carries other files inside it, which is not allowed. Upload the document "
        "alone, printed to a new PDF."
    ),
    "xfa": _(
        "The PDF is an XFA form, which phones cannot show and which may run scripts. "
        "Print it to a new PDF."
    ),
    "auto_action": _(
        "The PDF runs actions by itself (when it or a page opens, or a field changes), "
        "which is not allowed. Print it to a new PDF."
    ),
}


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = [
            "title",
            "number",
            "doc_type",
            "issuer",
            "issued_on",
            "effective_on",
            "expires_on",
            "categories",
            "summary",
            "body",
            "attachment",
            "published",
        ]

    def clean_number(self) -> str:
        number = " ".join(self.cleaned_data.get("number", "").split())
        existing = document_with_number(number, other_than=self.instance.pk)
        if existing is not None:
            raise forms.ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("This number is already stored:"),
                    reverse("admin:legal_library_document_change", args=[existing.pk]),
                    str(existing),
                ),
                code="duplicate_number",
            )
        return number

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body", "")
        if len(body) > MAX_CHARS:
            raise forms.ValidationError(
                _("The text is too long (over %(max)s characters): attach it as a PDF instead.")
                % {"max": MAX_CHARS}
            )
        try:
            render_markdown(body)  # refused here, before anything is saved
        except TooComplex as exc:
            raise forms.ValidationError(
                _(
                    "The text is too complex to show (for example thousands of “[” or “<” "
                    "in one paragraph): split it into paragraphs, or attach it as a PDF."
                )
            ) from exc
        return body

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            try:
                check_pdf(upload, size=upload.size)
            except PDFCheckError as exc:
                raise forms.ValidationError(
                    PDF_ERRORS.get(exc.code, PDF_ERRORS["corrupt"])
                ) from exc
            # Stored under a name the server makes (legal/<year>/<random>.pdf), never
            # the uploader's: no path tricks, no clash, nothing guessable.
            upload.name = f"{uuid.uuid4().hex}.pdf"
        return upload

    def clean(self):
        cleaned = super().clean()
        effective, expires = cleaned.get("effective_on"), cleaned.get("expires_on")
        if effective and expires and expires < effective:
            self.add_error("expires_on", _("A document cannot expire before it comes into force."))
        return cleaned


class RelationForm(forms.ModelForm):
    class Meta:
        model = DocumentRelation
        fields = ["kind", "to_document", "effective_on"]

    def clean(self):
        cleaned = super().clean()
        other = cleaned.get("to_document")
        if other and self.instance.from_document_id == other.pk:
            self.add_error("to_document", _("A document cannot replace, amend or guide itself."))
        return cleaned


class AddToPointsForm(forms.Form):
    points = forms.ModelMultipleChoiceField(
        label=_("Library points"),
        queryset=LibraryPoint.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    pinned = forms.BooleanField(label=_("Pin them at the top"), required=False)

    def __init__(self, *args, points=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["points"].queryset = points


class DocumentImportForm(DocumentAdminForm):
    """A spreadsheet row's own fields, checked by the admin's rules (``spreadsheets.py``).

    The issuer, categories, points and replacements are read by the import itself; a
    number already stored is not an error here: that row updates the stored document.
    """

    class Meta(DocumentAdminForm.Meta):
        fields = [
            "title",
            "number",
            "doc_type",
            "issued_on",
            "effective_on",
            "expires_on",
            "summary",
            "body",
            "published",
        ]

    def clean_number(self) -> str:
        return " ".join(self.cleaned_data.get("number", "").split())


class DocumentSpreadsheetForm(SpreadsheetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "One document per row; the first row holds the column names."
        )
