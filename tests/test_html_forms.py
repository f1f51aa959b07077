"""The readers the fuzzing relies on: forms as a browser submits them, and markup that runs."""

import pytest

from tests.html_forms import forms_of, running_markup, running_tags_in

PAGE = """
<form method="post" action="/leads/9/edit" enctype="multipart/form-data">
  <input type="hidden" name="csrf_token" value="t0ken">
  <input name="name" value="Full &amp; Co">
  <textarea name="description">
Two lines</textarea>
  <select name="country"><option value="">—</option><option value="DE" selected>Germany</option>
  </select>
  <input type="checkbox" name="needs" value="lab" checked><input type="checkbox" name="needs"
   value="gmp">
  <input type="file" name="file"><input type="submit" name="export" value="Export">
  <button type="button">Show</button><input name="off" disabled>
</form>
<form><input type="search" name="q"></form>
"""


def test_forms_are_read_with_their_fields_as_a_browser_sends_them() -> None:
    edit, search = forms_of("/leads/9", PAGE)
    assert (edit.method, edit.action, edit.is_multipart) == ("POST", "/leads/9/edit", True)
    assert edit.csrf_token == "t0ken"
    fields = {found.name: found for found in edit.fields}
    assert list(fields) == [
        "csrf_token",
        "name",
        "description",
        "country",
        "needs",
        "file",
        "export",
    ]
    assert fields["name"].value == "Full & Co"
    assert fields["description"].value == "Two lines"
    assert (fields["country"].options, fields["country"].chosen) == (["", "DE"], ["DE"])
    assert (fields["needs"].options, fields["needs"].chosen) == (["lab", "gmp"], ["lab"])
    assert fields["needs"].is_multiple
    assert [found.name for found in edit.typed_fields] == ["name", "description", "file"]
    assert (search.method, search.action, search.typed_fields[0].name) == ("GET", "/leads/9", "q")


@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href=" java\tscript:alert(1)">x</a>',
        '<iframe src="/x"></iframe>',
        '<form action="data:text/html,x"></form>',
        "<svg/onload=alert(1)>",
    ],
)
def test_markup_that_runs_is_found(html: str) -> None:
    assert running_markup(f"<p>{html}</p>")


def test_the_applications_own_markup_and_escaped_input_are_not() -> None:
    page = (
        '<script src="/static/js/app.js" defer></script><a href="https://x.example">x</a>'
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"
        '<input value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;">'
        '<a href="/leads/?q=javascript:">'
    )
    assert running_markup(page) == []


def test_tags_that_would_run_are_picked_out_of_typed_text() -> None:
    typed = 'Acme"><img src=x onerror=alert(1)> <b>bold</b> <script>x</script>'
    assert running_tags_in(typed) == ["<img src=x onerror=alert(1)>", "<script>"]
