// End-to-end: replay, diff, explain, gen and demo with the real binary.
#include <simdjson.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

// Generates a small history with `authtrail gen` and returns its lines.
std::vector<std::string> GeneratedLines(const TempDir& dir, const std::string& events) {
  std::string path = dir.Sub("gen.jsonl");
  RunResult g = RunAuthtrail(
      {"gen", "--orgs", "2", "--users", "30", "--events", events, "--seed", "7", "--out", path});
  EXPECT_EQ(g.exit_code, 0) << g.err;
  return SplitLines(ReadFile(path));
}

// A store holding a generated history of `events` events.
std::string GeneratedStore(const TempDir& dir, const std::string& events) {
  GeneratedLines(dir, events);
  std::string db = dir.Sub("s.db");
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, dir.Sub("gen.jsonl")}).exit_code, 0);
  return db;
}

std::string Join(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to && i < lines.size(); ++i) out += lines[i] + "\n";
  return out;
}

TEST(ReplayE2E, ShuffledIngestOrderGivesTheSameReplay) {
  TempDir dir;
  std::vector<std::string> lines = GeneratedLines(dir, "1500");
  ASSERT_GT(lines.size(), 1500u);
  WriteFile(dir.Sub("all.jsonl"), Join(lines, 0, lines.size()));
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", dir.Sub("a.db"), dir.Sub("all.jsonl")}).exit_code, 0);

  std::mt19937 rng(3);
  std::shuffle(lines.begin(), lines.end(), rng);
  size_t third = lines.size() / 3;
  for (int i = 0; i < 3; ++i) {
    WriteFile(dir.Sub("part" + std::to_string(i)),
              Join(lines, i * third, i == 2 ? lines.size() : (i + 1) * third));
  }
  for (int i : {2, 0, 1}) {
    ASSERT_EQ(RunAuthtrail({"ingest", "--db", dir.Sub("b.db"), dir.Sub("part" + std::to_string(i))})
                  .exit_code,
              0);
  }
  for (const char* format : {"jsonl", "csv"}) {
    RunResult a = RunAuthtrail({"replay", "--db", dir.Sub("a.db"), "--format", format});
    RunResult b = RunAuthtrail({"replay", "--db", dir.Sub("b.db"), "--format", format});
    ASSERT_EQ(a.exit_code, 0) << a.err;
    ASSERT_EQ(b.exit_code, 0) << b.err;
    ASSERT_GT(SplitLines(a.out).size(), 1000u);
    if (std::string(format) == "jsonl") {
      EXPECT_EQ(StripSeq(a.out), StripSeq(b.out));
    } else {
      // CSV: drop the seq column.
      auto strip = [](const std::string& csv) {
        std::string out;
        for (const auto& l : SplitLines(csv)) out += l.substr(l.find(',')) + "\n";
        return out;
      };
      EXPECT_EQ(strip(a.out), strip(b.out));
    }
  }
  // Same store, same command: byte-identical.
  EXPECT_EQ(RunAuthtrail({"replay", "--db", dir.Sub("a.db")}).out,
            RunAuthtrail({"replay", "--db", dir.Sub("a.db")}).out);
}

TEST(ReplayE2E, FiltersPrintASubsetWithTheSameDecisions) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  std::vector<std::string> all = SplitLines(RunAuthtrail({"replay", "--db", db}).out);
  std::vector<std::string> app =
      SplitLines(RunAuthtrail({"replay", "--db", db, "--app", "3MVG9dataloaderclone"}).out);
  ASSERT_EQ(all.size(), 4u);
  ASSERT_EQ(app.size(), 3u);
  for (const auto& l : app) EXPECT_NE(std::find(all.begin(), all.end(), l), all.end()) << l;
}

TEST(ReplayE2E, CliExampleLineIsReproduced) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  std::string out =
      RunAuthtrail({"replay", "--db", db, "--app", "3MVG9dataloaderclone", "--kind", "api.call"})
          .out;
  EXPECT_EQ(
      StripSeq(out),
      std::string(
          R"({"id":"4exLFFQZ7b2Kq0","ts":"2025-10-01T09:00:00Z","org":"00D5g000004SxyzEAC",)") +
          R"("kind":"api.call","user":"0055g00000AbCdEAAV","app":"3MVG9dataloaderclone","flow":"device",)" +
          R"("recorded":"success","as_of":"sep2025","decisions":{)" +
          R"("as-of":{"decision":"deny","reason":"DENY_UNINSTALLED_DEVICE_FLOW","clause":"9a"},)" +
          R"("pre2014":{"decision":"allow","reason":"ALLOW_STANDARD","clause":"14"},)" +
          R"("api2014":{"decision":"allow","reason":"ALLOW_STANDARD","clause":"14"},)" +
          R"("sep2025":{"decision":"deny","reason":"DENY_UNINSTALLED_DEVICE_FLOW","clause":"9a"},)" +
          R"("dec2025":{"decision":"deny","reason":"DENY_UNINSTALLED_DEVICE_FLOW","clause":"9a"}},)" +
          R"("flags":["RECORDED_ALLOW_PREDICTED_DENY"]})" + "\n");
}

