"""Forms and widgets of the editors' admin: exact teaser text, tag entry with autocomplete."""

import json

from django import forms
from django.conf import settings
from django.contrib.admin import widgets as admin_widgets
from django.contrib.admin.widgets import SELECT2_TRANSLATIONS
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import get_language

from .editing import check_schedule
from .models import PARAGRAPH_SEPARATOR, Item, Tag
from .tagging import tag_key
from .tags import check_name_available

# Only ASCII whitespace is markup; U+00A0 is content (DIGEST_FORMAT.md).
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
        names, keys = [], set()
        for entry in value or []:
            for part in str(entry).split(","):
                name = " ".join(part.split())
                key = tag_key(name)
                if key and key not in keys:
                    keys.add(key)
                    names.append(name)
        return names

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


class ItemForm(forms.ModelForm):
    teaser = ExactTextField(
        help_text="Paragraphs separated by one blank line. Non-breaking spaces are kept."
    )
    tag_names = TagNamesField(
        label="Tags", required=False, help_text="Pick existing tags or type new ones."
    )

    class Meta:
        model = Item
        fields = ["title", "slug", "teaser", "status", "published_at", "unpublish_at"]
        widgets = {"title": forms.TextInput(attrs={"class": "vLargeTextField"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        revision = getattr(self.instance, "_history", None)
        if revision is not None and revision.tag_names is not None:
            # Restoring a revision (simple-history's form): offer its tags.
            self.initial.setdefault("tag_names", revision.tag_names)
        elif self.instance.pk:
            # Read through .all() so a prefetch is used (taggit's .names() ignores it).
            self.initial.setdefault("tag_names", [tag.name for tag in self.instance.tags.all()])

    def clean_title(self):
        title = self.cleaned_data["title"].strip(ASCII_WHITESPACE)
        if not title:
            raise ValidationError("expected a title, found only spaces")
        return title

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status", self.instance.status)
        publish_at = cleaned.get("published_at", self.instance.published_at)
        unpublish_at = cleaned.get("unpublish_at", self.instance.unpublish_at)
        if status == Item.Status.PUBLISHED and publish_at is None and "published_at" in cleaned:
            # Publishing with no time given means now.
            cleaned["published_at"] = publish_at = timezone.now()
        if publish_at is not None and unpublish_at is not None and unpublish_at <= publish_at:
            self.add_error("unpublish_at", "expected a time after the publication time")
        return cleaned


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name", "description"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if "," in name:
            raise ValidationError("expected a name without commas (they separate tags)")
        check_name_available(name, tag=self.instance if self.instance.pk else None)
        return name


class TagAliasForm(forms.ModelForm):
    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        tag = self.instance.tag if self.instance.tag_id else None
        if tag is not None and tag_key(name) == tag.name_key:
            raise ValidationError("expected a spelling other than the tag's own name")
        check_name_available(name, tag=tag)
        return name


class ActionForm(forms.Form):
    """The intermediate page of a bulk action keeps the selection in hidden inputs."""


class ChooseTagForm(ActionForm):
    tag = TagNamesField(label="Tag", help_text="One tag.")

    def clean_tag(self):
        names = self.cleaned_data["tag"]
        if len(names) != 1:
            raise ValidationError(f"expected one tag, found {len(names)}")
        return names[0]


class ScheduleForm(ActionForm):
    published_at = forms.SplitDateTimeField(
        label="Publish at", widget=admin_widgets.AdminSplitDateTime
    )
    unpublish_at = forms.SplitDateTimeField(
        label="Unpublish at",
        required=False,
        widget=admin_widgets.AdminSplitDateTime,
        help_text="Leave empty to keep the items published.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("published_at"):
            check_schedule(cleaned["published_at"], cleaned.get("unpublish_at"))
        return cleaned


class MergeForm(ActionForm):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(), widget=forms.RadioSelect, label="Merge into"
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


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


class DigestUploadForm(forms.Form):
    files = MultipleFileField(label="Digest files", help_text="One or more digest files.")
    status = forms.ChoiceField(
        choices=Item.Status.choices,
        initial=Item.Status.PUBLISHED,
        label="Status of new items",
    )
    force = forms.BooleanField(required=False, label="Re-read files imported before (same content)")
