// End-to-end: authtrail impact on small hand-made histories
// (tests/data/impact/): what-if overlays, reading sensitivity, and the HTML
// report opened in headless Chromium.
#include <simdjson.h>

#include <map>

#include "common/sfid.h"
#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

std::string Data(const std::string& name) { return SourceDir() + "/tests/data/impact/" + name; }

std::string Id18(const std::string& id15) { return *NormalizeIdOrName(id15); }

// A fresh store holding `files`.
std::string Ingest(const TempDir& dir, const std::vector<std::string>& files) {
  std::string db = dir.Sub("impact.db");
  std::vector<std::string> args = {"ingest", "--db", db};
  for (const auto& f : files) args.push_back(Data(f));
  RunResult r = RunAuthtrail(args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return db;
}

// Parses every line into independent documents.
std::vector<simdjson::dom::element> ParseAll(const std::vector<std::string>& lines,
                                             std::vector<simdjson::dom::parser>* parsers) {
  parsers->resize(lines.size());
  std::vector<simdjson::dom::element> out;
  for (size_t i = 0; i < lines.size(); ++i) out.push_back((*parsers)[i].parse(lines[i]));
  return out;
}

std::string Str(simdjson::dom::element e, const char* key) {
  return std::string(std::string_view(e[key]));
}

struct Change {
  std::string change, first_id, clause, reason;
  bool operator==(const Change&) const = default;
};

// principal|key -> change, from the {"whatif":...} lines.
std::map<std::string, Change> WhatIf(const std::vector<simdjson::dom::element>& lines) {
  std::map<std::string, Change> out;
  for (auto l : lines) {
    simdjson::dom::element w;
    if (l["whatif"].get(w) != simdjson::SUCCESS) continue;
    simdjson::dom::element first = w["first"];
    out[Str(w, "principal") + "|" + Str(w, "key")] = {Str(w, "change"), Str(first, "id"),
                                                      Str(first, "clause"), Str(first, "reason")};
  }
  return out;
}

std::vector<std::string> ImpactArgs(const std::string& db, const std::string& assume) {
  std::vector<std::string> a = {"impact", "--db",  db,         "--from", "api2014",
                                "--to",   "as-of", "--format", "jsonl"};
  if (!assume.empty()) a.insert(a.end(), {"--assume", Data(assume)});
  return a;
}

TEST(ImpactE2E, AdminApprovedAppsOnlyBreaksExactlyTheUnapprovedIntegrations) {
  TempDir dir;
  std::string db = Ingest(dir, {"history.jsonl"});
  std::string log_before = RunAuthtrail({"log", "--db", db}).out;
  RunResult r = RunAuthtrail(ImpactArgs(db, "aac_on.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<simdjson::dom::parser> parsers;
  auto lines = ParseAll(SplitLines(r.out), &parsers);
  ASSERT_FALSE(lines.empty());
  simdjson::dom::element summary = lines[0]["summary"];
  EXPECT_EQ(int64_t(summary["whatif_changed"]), 4);  // two ETL calls + refresh, one BI refresh

  std::string etl = Id18("0055g00000EtLaa"), bi = Id18("0055g00000BiUsr");
  std::map<std::string, Change> want = {
      // Uninstalled app: clause 10 stops its very next call.
      {"integration|" + etl + " via 3MVGetlSync",
       {"loses", "call-etl-1", "10", "DENY_AAC_APP_NOT_APPROVED"}},
      {"user|" + etl, {"loses", "call-etl-1", "10", "DENY_AAC_APP_NOT_APPROVED"}},
      {"app|3MVGetlSync", {"loses", "call-etl-1", "10", "DENY_AAC_APP_NOT_APPROVED"}},
      // Installed app, now admin-approved: live tokens keep working (A17), the
      // next refresh is refused by clause 12.
      {"integration|" + bi + " via 3MVGbiDash",
       {"loses", "refresh-bi-1", "12", "DENY_NOT_ADMIN_APPROVED"}},
      {"user|" + bi, {"loses", "refresh-bi-1", "12", "DENY_NOT_ADMIN_APPROVED"}},
      {"app|3MVGbiDash", {"loses", "refresh-bi-1", "12", "DENY_NOT_ADMIN_APPROVED"}},
  };
  EXPECT_EQ(WhatIf(lines), want);
  // The assumed events were never stored.
  EXPECT_EQ(RunAuthtrail({"log", "--db", db}).out, log_before);
}

TEST(ImpactE2E, InstallingAndPreauthorizingTheAppsRestoresThem) {
  TempDir dir;
  std::string db = Ingest(dir, {"history.jsonl"});
  RunResult r = RunAuthtrail(ImpactArgs(db, "aac_on_fixed.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<simdjson::dom::parser> parsers;
  auto lines = ParseAll(SplitLines(r.out), &parsers);
  EXPECT_EQ(int64_t(lines[0]["summary"]["whatif_changed"]), 0);
  EXPECT_TRUE(WhatIf(lines).empty()) << r.out;
}

TEST(ImpactE2E, WithoutAssumeThereIsNoWhatIf) {
  TempDir dir;
  std::string db = Ingest(dir, {"history.jsonl"});
  RunResult r = RunAuthtrail(ImpactArgs(db, ""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.find("whatif"), std::string::npos);
}

TEST(ImpactE2E, AssumeRejectsAccessEventsAndBadLinesAsUsageErrors) {
  TempDir dir;
  std::string db = Ingest(dir, {"history.jsonl"});
  WriteFile(dir.Sub("access.jsonl"),
            "{\"ts\":\"2024-01-01T00:00:00Z\",\"org\":\"00D5g000004Sxyz\",\"kind\":\"login.ui\","
            "\"user\":\"0055g00000SaLes\"}\n");
  WriteFile(dir.Sub("bad.jsonl"), "\n{\"ts\":\"2024-01-01T00:00:00Z\",\"org\":\"x\"}\n");
  for (const char* f : {"access.jsonl", "bad.jsonl", "missing.jsonl"}) {
    RunResult r = RunAuthtrail(
        {"impact", "--db", db, "--from", "api2014", "--to", "as-of", "--assume", dir.Sub(f)});
    EXPECT_EQ(r.exit_code, 2) << f << ": " << r.err;
    EXPECT_NE(r.err.find("--assume"), std::string::npos) << r.err;
  }
  RunResult bad = RunAuthtrail({"impact", "--db", db, "--from", "api2014", "--to", "as-of",
                                "--assume", dir.Sub("bad.jsonl")});
  EXPECT_NE(bad.err.find("bad.jsonl:2:"), std::string::npos) << bad.err;
}

TEST(ImpactE2E, ExactlyOneDecisionDependsOnReadingA3) {
  TempDir dir;
  std::string db = Ingest(dir, {"a3_history.jsonl"});
  RunResult r = RunAuthtrail(ImpactArgs(db, ""));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<simdjson::dom::parser> parsers;
  auto lines = ParseAll(SplitLines(r.out), &parsers);
  int a3_lines = 0;
  for (auto l : lines) {
    simdjson::dom::element reading;
    if (l["reading"].get(reading) != simdjson::SUCCESS || Str(reading, "id") != "A3") continue;
    ++a3_lines;
    EXPECT_EQ(Str(reading, "toggle"), "use_any_bypasses_block=true");
    EXPECT_EQ(int64_t(reading["changed"]), 1);
    simdjson::dom::array events = reading["events"];
    ASSERT_EQ(events.size(), 1u);
    simdjson::dom::element ev = events.at(0);
    // The Use Any developer's authorization on the blocked app; the other
    // user, without Use Any, is denied by the block under either reading.
    EXPECT_EQ(Str(ev, "id"), "auth-dev-2");
    EXPECT_EQ(Str(ev, "before"), "deny DENY_APP_BLOCKED");
    EXPECT_EQ(Str(ev, "after"), "allow ALLOW_USE_ANY_BYPASS");
  }
  EXPECT_EQ(a3_lines, 1);
  simdjson::dom::element summary = lines[0]["summary"];
  EXPECT_EQ(int64_t(summary["accesses"]), 6);
  EXPECT_EQ(int64_t(summary["robust"]), 5);
}

TEST(ImpactE2E, TableAndCsvFormatsStateTheHead) {
  TempDir dir;
  std::string db = Ingest(dir, {"history.jsonl"});
  RunResult table = RunAuthtrail({"impact", "--db", db, "--from", "api2014", "--to", "as-of",
                                  "--assume", Data("aac_on.jsonl")});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  // The head the report is about: the same seq and hash `verify` reports.
  RunResult verify = RunAuthtrail({"verify", "--db", db});
  ASSERT_EQ(verify.exit_code, 0) << verify.err;
  size_t at = table.out.find("head seq ");
  ASSERT_NE(at, std::string::npos) << table.out;
  std::string head = table.out.substr(at, table.out.find('\n', at) - at);
  EXPECT_NE((verify.out + verify.err).find(head.substr(head.find("hash ") + 5)), std::string::npos)
      << head << "\n"
      << verify.out << verify.err;
  EXPECT_NE(table.out.find("loses integration"), std::string::npos) << table.out;
  RunResult csv = RunAuthtrail({"impact", "--db", db, "--from", "api2014", "--to", "as-of",
                                "--assume", Data("aac_on.jsonl"), "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out.rfind("section,key,change,count,seq,", 0), 0u);
  EXPECT_NE(csv.out.find("whatif_integration,"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::testing
