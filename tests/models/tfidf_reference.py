#!/usr/bin/python3
"""Writes tests/models/tfidf_reference.json: scikit-learn's TfidfVectorizer on a
small corpus under several options, which tests/models/test_tfidf.cpp compares
hone's vectorizer against (vocabulary exactly, values within 1e-6).

Run with Debian's python3 (scikit-learn 1.2): /usr/bin/python3 tests/models/tfidf_reference.py
No tie at the max_features cut: scikit-learn breaks those in numpy quicksort order.
The corpus has what the tokenizer must get right: capitals, punctuation, digits,
underscores, one-letter words, accents (é, Ü, ß), Greek, tabs and newlines, an
empty text and a text of punctuation only.
"""
import json
import os

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer

CORPUS = [
    "The quick brown fox jumps over the lazy dog.",
    "A dog! A DOG? the dog_house is 42 meters away; x y z",
    "Café crème: ÜBER straße, naïve résumé. Ελληνικά ΛΕΞΗ",
    "",
    "... ,,, !!!",
    "quick quick quick brown\tfoxes\njump over lazy dogs 3 times",
    "the end of the story: the fox and the dog are friends",
]

CASES = [
    {"name": "defaults", "args": {}},
    {"name": "bigrams_sublinear_min_df", "args": {"ngram_range": [1, 2], "sublinear_tf": True, "min_df": 2}},
    {"name": "char_wb_2_5", "args": {"analyzer": "char_wb", "ngram_range": [2, 5]}},
    {"name": "max_features_max_df", "args": {"max_features": 3, "max_df": 0.5, "ngram_range": [1, 2]}},
]


def main():
    out = {"generator": "tests/models/tfidf_reference.py", "sklearn_version": sklearn.__version__,
           "corpus": CORPUS, "cases": []}
    for case in CASES:
        args = dict(case["args"])
        if "ngram_range" in args:
            args["ngram_range"] = tuple(args["ngram_range"])
        v = TfidfVectorizer(**args)
        x = v.fit_transform(CORPUS).tocsr()
        x.sort_indices()
        out["cases"].append({
            "name": case["name"],
            "args": case["args"],
            "vocabulary": list(v.get_feature_names_out()),
            "idf": list(map(float, v.idf_)),
            "offsets": list(map(int, x.indptr)),
            "indices": list(map(int, x.indices)),
            "values": list(map(float, x.data)),
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tfidf_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
