"""Link-preview tags go into the page shell's head: the shell's own title and relative
og:image give way, everything is escaped, and the charset stays first."""

from __future__ import annotations

from app.domain.previews import CardContent, LinkPreview, clip, decimal_amount, inject

SHELL = (
    '<!DOCTYPE html><html><head><meta charSet="utf-8"/><title>Product · Bandwagon</title>'
    '<meta content="favicon.ico" property="og:image"/>'
    '<meta name="description" content="A product"/></head><body></body></html>'
)


def _preview(title: str = 'Mug "Blue" <3', **changes: str) -> LinkPreview:
    card = CardContent("/products/mug.webp", title, "$18.00", "In stock")
    values = {
        "path": "/product/mug",
        "title": title,
        "description": "A mug & a saucer",
        "card": card,
        "card_path": "/share/card/product/mug.png?v=1",
        **changes,
    }
    return LinkPreview(**values)  # type: ignore[arg-type]


def test_the_preview_replaces_the_shells_title_description_and_relative_image() -> None:
    page = inject(SHELL, _preview(), "https://shop.example")
    assert page.count("<title>") == 1
    assert "favicon.ico" not in page
    assert 'content="A product"' not in page
    assert (
        '<meta property="og:image" content="https://shop.example/share/card/product/mug.png?v=1"/>'
        in page
    )
    assert '<link rel="canonical" href="https://shop.example/product/mug"/>' in page


def test_the_main_picture_is_preloaded_for_its_own_page() -> None:
    page = inject(SHELL, _preview(preload="/products/mug.webp"), "https://shop.example")
    # data-path: the page that may paint it before its data arrives (the live stage).
    assert (
        '<link rel="preload" as="image" href="/products/mug.webp" fetchpriority="high"'
        ' data-path="/product/mug"/>' in page
    )


def test_values_are_escaped_and_the_charset_comes_first() -> None:
    page = inject(SHELL, _preview(), "https://shop.example")
    assert page.index('<meta charSet="utf-8"/>') < page.index("<title>")
    assert "<title>Mug &quot;Blue&quot; &lt;3 · Bandwagon</title>" in page
    assert 'content="A mug &amp; a saucer"' in page


def test_descriptions_are_cut_at_a_word() -> None:
    assert clip("one two three", 9) == "one two…"
    assert clip("  short  text ") == "short text"


def test_prices_are_plain_decimals_in_the_currencys_own_unit() -> None:
    assert decimal_amount(1950, "USD") == "19.50"
    assert decimal_amount(123456, "usd") == "1234.56"
    assert decimal_amount(500, "JPY") == "500"
