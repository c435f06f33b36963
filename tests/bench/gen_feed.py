#!/usr/bin/env python3
"""Write a generated feed of about SIZE_MB megabytes: rss or atom.
   gen_feed.py rss|atom SIZE_MB OUT"""
import random, sys

kind, size_mb, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
random.seed(42)
words = ("asylum migration screening eurodac border procedure solidarity return "
         "resettlement smuggling pathway council parliament commission agency "
         "reception relocation crisis regulation member states applicants "
         "fundamental rights frontex monitoring protection").split()
def sentence(n):
    return " ".join(random.choice(words) for _ in range(n)).capitalize()
target = int(size_mb * 1024 * 1024)
with open(out, "w", encoding="utf-8") as f:
    if kind == "rss":
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/" '
                'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
                '<title>Generated</title><link>https://bench.example.org/</link>'
                '<description>Benchmark feed</description>\n')
    else:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
                '<title>Generated</title><id>tag:bench.example.org,2026:feed</id>'
                '<updated>2026-11-01T00:00:00Z</updated><link href="https://bench.example.org/"/>\n')
    i = 0
    while f.tell() < target:
        i += 1
        day = 1 + i % 28
        title = sentence(8)
        body = "&lt;p&gt;" + sentence(60) + "&lt;/p&gt;&lt;p&gt;" + sentence(60) + "&lt;/p&gt;"
        if kind == "rss":
            f.write(f'<item><title>{title}</title>'
                    f'<link>https://bench.example.org/news/{i}</link>'
                    f'<guid isPermaLink="false">bench-{i}</guid>'
                    f'<pubDate>Sun, {day:02d} Nov 2026 10:{i % 60:02d}:00 +0100</pubDate>'
                    f'<dc:creator>Desk {i % 17}</dc:creator>'
                    f'<category>{random.choice(words)}</category>'
                    f'<description>{body}</description></item>\n')
        else:
            f.write(f'<entry><title>{title}</title>'
                    f'<link href="https://bench.example.org/news/{i}"/>'
                    f'<id>tag:bench.example.org,2026:{i}</id>'
                    f'<updated>2026-11-{day:02d}T10:{i % 60:02d}:00+01:00</updated>'
                    f'<author><name>Desk {i % 17}</name></author>'
                    f'<category term="{random.choice(words)}"/>'
                    f'<summary type="html">{body}</summary></entry>\n')
    f.write('</channel>\n</rss>\n' if kind == "rss" else '</feed>\n')
