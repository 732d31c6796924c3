// The item form's "suggested tags" (articles/admin/suggestions.py): a button adds its tag to
// the tags field instead of posting the accept form, so that the editor's unsaved changes stay
// and the tag is saved with them. Without this script the button posts and saves the tag.
"use strict";
document.addEventListener("click", function (event) {
    const button = event.target.closest("button.suggested-tag");
    if (!button) {
        return;
    }
    const select = document.querySelector("select[name=tag_names]");
    if (!select) {
        return; // no tags field (read-only): let the button post
    }
    event.preventDefault();
    const name = button.dataset.tagName;
    let option = Array.from(select.options).find((one) => one.value === name);
    if (!option) {
        option = new Option(name, name, true, true);
        select.append(option);
    }
    option.selected = true;
    // select2 (the admin's autocomplete) redraws the field on jQuery's change event.
    if (window.django && window.django.jQuery) {
        window.django.jQuery(select).trigger("change");
    } else {
        select.dispatchEvent(new Event("change", { bubbles: true }));
    }
    button.disabled = true;
    button.textContent = "Added “" + name + "”";
    const status = document.getElementById("tag-suggestions-status");
    if (status) {
        status.textContent = "“" + name + "” added to the tags: save the item to keep it.";
    }
});
