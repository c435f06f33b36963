#ifndef SANITIZE_H
#define SANITIZE_H

/*
 * HTML from feeds, made safe to republish (sanitize_html) or reduced to
 * plain text for titles, full-text search and tagging (sanitize_text,
 * sanitize_line). Input is untrusted bytes in any state; output is always
 * a new, valid UTF-8 string without NUL or XML-forbidden characters
 * (free it), never NULL.
 *
 * sanitize_html keeps an allowlist of elements and attributes, drops
 * scripts, styles, frames, forms, embedded objects, SVG and MathML with
 * their content, drops event handlers, style, class, id and target
 * attributes, keeps only http, https and mailto URLs (href, src, cite),
 * and resolves relative ones against base_url; without a base_url, or
 * when resolution fails, the URL attribute is dropped (an <a> without
 * href is unwrapped, an <img> without src dropped). 1x1 tracking pixels
 * are dropped. srcset is dropped:
 * readers fall back to src. No rel is added: with target gone nothing
 * opens a new browsing context that could reach window.opener, and the
 * reader decides its own link policy. The output is well-formed XML
 * (void elements as <br />, every other element closed explicitly) and
 * also ordinary HTML, ready for an Atom type="html" text construct.
 */

#include <stddef.h>

char	*sanitize_html(const char *html, size_t len, const char *base_url);
/* Text of an HTML fragment: tags gone, entities decoded, script and
 * style content dropped, whitespace collapsed to single spaces, one
 * newline between block elements, trimmed. For HTML only: a plain-text
 * value (TEXT_PLAIN) that spells out "&amp;" would lose it. */
char	*sanitize_text(const char *html, size_t len);
/* As sanitize_text, on one line: block boundaries become spaces. For
 * titles. */
char	*sanitize_line(const char *html, size_t len);

#endif /* SANITIZE_H */
