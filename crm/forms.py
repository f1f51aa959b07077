"""What every HTML page shares: refusals from the services shown next to their fields, or
flashed on the page an action goes back to; either way the request changes nothing."""

from collections.abc import Callable, Mapping
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field, SelectMultipleField
from wtforms.widgets import CheckboxInput, html_params

from crm.refusals import Refusals, Refused, each_refusal
from crm.unit_of_work import refused


class ShownRequired:
    """Marks a field as required on the page (the asterisk); the service refuses it empty."""

    field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        pass


SHOWN_REQUIRED = ShownRequired()


class GroupedCheckboxes:
    """A checkbox per choice, under a heading for each group (the choices' ``optgroup``), so
    that a long list can be scanned."""

    def __call__(self, field: SelectMultipleField, **kwargs: Any) -> Markup:
        parts = [f"<div {html_params(id=field.id, **kwargs)}>"]
        group: str | None = None
        for number, (option, choice) in enumerate(zip(field, field.choices or [], strict=True)):
            if number == 0 or choice.optgroup != group:
                if number:
                    parts.append("</ul></fieldset>")
                group = choice.optgroup
                parts.append(
                    f'<fieldset class="checkbox-group"><legend>{escape(group or "")}</legend><ul>'
                )
            parts.append(f"<li>{option()} {option.label()}</li>")
        if field.choices:
            parts.append("</ul></fieldset>")
        parts.append("</div>")
        return Markup("".join(parts))


class GroupedCheckboxesField(SelectMultipleField):
    widget = GroupedCheckboxes()
    option_widget = CheckboxInput()


def aria_attributes(field: Field, hint: str | None = None) -> dict[str, str]:
    """What ties a field to the hint and the errors shown beside it (``templates/_forms.html``),
    so that a screen reader reads them with the field and knows that it was refused."""
    described = [f"{field.id}-hint"] if hint else []
    if not field.errors:
        return {"aria-describedby": " ".join(described)} if described else {}
    described.append(f"{field.id}-error")
    return {"aria-describedby": " ".join(described), "aria-invalid": "true"}


def show_refusals(
    form: FlaskForm,
    error: Refused | Refusals,
    fields: Mapping[str | None, str] | None = None,
    message_of: Callable[[Refused], str] = lambda refusal: refusal.message,
) -> list[str]:
    """Put each refusal next to its form field (``fields`` maps the service's field names to the
    form's where they differ); return the messages that belong to no field of the form."""
    refused()
    unplaced = []
    for refusal in each_refusal(error):
        name = (fields or {}).get(refusal.field, refusal.field)
        if name is not None and name in form:
            form[name].errors = [*form[name].errors, message_of(refusal)]
        else:
            unplaced.append(message_of(refusal))
    return unplaced


def flash_refusal(error: Refused | Refusals) -> None:
    """Say why on the next page, for actions that go back where they came from."""
    refused()
    for refusal in each_refusal(error):
        flash(refusal.message, "error")
