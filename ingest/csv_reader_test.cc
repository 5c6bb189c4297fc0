#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ingest/csv.h"

namespace authtrail::ingest {
namespace {

struct Read {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> errors;  // "line:column: reason"
  std::vector<std::string> raws;
};

Read ReadAll(std::string_view text) {
  CsvReader reader(LinesOf(text));
  Read out;
  std::vector<CsvField> fields;
  CsvError error;
  while (true) {
    CsvReader::Outcome o = reader.Next(&fields, &error);
    if (o == CsvReader::Outcome::kEnd) break;
    out.raws.push_back(reader.raw());
    if (o == CsvReader::Outcome::kError) {
      out.errors.push_back(std::to_string(error.pos.line) + ":" + std::to_string(error.pos.column) +
                           ": " + error.reason);
      continue;
    }
    std::vector<std::string> values;
    for (const CsvField& f : fields) values.push_back(f.value);
    out.records.push_back(values);
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReader, ReadsQuotedAndUnquotedFields) {
  Read r = ReadAll("\"EVENT_TYPE\",\"TIMESTAMP\"\n\"Login\",\"20231218054831.655\"\na,b\n");
  EXPECT_EQ(r.records,
            (Rows{{"EVENT_TYPE", "TIMESTAMP"}, {"Login", "20231218054831.655"}, {"a", "b"}}));
  EXPECT_TRUE(r.errors.empty());
}

TEST(CsvReader, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  Read r = ReadAll("a,\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\r\nline3\",z\n");
  ASSERT_EQ(r.records.size(), 1u);
  EXPECT_EQ(r.records[0],
            (std::vector<std::string>{"a", "x, y", "say \"hi\"", "line1\nline2\nline3", "z"}));
  EXPECT_EQ(r.raws[0], "a,\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\nline3\",z");
}

TEST(CsvReader, ByteOrderMarkIsDroppedAndNotCountedInColumns) {
  Read r = ReadAll("\xEF\xBB\xBF\"A\",\"B\"\n\"1\",\"2\"\n");
  EXPECT_EQ(r.records, (Rows{{"A", "B"}, {"1", "2"}}));
  CsvReader reader(
      LinesOf("\xEF\xBB\xBF"
              "a,b\"c\n"));
  std::vector<CsvField> fields;
  CsvError error;
  ASSERT_EQ(reader.Next(&fields, &error), CsvReader::Outcome::kError);
  EXPECT_EQ(error.pos.line, 1u);
  EXPECT_EQ(error.pos.column, 4u);  // the quote in b"c, counted after the BOM
}

TEST(CsvReader, CrlfLineEndsAndEmptyFields) {
  Read r = ReadAll("a,,\"\"\r\n,b,\r\n");
  EXPECT_EQ(r.records, (Rows{{"a", "", ""}, {"", "b", ""}}));
}

TEST(CsvReader, BlankLinesBetweenRecordsAreSkipped) {
  Read r = ReadAll("a,b\n\n\r\n1,2\n\n");
  EXPECT_EQ(r.records, (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReader, FieldPositionsAreLineAndByteColumn) {
  CsvReader reader(LinesOf("h1,h2\n\"multi\nline\",\"x\"\n"));
  std::vector<CsvField> fields;
  CsvError error;
  ASSERT_EQ(reader.Next(&fields, &error), CsvReader::Outcome::kRecord);
  ASSERT_EQ(reader.Next(&fields, &error), CsvReader::Outcome::kRecord);
  ASSERT_EQ(fields.size(), 2u);
  EXPECT_EQ(fields[0].pos.line, 2u);
  EXPECT_EQ(fields[0].pos.column, 1u);
  EXPECT_EQ(fields[1].pos.line, 3u);  // after the quoted line break
  EXPECT_EQ(fields[1].pos.column, 7u);
  EXPECT_EQ(reader.start().line, 2u);
}

TEST(CsvReader, QuoteInsideUnquotedFieldIsRejectedAndReadingContinues) {
  Read r = ReadAll("a,b\nx,y\"z\n1,2\n");
  EXPECT_EQ(r.records, (Rows{{"a", "b"}, {"1", "2"}}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].substr(0, 5), "2:4: ");
  EXPECT_NE(r.errors[0].find("quote inside an unquoted field"), std::string::npos);
  EXPECT_EQ(r.raws[1], "x,y\"z");
}

TEST(CsvReader, TextAfterClosingQuoteIsRejected) {
  Read r = ReadAll("\"ab\"c,d\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0],
            "1:5: expected ',' or the end of the line after a closing quote, found 'c'");
}

TEST(CsvReader, UnterminatedQuoteIsRejectedAtTheOpeningQuote) {
  Read r = ReadAll("a,b\n1,\"open\n2,3\n");
  EXPECT_EQ(r.records, (Rows{{"a", "b"}}));
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], "2:3: quoted field is never closed (end of input reached)");
  EXPECT_EQ(r.raws[1], "1,\"open\n2,3");
}

TEST(CsvReader, NonPrintableBytesAreNamedInHex) {
  Read r = ReadAll("\"a\"\x01\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("byte 0x01"), std::string::npos);
}

TEST(CsvReader, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").records.empty());
  EXPECT_TRUE(ReadAll("\n\n").records.empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").records.empty());
}

TEST(CsvReader, LastLineWithoutLineEndIsRead) {
  EXPECT_EQ(ReadAll("a,b\n1,2").records, (Rows{{"a", "b"}, {"1", "2"}}));
}

}  // namespace
}  // namespace authtrail::ingest
