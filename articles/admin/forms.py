"""The admin's forms: each validates all it accepts, so that a bad post is a form error."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from ..editing import check_schedule
from ..models import Item, ItemOldSlug, Tag, assign_slugs
from ..tag_names import clean_tag_name, tag_key
from ..tag_services import check_name_available
from .fields import (
    ASCII_WHITESPACE,
    ExactTextField,
    MultipleFileField,
    TagNamesField,
    ZonedSplitDateTime,
)

SHA256_HEX = re.compile(r"[0-9a-f]{64}")


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
        widgets = {
            "title": forms.TextInput(attrs={"class": "vLargeTextField"}),
            "published_at": ZonedSplitDateTime,
            "unpublish_at": ZonedSplitDateTime,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        slug = self.fields.get("slug")
        if slug is not None and self.instance.pk is None:
            slug.required = False
            slug.help_text = "Left empty: made from the title."
        elif slug is not None:
            slug.help_text = "The item's address. The old one redirects to a new one."
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

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if not slug:
            new = Item(title=self.cleaned_data.get("title") or "")
            assign_slugs([new])
            return new.slug
        retired = (
            ItemOldSlug.objects.filter(slug=slug)
            .exclude(item_id=self.instance.pk)
            .select_related("item")
            .first()
        )
        if retired is not None:
            raise ValidationError(
                f"expected a slug no other item had, found {slug!r}: it redirects to "
                f"“{retired.item}”"
            )
        return slug

    def clean_published_at(self):
        return self._stored_if_same(self.cleaned_data.get("published_at"), "published_at")

    def clean_unpublish_at(self):
        return self._stored_if_same(self.cleaned_data.get("unpublish_at"), "unpublish_at")

    def _stored_if_same(self, value, name):
        # The admin's widget shows times to the second. An import's times have microseconds
        # (they order the items of a batch): a time submitted as shown means the stored one,
        # or an unchanged save would move the item after the rest of its batch.
        stored = getattr(self.instance, name)
        if value is not None and stored is not None and value == stored.replace(microsecond=0):
            return stored
        return value

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
        name = clean_tag_name(self.cleaned_data["name"])
        if "," in name:
            raise ValidationError("expected a name without commas (they separate tags)")
        check_name_available(name, tag=self.instance if self.instance.pk else None)
        return name


class TagAliasForm(forms.ModelForm):
    def clean_name(self):
        name = clean_tag_name(self.cleaned_data["name"])
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
    published_at = forms.SplitDateTimeField(label="Publish at", widget=ZonedSplitDateTime)
    unpublish_at = forms.SplitDateTimeField(
        label="Unpublish at",
        required=False,
        widget=ZonedSplitDateTime,
        help_text="Leave empty to keep the items published.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("published_at"):
            check_schedule(cleaned["published_at"], cleaned.get("unpublish_at"))
        return cleaned


class ConfirmForm(forms.Form):
    """The "Yes" of a confirmation page (a deletion, an undo): posted only by its button."""

    confirm = forms.BooleanField(widget=forms.HiddenInput, initial=True)


class MergeForm(ActionForm):
    target = forms.ModelChoiceField(
        queryset=Tag.objects.none(), widget=forms.RadioSelect, label="Merge into"
    )

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = tags


class DigestUploadForm(forms.Form):
    files = MultipleFileField(label="Digest files")
    status = forms.ChoiceField(
        choices=Item.Status.choices,
        initial=Item.Status.PUBLISHED,
        label="Status of new items",
    )
    force = forms.BooleanField(required=False, label="Re-read files imported before (same content)")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].help_text = (
            f"One or more digest files: at most {settings.DIGEST_UPLOAD_MAX_FILES}, "
            f"{filesizeformat(settings.DIGEST_MAX_BYTES)} each, "
            f"{filesizeformat(settings.DIGEST_UPLOAD_MAX_TOTAL_BYTES)} in all."
        )

    def clean_files(self):
        """The upload's limits (settings DIGEST_UPLOAD_MAX_FILES, DIGEST_MAX_BYTES,
        DIGEST_UPLOAD_MAX_TOTAL_BYTES), checked on the files as received, before anything is
        staged or previewed: a batch over any limit is refused whole."""
        files = self.cleaned_data["files"]
        max_files = settings.DIGEST_UPLOAD_MAX_FILES
        if len(files) > max_files:
            raise ValidationError(
                f"expected at most {max_files} files in one upload, found {len(files)}: "
                "upload them in smaller batches"
            )
        max_bytes = settings.DIGEST_MAX_BYTES
        too_large = [
            ValidationError(
                f"{upload.name}: expected at most {max_bytes:,} bytes a file, found {upload.size:,}"
            )
            for upload in files
            if upload.size > max_bytes
        ]
        if too_large:
            raise ValidationError(too_large)
        total = sum(upload.size for upload in files)
        max_total = settings.DIGEST_UPLOAD_MAX_TOTAL_BYTES
        if total > max_total:
            raise ValidationError(
                f"expected at most {max_total:,} bytes in one upload, found {total:,}: "
                "upload the files in smaller batches"
            )
        return files


class Sha256ListField(forms.Field):
    """The sha256 of each file previewed, as repeated hidden inputs."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [str(digest) for digest in value or []]

    def validate(self, value):
        super().validate(value)
        for digest in value:
            if not SHA256_HEX.fullmatch(digest):
                raise ValidationError(f"expected a sha256 in hex, found {digest[:70]!r}")


class ConfirmImportForm(forms.Form):
    """The confirm of a previewed upload: the staged batch, what was previewed and with which
    options, all as hidden fields. A post that does not validate imports nothing."""

    batch = forms.UUIDField(widget=forms.HiddenInput)
    sha256 = Sha256ListField()
    status = forms.ChoiceField(choices=Item.Status.choices, widget=forms.HiddenInput)
    force = forms.BooleanField(required=False, widget=forms.HiddenInput)
