"""Template helpers for the reader site."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from articles.reader import queries, search

register = template.Library()


@register.filter
def highlight(text, words):
    """``{{ item.title|highlight:highlight_words }}``: escaped text, matches in <mark>."""
    return search.highlight(text, words)


@register.filter
def iso(moment):
    """ISO 8601 for ``<time datetime>``, to the second, in the site's time zone."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""


# A story in a list (home, tag pages, search results): rendered here rather than by an
# {% include %} a story, whose variable lookups and filters were a third of a tag page's time.
_SUMMARY = (
    '<article class="story">\n'
    '  <h2 class="story__title"><a href="{url}">{title}</a></h2>\n'
    '  <p class="story__meta"><time datetime="{moment}">{day}</time>{tags}</p>\n'
    '  <div class="story__teaser">\n'
    "    {teaser}\n"
    "  </div>\n"
    "</article>\n"
)


@register.simple_tag(takes_context=True)
def item_summary(context, item, show_tags=False):
    """``{% item_summary item show_tags=True %}``: the story's title, date (and tags) and
    teaser, the words of ``highlight_words`` marked; every text escaped by format_html."""
    words = context.get("highlight_words", ())
    tags = ""
    if show_tags and item.tag_list:
        tags = format_html(
            '<span class="visually-hidden">. Tags:</span>{}',
            format_html_join(
                "",
                ' <a class="chip" href="{}">{}</a>',
                ((tag.get_absolute_url(), tag.name) for tag in queries.ordered_tags(item)),
            ),
        )
    moment = item.published_at
    return format_html(
        _SUMMARY,
        url=item.get_absolute_url(),
        title=search.highlight(item.title, words),
        moment=iso(moment),
        day=date_format(timezone.localtime(moment), "j F Y") if moment else "",
        tags=tags,
        teaser=format_html_join(
            "", "<p>{}</p>", ((search.highlight(text, words),) for text in item.paragraphs)
        ),
    )
