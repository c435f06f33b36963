#!/usr/bin/env python3
"""Write N feed files f0.xml .. f{N-1}.xml of M entries each into DIR, for
the ingest benchmark: realistic migration-news items, distinct per feed.
   gen_sources.py DIR N M"""
import os, random, sys

out, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
random.seed(7)
words = ("asylum migration screening eurodac border procedure solidarity return "
         "resettlement smuggling pathway council parliament commission agency "
         "reception relocation crisis regulation member states applicants "
         "fundamental rights frontex monitoring protection visa labour").split()
for i in range(n):
    items = []
    for j in range(m):
        title = " ".join(random.choice(words) for _ in range(9)).capitalize()
        body = " ".join(random.choice(words) for _ in range(80))
        items.append(
            f"<item><title>{title} {i}-{j}</title>"
            f"<link>https://source{i}.example.org/news/{j}</link>"
            f"<guid>https://source{i}.example.org/news/{j}</guid>"
            f"<pubDate>Sun, {1 + j % 28:02d} Nov 2026 {j % 24:02d}:00:00 GMT</pubDate>"
            f"<description>&lt;p&gt;{body}&lt;/p&gt;</description></item>")
    with open(os.path.join(out, f"f{i}.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>Source {i}</title><link>https://source{i}.example.org/</link>"
                "<description>bench</description>" + "".join(items) + "</channel></rss>\n")