TEST(ReplayE2E, ExplainAgreesWithReplayOnEveryEvent) {
  TempDir dir;
  const std::string db = GeneratedStore(dir, "120");
  std::vector<std::string> replayed = SplitLines(RunAuthtrail({"replay", "--db", db}).out);
  ASSERT_GT(replayed.size(), 100u);
  simdjson::dom::parser p1, p2;
  for (const std::string& line : replayed) {
    simdjson::dom::element r = p1.parse(line);
    std::string seq = std::to_string(int64_t(r["seq"]));
    RunResult ex = RunAuthtrail({"explain", "--db", db, "--event", seq, "--format", "json"});
    ASSERT_EQ(ex.exit_code, 0) << ex.err;
    simdjson::dom::element e = p2.parse(ex.out);
    EXPECT_EQ(simdjson::to_string(r["decisions"]), simdjson::to_string(e["decisions"]))
        << "seq " << seq;
  }
}

TEST(ReplayE2E, ExplainNamesTheEventsBehindEachFact) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  RunResult ex = RunAuthtrail({"explain", "--db", db, "--event", "4exLFFQZ7b2Kq0"});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_NE(ex.out.find("rule set in force: sep2025"), std::string::npos) << ex.out;
  EXPECT_NE(ex.out.find("clause 9a"), std::string::npos) << ex.out;
  EXPECT_NE(ex.out.find("approval used (token lineage): seq 12"), std::string::npos) << ex.out;
  EXPECT_NE(ex.out.find("id 0Ya5g00001XyZab"), std::string::npos) << ex.out;
  EXPECT_NE(ex.out.find("batch 1 ("), std::string::npos) << ex.out;
  RunResult missing = RunAuthtrail({"explain", "--db", db, "--event", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(ReplayE2E, ExplainBySourceIdUsedInTwoOrgsAsksForTheSeq) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  WriteFile(dir.Sub("two.jsonl"),
            R"({"ts":"2016-03-01T08:00:00Z","org":"00D5g000004Sxyz","kind":"login.ui",)"
            R"("user":"0055g00000AbCdE","outcome":"success","id":"0Ya5g00001Same1"})"
            "\n"
            R"({"ts":"2016-03-01T08:00:00Z","org":"00D5g000007AbCd","kind":"login.ui",)"
            R"("user":"0055g00000AbCdE","outcome":"success","id":"0Ya5g00001Same1"})"
            "\n");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, dir.Sub("two.jsonl")}).exit_code, 0);
  RunResult ex = RunAuthtrail({"explain", "--db", db, "--event", "0Ya5g00001Same1"});
  EXPECT_EQ(ex.exit_code, 2);
  EXPECT_NE(ex.err.find("is used in 2 orgs"), std::string::npos) << ex.err;
  EXPECT_NE(ex.err.find("give the seq"), std::string::npos) << ex.err;
}

TEST(ReplayE2E, HypotheticalExplain) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  RunResult ex =
      RunAuthtrail({"explain", "--db", db, "--org", "00D5g000004Sxyz", "--user", "0055g00000AbCdE",
                    "--app", "3MVG9dataloaderclone", "--kind", "oauth.authorize", "--flow",
                    "device", "--at", "2025-09-20T10:00:00Z"});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_NE(ex.out.find("hypothetical request"), std::string::npos);
  EXPECT_NE(ex.out.find("as-of    deny DENY_UNINSTALLED_DEVICE_FLOW"), std::string::npos) << ex.out;
  EXPECT_EQ(RunAuthtrail({"explain", "--db", db, "--org", "00D5g000004Sxyz"}).exit_code, 2);
}

