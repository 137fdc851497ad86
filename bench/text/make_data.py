#!/usr/bin/python3
"""Writes the text benchmark's corpora, each as train.tsv and test.tsv (labels,
comma-separated, a tab, the text), into OUT_DIR:
  austen/    paragraphs of Jane Austen's six novels (Debian's r-cran-janeaustenr,
             read through Rscript), labelled by book; paragraphs of 10 words or
             more, chapter headings left out; 80/20 split, seeded.
  multilabel/ a generated corpus: 8 topics with 60 words each among 2000 shared
             noise words, each text one to three topics; 20000 texts, 80/20.
    /usr/bin/python3 bench/text/make_data.py OUT_DIR
"""
import os
import random
import subprocess
import sys

R_EXPORT = r"""
library(janeaustenr)
b <- austen_books()
write.table(data.frame(book = b$book, text = b$text), stdout(), sep = "\t", quote = FALSE,
            row.names = FALSE, col.names = FALSE)
"""


def austen_paragraphs():
    out = subprocess.run(["Rscript", "-e", R_EXPORT], check=True, capture_output=True, text=True).stdout
    paragraphs, current, book = [], [], None
    for line in out.split("\n"):
        if "\t" not in line:
            continue
        b, text = line.split("\t", 1)
        text = text.strip()
        if b != book or not text or text.upper().startswith("CHAPTER"):
            if current and len(" ".join(current).split()) >= 10:
                paragraphs.append((book, " ".join(current)))
            current, book = [], b
            if not text or text.upper().startswith("CHAPTER"):
                continue
        current.append(text)
    if current and len(" ".join(current).split()) >= 10:
        paragraphs.append((book, " ".join(current)))
    return [([b.replace(" ", "_").replace("&", "and")], t) for b, t in paragraphs]


def multilabel_texts(n=20000, topics=8, topic_words=60, noise_words=2000, seed=11):
    rng = random.Random(seed)
    names = ["topic%d" % k for k in range(topics)]
    out = []
    for _ in range(n):
        labels = sorted(set(rng.randrange(topics) for _ in range(rng.randint(1, 3))))
        words = []
        for _ in range(rng.randint(15, 40)):
            if rng.random() < 0.25:
                words.append("t%dw%d" % (rng.choice(labels), rng.randrange(topic_words)))
            else:
                words.append("w%d" % int(rng.paretovariate(1.1) % noise_words))
        out.append(([names[k] for k in labels], " ".join(words)))
    return out


def write(folder, rows, seed=5):
    rng = random.Random(seed)
    rows = list(rows)
    rng.shuffle(rows)
    cut = int(len(rows) * 0.8)
    os.makedirs(folder, exist_ok=True)
    for name, part in (("train.tsv", rows[:cut]), ("test.tsv", rows[cut:])):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            for labels, text in part:
                f.write(",".join(labels) + "\t" + text.replace("\t", " ") + "\n")


def main():
    out = sys.argv[1]
    write(os.path.join(out, "austen"), austen_paragraphs())
    write(os.path.join(out, "multilabel"), multilabel_texts())


if __name__ == "__main__":
    main()
