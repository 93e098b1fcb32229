"""The upload form: a CSV or XLSX file, and whether to rehearse or skip invalid rows."""

import os

from django import forms

MAX_IMPORT_MB = 100
WRONG_TYPE = "Choose a CSV file (UTF-8) or an Excel workbook (.xlsx)."
TOO_LARGE = f"The file must be smaller than {MAX_IMPORT_MB} MB."
EMPTY = "The file is empty."


class ImportForm(forms.Form):
    file = forms.FileField(label="Spreadsheet of past complaints")
    dry_run = forms.BooleanField(
        required=False,
        label="Dry run: check the file and show what would happen, without importing",
    )
    skip_invalid = forms.BooleanField(
        required=False, label="Import the valid rows and list the invalid ones"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if os.path.splitext(upload.name or "")[1].lower() not in {".csv", ".xlsx"}:
            raise forms.ValidationError(WRONG_TYPE)
        if not upload.size:
            raise forms.ValidationError(EMPTY)
        if upload.size > MAX_IMPORT_MB * 1024 * 1024:
            raise forms.ValidationError(TOO_LARGE)
        return upload