TEST(ReplayE2E, DiffCountsTransitionsOnAHandMadeHistory) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  RunResult d = RunAuthtrail({"diff", "--db", db, "--from", "api2014", "--to", "sep2025"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  std::vector<std::string> lines = SplitLines(d.out);
  ASSERT_EQ(lines.size(), 4u) << d.out;  // summary, one group, two events
  EXPECT_EQ(
      lines[0],
      R"({"summary":{"from":"api2014","to":"sep2025","events":4,"changed":2,"transitions":{"allow→deny":2}}})");
  EXPECT_EQ(
      lines[1],
      R"({"group":{"by":"app","key":"3MVG9dataloaderclone","transitions":{"allow→deny":2}}})");
  EXPECT_NE(lines[2].find(R"("id":"0Ya5g00001XyZab")"), std::string::npos);
  EXPECT_NE(lines[3].find(R"("transition":"allow→deny")"), std::string::npos);
  RunResult none = RunAuthtrail({"diff", "--db", db, "--from", "sep2025", "--to", "dec2025"});
  EXPECT_EQ(SplitLines(none.out).size(), 1u);
  RunResult table = RunAuthtrail(
      {"diff", "--db", db, "--from", "api2014", "--to", "sep2025", "--format", "table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.rfind("api2014 -> sep2025: 2 of 4 access events change\n", 0), 0u)
      << table.out;
  EXPECT_NE(
      table.out.find("deny DENY_UNINSTALLED_DEVICE_FLOW        RECORDED_ALLOW_PREDICTED_DENY"),
      std::string::npos)
      << table.out;
  RunResult csv =
      RunAuthtrail({"diff", "--db", db, "--from", "api2014", "--to", "sep2025", "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> rows = SplitLines(csv.out);
  ASSERT_EQ(rows.size(), 3u) << csv.out;  // header, two events
  EXPECT_NE(rows[0].find(",transition,group"), std::string::npos) << rows[0];
  EXPECT_NE(rows[1].find("allow→deny,3MVG9dataloaderclone"), std::string::npos) << rows[1];
  EXPECT_EQ(RunAuthtrail({"diff", "--db", db, "--from", "r9", "--to", "sep2025"}).exit_code, 2);
}

// The rows are spilled to a temporary file while the counts that head them
// are made: more than its 1 MiB buffer must come out whole, after the head.
TEST(ReplayE2E, DiffRowsBeyondTheSpillBufferComeOutWholeAfterTheCounts) {
  TempDir dir;
  const std::string db = GeneratedStore(dir, "40000");
  RunResult d = RunAuthtrail({"diff", "--db", db, "--from", "pre2014", "--to", "dec2025"});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  ASSERT_GT(d.out.size(), size_t{1} << 21);
  std::vector<std::string> out = SplitLines(d.out);
  simdjson::dom::parser p;
  const int64_t changed = int64_t(p.parse(out[0])["summary"]["changed"]);
  size_t groups = 0;
  while (groups + 1 < out.size() && out[groups + 1].rfind(R"({"group":)", 0) == 0) ++groups;
  ASSERT_EQ(out.size(), 1 + groups + static_cast<size_t>(changed));
  for (size_t i = 1 + groups; i < out.size(); ++i) {
    simdjson::dom::element row = p.parse(out[i]);
    ASSERT_EQ(row["transition"].error(), simdjson::SUCCESS) << "line " << i;
  }
}

TEST(ReplayE2E, CsvEscapesFormulaCells) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  WriteFile(
      dir.Sub("x.jsonl"),
      R"J({"ts":"2024-01-01T00:00:00Z","org":"00D000000000001","kind":"login.ui","user":"=HYPERLINK(\"x\")","id":"a,b"})J"
      "\n");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, dir.Sub("x.jsonl")}).exit_code, 0);
  RunResult csv = RunAuthtrail({"replay", "--db", db, "--format", "csv"});
  EXPECT_NE(csv.out.find(R"J("'=HYPERLINK(""x"")")J"), std::string::npos) << csv.out;
  EXPECT_NE(csv.out.find(R"J("a,b")J"), std::string::npos) << csv.out;
}

TEST(ReplayE2E, DemoPrintsTheImpactOfEachChange) {
  TempDir dir;
  RunResult demo =
      RunAuthtrail({"demo", "--db", dir.Sub("demo.db"), "--events", "3000", "--users", "60"});
  ASSERT_EQ(demo.exit_code, 0) << demo.err;
  for (const char* s : {"pre2014 -> api2014", "api2014 -> sep2025", "sep2025 -> dec2025",
                        "Suspect grants", "3MVG9DataL0ader", "verified:"}) {
    EXPECT_NE(demo.out.find(s), std::string::npos) << s << "\n" << demo.out;
  }
  EXPECT_EQ(RunAuthtrail({"verify", "--db", dir.Sub("demo.db")}).exit_code, 0);
  // The evidence commands it suggests work as printed.
  const size_t from = demo.out.find("Evidence an auditor can check without the store:\n");
  ASSERT_NE(from, std::string::npos) << demo.out;
  std::vector<std::string> commands = SplitLines(demo.out.substr(from));
  ASSERT_EQ(commands.size(), 4u) << demo.out;
  for (size_t i = 1; i < commands.size(); ++i) {
    std::istringstream words(commands[i]);
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    ASSERT_EQ(args.at(0), "authtrail") << commands[i];
    args.erase(args.begin());
    RunResult r = RunAuthtrail(args);
    EXPECT_EQ(r.exit_code, 0) << commands[i] << "\n" << r.err;
  }
}

}  // namespace
}  // namespace authtrail::testing
