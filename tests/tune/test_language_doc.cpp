// docs/language.md's key tables are generated from the language's key table
// with the names of every registry; regenerate them with
// `build/hone keys --fill docs/language.md` when this fails.
#include <gtest/gtest.h>

#include <set>

#include "common/file.hpp"
#include "lang/keys.hpp"
#include "tune/validate.hpp"

using namespace hone;

TEST(LanguageDoc, KeyTablesAreCurrent) {
    auto text = read_file(std::string(HONE_SOURCE_DIR) + "/docs/language.md");
    ASSERT_TRUE(text);
    std::vector<std::string> unknown;
    auto filled = lang::fill_key_tables(*text, tune::registry_names(), &unknown);
    EXPECT_TRUE(unknown.empty()) << unknown.front();
    EXPECT_TRUE(filled == *text) << "docs/language.md is stale: run build/hone keys --fill docs/language.md";
}

// Every section the language declares has its table in the docs.
TEST(LanguageDoc, EverySectionIsDocumented) {
    auto text = read_file(std::string(HONE_SOURCE_DIR) + "/docs/language.md");
    ASSERT_TRUE(text);
    for (const auto& s : lang::language_sections())
        EXPECT_NE(text->find("<!-- keys " + s.name + " -->"), std::string::npos) << s.name;
}

// Every key has a line of doc, and names are unique within a section.
TEST(LanguageDoc, EveryKeyIsDocumentedOnce) {
    for (const auto& s : lang::language_sections()) {
        std::set<std::string> names;
        for (const auto& k : s.keys) {
            EXPECT_FALSE(k.doc.empty()) << s.name << "." << k.key;
            EXPECT_FALSE(k.type.empty()) << s.name << "." << k.key;
            EXPECT_TRUE(names.insert(k.key).second) << s.name << "." << k.key;
            for (const auto& a : k.aliases) EXPECT_TRUE(names.insert(a).second) << s.name << "." << a;
        }
    }
}
