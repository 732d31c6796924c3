"""Form fields and widgets of the editors' admin: exact teaser text, tag names with
autocomplete, times with their zone, several files in one upload."""

import json

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import SELECT2_TRANSLATIONS, AdminSplitDateTime
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language

from ..models import PARAGRAPH_SEPARATOR, Tag
from ..tag_names import parse_tag_names, tag_key

# Only ASCII whitespace is markup; U+00A0 is content (docs/digest-format.md).
ASCII_WHITESPACE = " \t\r\n\f\v"
TAG_NAME_LIMIT = Tag._meta.get_field("name").max_length


class ExactTextField(forms.CharField):
    """A textarea whose text is kept byte for byte, except the line ends browsers send.

    Django's CharField strips with str.strip(), which eats U+00A0 at the ends; browsers submit
    line ends as CRLF. Here nothing is stripped but ASCII blank lines around the text, CRLF
    and CR become LF, and the text must be paragraphs separated by one blank line.
    """

    widget = forms.Textarea(attrs={"rows": 12, "cols": 80})

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n").strip("\n")

    def validate(self, value):
        super().validate(value)
        for number, paragraph in enumerate(value.split(PARAGRAPH_SEPARATOR), start=1):
            if "\n" in paragraph:
                raise ValidationError(
                    f"expected paragraphs separated by one blank line, found a line break "
                    f"inside paragraph {number}"
                )
            if not paragraph.strip(ASCII_WHITESPACE):
                raise ValidationError(f"expected text in paragraph {number}, found none")
            if paragraph[-1] in ASCII_WHITESPACE or paragraph[0] in ASCII_WHITESPACE:
                raise ValidationError(
                    f"expected paragraph {number} to start and end with text, found a space"
                )


class ZonedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, with the newsroom's time zone (TIME_ZONE) named
    beside the time: what is typed is read in that zone, and shown in it."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["time_label"] = f"Time ({timezone.get_current_timezone_name()}):"
        return context


class TagNamesWidget(forms.SelectMultiple):
    """The admin's select2 in tagging mode: suggests existing tags, accepts new names.

    Option values are tag names (not ids), so that a typed name and a suggested one arrive
    alike; the form resolves them by tag_key. Select2 reads its options from data-attributes.
    """

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.url = reverse_lazy("admin:articles_tag_names")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs.update(
            {
                "class": "admin-autocomplete",
                "data-ajax--cache": "true",
                "data-ajax--delay": 250,
                "data-ajax--type": "GET",
                "data-ajax--url": str(self.url),
                "data-theme": "admin-autocomplete",
                "data-tags": "true",
                "data-token-separators": json.dumps([","]),
                "data-placeholder": "Type to find or add tags",
                "data-width": "40em",
                "lang": SELECT2_TRANSLATIONS.get(get_language(), ""),
            }
        )
        return attrs

    def optgroups(self, name, value, attrs=None):
        options = [
            self.create_option(name, tag_name, tag_name, True, index)
            for index, tag_name in enumerate(value)
            if tag_name
        ]
        return [(None, options, 0)]

    @property
    def media(self):
        extra = "" if settings.DEBUG else ".min"
        language = SELECT2_TRANSLATIONS.get(get_language())
        return forms.Media(
            js=(
                f"admin/js/vendor/jquery/jquery{extra}.js",
                f"admin/js/vendor/select2/select2.full{extra}.js",
                *([f"admin/js/vendor/select2/i18n/{language}.js"] if language else []),
                "admin/js/jquery.init.js",
                "admin/js/autocomplete.js",
            ),
            css={
                "screen": (
                    f"admin/css/vendor/select2/select2{extra}.css",
                    "admin/css/autocomplete.css",
                )
            },
        )


class TagNamesField(forms.Field):
    """Tag names as typed or picked: one name an entry, commas never inside a name,
    duplicates by tag_key dropped. Returns names; the caller resolves them to tags."""

    widget = TagNamesWidget

    def to_python(self, value):
        return parse_tag_names(*(str(entry) for entry in value or []))

    def validate(self, value):
        super().validate(value)
        for name in value:
            if len(name) > TAG_NAME_LIMIT:
                raise ValidationError(
                    f"expected tag names of at most {TAG_NAME_LIMIT} characters, found "
                    f"{len(name)} in {name[:30]!r}…"
                )

    def has_changed(self, initial, data):
        return [tag_key(name) for name in initial or []] != [
            tag_key(name) for name in self.to_python(data)
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if not data:
            return single(None, initial)  # "This field is required."
        if isinstance(data, list | tuple):
            return [single(part, initial) for part in data]
        return [single(data, initial)]
