"""The request's CSP nonce on a letter preview's own <style> elements.

Letter previews are sandboxed ``srcdoc`` frames, which inherit the page's policy; styles
need the nonce (``style-src-elem``), so the letter's stylesheet carries it, the same nonce
the page's own <style> has. Style attributes are allowed (``style-src-attr``) so the preview
matches the PDF. docs/security.md (V14).
"""

import re

from django import template

register = template.Library()

STYLE_TAG = re.compile(r"<style(?=[\s>])", re.IGNORECASE)


@register.filter
def style_nonce(html: str, nonce: object) -> str:
    """`html` with nonce="..." on every <style> element (escaped afterwards by the caller)."""
    if not nonce:
        return html
    return STYLE_TAG.sub(f'<style nonce="{nonce}"', str(html))
