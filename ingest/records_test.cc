#include "ingest/records.h"

#include <gtest/gtest.h>

#include <string>

namespace authtrail::ingest {
namespace {

struct All {
  std::string syntax;
  std::vector<SourceRecord> records;
  std::vector<RecordError> errors;
  std::vector<std::string> error_raws;
};

All ReadAll(std::string_view text) {
  std::unique_ptr<RecordReader> reader = OpenRecords(LinesOf(text));
  All out;
  out.syntax = reader->syntax();
  SourceRecord record;
  RecordError error;
  while (true) {
    RecordReader::Outcome o = reader->Next(&record, &error);
    if (o == RecordReader::Outcome::kEnd) break;
    if (o == RecordReader::Outcome::kError) {
      out.errors.push_back(error);
      out.error_raws.push_back(record.raw);
    } else {
      out.records.push_back(record);
    }
  }
  return out;
}

std::string Value(const SourceRecord& r, std::string_view name) {
  const SourceField* f = r.Find(name);
  return f ? f->value : "<absent>";
}

TEST(Records, CsvFieldsAreFoundByHeaderNameInAnyCase) {
  All a = ReadAll("ID,LOGINTIME,Status\n0Ya1,2025-01-01T00:00:00.000+0000,Success\n");
  EXPECT_EQ(a.syntax, "csv");
  ASSERT_EQ(a.records.size(), 1u);
  EXPECT_EQ(Value(a.records[0], "Id"), "0Ya1");
  EXPECT_EQ(Value(a.records[0], "LoginTime"), "2025-01-01T00:00:00.000+0000");
  EXPECT_EQ(Value(a.records[0], "status"), "Success");
  EXPECT_EQ(Value(a.records[0], "UserId"), "<absent>");
  EXPECT_EQ(a.records[0].pos.line, 2u);
  EXPECT_EQ(a.records[0].Find("Status")->pos.column, 35u);
  std::unique_ptr<RecordReader> reader = OpenRecords(LinesOf("\xEF\xBB\xBF\"A\",B\r\n1,2\n"));
  SourceRecord record;
  RecordError error;
  EXPECT_EQ(reader->header(), "");
  ASSERT_EQ(reader->Next(&record, &error), RecordReader::Outcome::kRecord);
  EXPECT_EQ(reader->header(), "\"A\",B");  // for the rejects file
}

TEST(Records, CsvRowWithWrongFieldCountIsAnError) {
  All a = ReadAll("a,b\n1,2,3\n4,5\n");
  ASSERT_EQ(a.records.size(), 1u);
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_EQ(a.errors[0].pos.line, 2u);
  EXPECT_EQ(a.errors[0].reason, "record has 3 fields; the header has 2");
  EXPECT_EQ(a.error_raws[0], "1,2,3");
}

TEST(Records, JsonQueryResultIsFlattened) {
  All a = ReadAll(R"({"totalSize":2,"done":true,"records":[
  {"attributes":{"type":"SetupAuditTrail","url":"/x"},"Id":"0Ym1","Section":null,
   "CreatedBy":{"attributes":{"type":"User"},"Username":"admin@example.com"},"N":3,"B":true},
  {"Id":"0Ym2"}]}
)");
  EXPECT_EQ(a.syntax, "json");
  ASSERT_EQ(a.records.size(), 2u);
  const SourceRecord& r = a.records[0];
  EXPECT_EQ(Value(r, "Id"), "0Ym1");
  EXPECT_EQ(Value(r, "Section"), "<absent>");  // null
  EXPECT_EQ(Value(r, "CreatedBy.Username"), "admin@example.com");
  EXPECT_EQ(Value(r, "attributes.type"), "<absent>");
  EXPECT_EQ(Value(r, "N"), "3");
  EXPECT_EQ(Value(r, "B"), "true");
  EXPECT_EQ(r.pos.line, 2u);
  EXPECT_EQ(r.pos.column, 3u);
  EXPECT_EQ(a.records[1].pos.line, 4u);
  EXPECT_EQ(a.records[1].raw, R"({"Id":"0Ym2"})");
}

TEST(Records, SfCliJsonArraysAndJsonLinesAreRead) {
  All cli = ReadAll(R"({"status":0,"result":{"records":[{"Id":"a"},{"Id":"b"}]}})");
  ASSERT_EQ(cli.records.size(), 2u);
  EXPECT_EQ(Value(cli.records[1], "Id"), "b");
  All array = ReadAll("\xEF\xBB\xBF[{\"Id\":\"a\"}]");
  ASSERT_EQ(array.records.size(), 1u);
  All lines = ReadAll("{\"Id\":\"a\"}\n\n{\"Id\":\"b\"}\n{bad\n{\"Id\":\"c\"}\n");
  ASSERT_EQ(lines.records.size(), 3u);
  ASSERT_EQ(lines.errors.size(), 1u);
  EXPECT_EQ(lines.errors[0].pos.line, 4u);
  EXPECT_EQ(lines.error_raws[0], "{bad");
  EXPECT_EQ(Value(lines.records[2], "Id"), "c");
}

// simdjson does not say where a document breaks, and records read from a
// broken document cannot be trusted: the whole document is one error.
TEST(Records, MalformedJsonDocumentIsOneError) {
  All a = ReadAll("{\"records\":[{\"Id\":\"a\"},{\"Id\":}]}");
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_NE(a.errors[0].reason.find("not valid JSON"), std::string::npos);
  EXPECT_EQ(a.errors[0].pos.line, 1u);
  EXPECT_TRUE(a.records.empty());
}

TEST(Records, RecordThatIsNotAnObjectIsAnError) {
  All a = ReadAll(R"({"records":[1]})");
  ASSERT_EQ(a.errors.size(), 1u);
  EXPECT_TRUE(a.records.empty());
}

TEST(Records, EmptyInputHasNoRecords) {
  EXPECT_TRUE(ReadAll("").records.empty());
  EXPECT_TRUE(ReadAll("  \n").errors.empty());
}

}  // namespace
}  // namespace authtrail::ingest
