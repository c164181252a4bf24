#!/usr/bin/env python3
"""bench/import_gen.py N FILE — writes a WordPress export (WXR 1.2) of N
comments for bench/import.sh: 50 comments a post, Persian and English text
with a little HTML, one in four a reply (half of those placed before their
parent in the file), every status (mostly approved), some pingbacks.
Deterministic: the same N gives the same file."""
import random
import sys
import time

WORDS_FA = ("خبر دولت مجلس بودجه قیمت بازار مردم شهر تهران اقتصاد سیاست "
            "فرهنگ ورزش فوتبال انتخابات کتابخانه دانشگاه می‌خواهم گزارش").split()
WORDS_EN = ("news budget market people city economy policy culture sport "
            "election library university report government").split()


def text(rnd):
    words = WORDS_FA if rnd.random() < 0.7 else WORDS_EN
    n = rnd.randint(8, 60)
    body = " ".join(rnd.choice(words) for _ in range(n))
    if rnd.random() < 0.3:
        body = "<p>" + body + "</p><p>" + " ".join(rnd.choice(words) for _ in range(8)) + "</p>"
    if rnd.random() < 0.1:
        body += ' <a href="https://example.org/%d">link</a>' % rnd.randint(1, 10**6)
    if rnd.random() < 0.05:
        body += " &amp; more<br />line"
    return body


def main():
    n = int(sys.argv[1])
    out = open(sys.argv[2], "w", encoding="utf-8")
    rnd = random.Random(1403)
    w = out.write
    w('<?xml version="1.0" encoding="UTF-8" ?>\n<rss version="2.0" '
      'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
      '<title>bench</title>\n<wp:wxr_version>1.2</wp:wxr_version>\n')
    cid = 0
    post = 0
    statuses = ["1"] * 90 + ["0"] * 4 + ["spam"] * 4 + ["trash"] * 2
    while cid < n:
        post += 1
        w('<item>\n<title>Post %d</title>\n<link>https://www.example.ir/news/%d</link>\n'
          '<wp:post_id>%d</wp:post_id>\n<wp:post_type>post</wp:post_type>\n' % (post, post, post))
        block = []
        first = cid + 1
        for _ in range(min(50, n - cid)):
            cid += 1
            parent = 0
            if cid > first and rnd.random() < 0.25:
                parent = rnd.randint(first, cid - 1)
            kind = "pingback" if rnd.random() < 0.01 else "comment"
            date = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(1700000000 + cid * 37))
            block.append((cid, parent, kind, date))
        # Half the replies before their parents: swap them in the file.
        order = list(block)
        rnd.shuffle(order) if rnd.random() < 0.5 else None
        for (c, parent, kind, date) in order:
            w('<wp:comment>\n<wp:comment_id>%d</wp:comment_id>\n'
              '<wp:comment_author><![CDATA[%s %d]]></wp:comment_author>\n'
              '<wp:comment_author_email>reader%d@example.ir</wp:comment_author_email>\n'
              '<wp:comment_author_IP>203.0.%d.%d</wp:comment_author_IP>\n'
              '<wp:comment_date_gmt>%s</wp:comment_date_gmt>\n'
              '<wp:comment_content><![CDATA[%s]]></wp:comment_content>\n'
              '<wp:comment_approved>%s</wp:comment_approved>\n'
              '<wp:comment_type>%s</wp:comment_type>\n'
              '<wp:comment_parent>%d</wp:comment_parent>\n</wp:comment>\n'
              % (c, rnd.choice(["علی", "Sara", "مریم", "Reza"]), c % 997, c % 5000,
                 (c // 256) % 256, c % 256, date, text(rnd), rnd.choice(statuses), kind,
                 parent))
        w('</item>\n')
    w('</channel>\n</rss>\n')
    out.close()


if __name__ == "__main__":
    main()
