#!/usr/bin/env python3
"""Write N feed files f0.xml .. f{N-1}.xml of M entries each into DIR, for
the ingest benchmark, distinct per feed.
   gen_sources.py DIR N M [news|dense]

news (the default): items like the news the default sources publish:
general EU policy wording with a Pact phrase in about two items of
three, so that the tagger gives about one topic per item, as in the
labelled dev set (shared/topics/dev.jsonl: 1.04 topics an item).
dense: every word a Pact keyword; about 8 topics an item, the tagger's
and the store's worst case (the only text before session 4)."""
import os, random, sys

out, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
text = sys.argv[4] if len(sys.argv) > 4 else "news"
if text not in ("news", "dense"):
    sys.exit("gen_sources.py: text is news or dense")
os.makedirs(out, exist_ok=True)
random.seed(7)
keywords = ("asylum migration screening eurodac border procedure solidarity return "
            "resettlement smuggling pathway council parliament commission agency "
            "reception relocation crisis regulation member states applicants "
            "fundamental rights frontex monitoring protection visa labour").split()
# General policy wording that names no topic on its own.
general = ("the european union ministers met in brussels on tuesday to discuss "
           "a new report on budget priorities for the coming year and the "
           "presidency said that further talks would follow before the summit "
           "in december while several delegations asked for more time to "
           "consult national experts on the draft text published last week "
           "statement press release meeting agenda conference debate vote "
           "committee delegation minister president spokesperson official "
           "document annex figures data survey study evaluation workshop "
           "event webinar speech interview opinion analysis update today "
           "announced published adopted welcomed launched presented discussed "
           "agreed called stressed noted highlighted confirmed reported").split()
phrases = ("screening regulation", "eurodac", "solidarity pool", "resettlement",
           "migrant smuggling", "legal pathways", "talent pool",
           "reception conditions", "crisis regulation", "return regulation",
           "search and rescue", "temporary protection",
           "safe countries of origin")


def news_text(words, nphrases):
    w = [random.choice(general) for _ in range(words)]
    for p in random.sample(phrases, nphrases):
        w.insert(random.randrange(len(w) + 1), p)
    return " ".join(w)


for i in range(n):
    items = []
    for j in range(m):
        if text == "dense":
            title = " ".join(random.choice(keywords) for _ in range(9)).capitalize()
            body = " ".join(random.choice(keywords) for _ in range(80))
        else:
            k = random.choices((0, 1, 2, 3), (30, 45, 20, 5))[0]
            intitle = random.randrange(k + 1)
            title = news_text(9, intitle).capitalize()
            body = news_text(80, k - intitle)
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
