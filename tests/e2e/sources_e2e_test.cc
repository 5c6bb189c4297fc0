// End-to-end: `authtrail ingest --format <export>` with the real binary on a
// real store, from the fixtures in tests/data/sources/ (built from the headers
// and value formats of the spec's sources.md).
#include <algorithm>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

constexpr const char* kOrg = "00D5g000004Sxyz";

std::string Fixture(const std::string& name) { return SourceDir() + "/tests/data/sources/" + name; }

// Replay output without the seq of each line (stores differ only in seq).
std::string ReplayWithoutSeq(const std::string& db) {
  RunResult r = RunAuthtrail({"replay", "--db", db, "--format", "jsonl"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string out;
  for (const std::string& line : SplitLines(r.out)) {
    size_t comma = line.find(',');
    out += "{" + line.substr(comma + 1) + "\n";
  }
  return out;
}

// The acceptance test of issue 4: a small org history given only as
// Salesforce exports (Setup Audit Trail CSV with BOM and CRLF, LoginHistory
// query JSON) replays to the same decisions as the same history written by
// hand as native JSONL, and the stores hold the same events.
TEST(SourcesE2E, ExportsReplayLikeTheSameHistoryInNativeJsonl) {
  TempDir dir;
  std::string exports = dir.Sub("exports.db");
  RunResult sat = RunAuthtrail({"ingest", "--db", exports, "--format", "setupaudittrail", "--org",
                                kOrg, Fixture("org1_setupaudittrail.csv")});
  ASSERT_EQ(sat.exit_code, 0) << sat.err;
  // 7 rows, and the 5 facts they change as they were before the oldest row.
  EXPECT_EQ(sat.out, "read=7 stored=12 duplicates=0 rejected=0\n");
  EXPECT_NE(sat.err.find("1  PermSetCreate"), std::string::npos) << sat.err;
  EXPECT_NE(sat.err.find("5 fact(s) reconstructed"), std::string::npos) << sat.err;
  RunResult lh = RunAuthtrail({"ingest", "--db", exports, "--format", "loginhistory", "--org", kOrg,
                               Fixture("org1_loginhistory.json")});
  ASSERT_EQ(lh.exit_code, 0) << lh.err;
  EXPECT_EQ(lh.out, "read=7 stored=7 duplicates=0 rejected=0\n");

  std::string native = dir.Sub("native.db");
  RunResult in = RunAuthtrail({"ingest", "--db", native, Fixture("org1_native.jsonl")});
  ASSERT_EQ(in.exit_code, 0) << in.err;  // native JSONL accepts `unmapped` too

  std::string replay = ReplayWithoutSeq(exports);
  EXPECT_EQ(SplitLines(replay).size(), 7u);  // the 7 logins; state and unmapped are not
  EXPECT_EQ(replay, ReplayWithoutSeq(native));
  EXPECT_EQ(StripSeq(RunAuthtrail({"log", "--db", exports}).out),
            StripSeq(RunAuthtrail({"log", "--db", native}).out));
  // The Setup Audit Trail rows decide: the pre-authorized permission set
  // allows the first authorization, and once unassigned the user has no API
  // Enabled, so the later refresh is denied although it was recorded allowed.
  auto line_of = [&](const std::string& id) {
    for (const std::string& line : SplitLines(replay)) {
      if (line.find("\"id\":\"" + id + "\"") != std::string::npos) return line;
    }
    return std::string();
  };
  EXPECT_NE(line_of("0Ya5g00000L0001")
                .find(R"("as-of":{"decision":"allow","reason":"ALLOW_PREAUTHORIZED")"),
            std::string::npos)
      << replay;
  EXPECT_NE(line_of("0Ya5g00000L0006")
                .find(R"("as-of":{"decision":"deny","reason":"DENY_API_DISABLED_FOR_USER")"),
            std::string::npos)
      << replay;
}

TEST(SourcesE2E, ReingestingAnExportAddsNothing) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  std::vector<std::string> args = {
      "ingest",          "--db",  db,   "--format",
      "setupaudittrail", "--org", kOrg, Fixture("org1_setupaudittrail.csv")};
  ASSERT_EQ(RunAuthtrail(args).exit_code, 0);
  RunResult again = RunAuthtrail(args);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "read=7 stored=0 duplicates=12 rejected=0\n");
  EXPECT_EQ(again.err.find("reconstructed"), std::string::npos) << again.err;
}

TEST(SourcesE2E, UnmappedRecordsAreListedByLogUnmapped) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "setupaudittrail", "--org", kOrg,
                          Fixture("org1_setupaudittrail.csv")})
                .exit_code,
            0);
  RunResult log = RunAuthtrail({"log", "--db", db, "--unmapped"});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  std::vector<std::string> lines = SplitLines(log.out);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(R"("kind":"unmapped","id":"0Ym5g00000A0006")"), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(R"("action":"PermSetCreate","section":"Manage Users",)"
                          R"("display":"Created permission set \"Ops, EU\" with\nno license")"),
            std::string::npos)
      << lines[0];
  EXPECT_EQ(RunAuthtrail({"log", "--db", db, "--unmapped", "--kind", "app.install"}).exit_code, 2);
}

TEST(SourcesE2E, SourcesCommandShowsSpanCountsAndUnmappedPerSource) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "setupaudittrail", "--org", kOrg,
                          Fixture("org1_setupaudittrail.csv")})
                .exit_code,
            0);
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "loginhistory", "--org", kOrg,
                          Fixture("org1_loginhistory.json")})
                .exit_code,
            0);
  RunResult r = RunAuthtrail({"sources", "--db", db});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines = SplitLines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], R"({"org":"00D5g000004SxyzEAC","source":"LoginHistory","events":7,)"
                      R"("first":"2025-06-02T10:00:00Z","last":"2025-09-21T10:00:00Z","kinds":)"
                      R"({"login.ui":1,"oauth.authorize":2,"oauth.token":3,"soap.login":1}})");
  EXPECT_EQ(lines[1], R"({"org":"00D5g000004SxyzEAC","source":"SetupAuditTrail","events":7,)"
                      R"("first":"2025-06-01T09:00:00Z","last":"2025-09-15T10:00:00Z","kinds":)"
                      R"({"app.access":1,"app.install":1,"app.policy":1,"permset.assign":1,)"
                      R"("permset.permission":1,"permset.unassign":1,"unmapped":1},)"
                      R"("unmapped":{"PermSetCreate":1}})");
  EXPECT_EQ(lines[2],
            R"({"org":"00D5g000004SxyzEAC","source":"SetupAuditTrail:reconstructed","events":5,)"
            R"("first":"2025-06-01T08:59:59.999999Z","last":"2025-06-01T08:59:59.999999Z",)"
            R"("kinds":{"app.access":1,"app.policy":1,"app.uninstall":1,"permset.permission":1,)"
            R"("permset.unassign":1}})");
  // Every fact the trail changes has its prior on record: no gaps.
  RunResult origins = RunAuthtrail({"sources", "--db", db, "--origins"});
  ASSERT_EQ(origins.exit_code, 0) << origins.err;
  EXPECT_EQ(origins.out, "");
  RunResult table = RunAuthtrail({"sources", "--db", db, "--format", "table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(SplitLines(table.out).size(), 4u);
  EXPECT_EQ(RunAuthtrail({"sources", "--db", db, "--format", "csv"}).exit_code, 2);
}

// Real 2023 ELF Login header; BOM, CRLF, a quoted line break, 15- and
// 18-character ids; one row breaks the CSV syntax and one has a bad id.
TEST(SourcesE2E, ElfLoginRejectsBadRowsWithFileLineColumnAndStoresTheRest) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  std::string csv = Fixture("elf_login_2023.csv");
  std::string rejects = dir.Sub("rejects.csv");
  RunResult r =
      RunAuthtrail({"ingest", "--db", db, "--format", "elf-login", "--rejects", rejects, csv});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "read=6 stored=4 duplicates=0 rejected=2\n");
  EXPECT_NE(r.err.find(csv + ":5:92: expected ',' or the end of the line after a closing quote"),
            std::string::npos)
      << r.err;
  // The bad 18-character USER_ID_DERIVED is reported at its own column.
  EXPECT_NE(r.err.find(csv + ":6:263: USER_ID_DERIVED: "), std::string::npos) << r.err;
  std::string rejected = ReadFile(rejects);
  std::vector<std::string> rejected_lines = SplitLines(rejected);
  ASSERT_EQ(rejected_lines.size(), 3u) << rejected;  // the header, then the two rows
  EXPECT_EQ(rejected_lines[0].substr(0, 25), "\"EVENT_TYPE\",\"TIMESTAMP\",");
  EXPECT_NE(rejected_lines[1].find("\"/index.jsp\"x"), std::string::npos);
  EXPECT_NE(rejected_lines[2].find("0055g00000AbCdEXXX"), std::string::npos);
  // Fixed, the rejects file is an export of its own: the header makes it ingestible.
  std::string fixed = rejected;
  fixed.replace(fixed.find("\"/index.jsp\"x"), 13, "\"/index.jsp\"");
  fixed.replace(fixed.find("0055g00000AbCdEXXX"), 18, "0055g00000AbCdEAAV");
  WriteFile(dir.Sub("fixed.csv"), fixed);
  RunResult again =
      RunAuthtrail({"ingest", "--db", db, "--format", "elf-login", dir.Sub("fixed.csv")});
  EXPECT_EQ(again.exit_code, 3) << again.err;  // the truncated row still lacks columns
  EXPECT_EQ(again.out, "read=2 stored=1 duplicates=0 rejected=1\n");
  EXPECT_NE(again.err.find("record has 11 fields; the header has 28"), std::string::npos)
      << again.err;

  RunResult log = RunAuthtrail({"log", "--db", db});
  std::vector<std::string> lines = SplitLines(log.out);
  ASSERT_EQ(lines.size(), 5u) << log.out;  // 4 + the fixed row
  EXPECT_NE(
      lines[0].find(R"("ts":"2023-12-18T05:48:31.655000Z","org":"00D5g000004SxyzEAC",)"
                    R"("kind":"login.ui","id":"4exA1","source":"EventLogFile:Login",)"
                    R"("outcome":"success","status":"LOGIN_NO_ERROR","user":"0055g00000AbCdEAAV")"),
      std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(R"("kind":"soap.login")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find(R"("outcome":"failure")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(R"("kind":"unmapped")"), std::string::npos) << lines[2];
  EXPECT_NE(lines[4].find(R"("status":"LOGIN_ERROR_PASSWORD_LOCKOUT")"), std::string::npos);
}

TEST(SourcesE2E, SnapshotIsABaselineAtTheGivenTime) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  std::vector<std::string> args = {"ingest",
                                   "--db",
                                   db,
                                   "--format",
                                   "snapshot",
                                   "--org",
                                   kOrg,
                                   "--at",
                                   "2025-05-31T00:00:00.000+0000",
                                   Fixture("snapshot_permissionset.csv")};
  RunResult r = RunAuthtrail(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "read=2 stored=3 duplicates=0 rejected=0\n");
  EXPECT_EQ(RunAuthtrail(args).out, "read=2 stored=0 duplicates=3 rejected=0\n");
  std::vector<std::string> lines = SplitLines(RunAuthtrail({"log", "--db", db}).out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(lines[0].find(R"("ts":"2025-05-31T00:00:00Z","org":"00D5g000004SxyzEAC",)"
                          R"("kind":"profile.permission","source":"snapshot:Profile",)"
                          R"("profile":"Sales","permission":"api_enabled","enabled":false})"),
            std::string::npos)
      << lines[0];
  // Same ts and kind: canonical bytes order them ("enabled":false first).
  EXPECT_NE(
      lines[2].find(R"("permset":"Integration, EU","permission":"api_enabled","enabled":true)"),
      std::string::npos)
      << lines[2];
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "snapshot", "--org", kOrg,
                          Fixture("snapshot_permissionset.csv")})
                .exit_code,
            2);  // no --at
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "setupaudittrail", "--org", kOrg,
                          "--at", "2025-05-31T00:00:00Z", Fixture("org1_setupaudittrail.csv")})
                .exit_code,
            2);  // --at only means something for snapshots
}

// Issue 4, "before a snapshot": a current-state snapshot taken in November
// and the Setup Audit Trail rows before it. The trail's "from enabled to
// disabled" says the permission set had API Enabled before July, so a June
// SOAP login by its holder is allowed, the July one denied; the snapshot's
// other facts have no known origin, and the hourly ELF Login data has a gap.
std::vector<RunResult> IngestOrg2(const std::string& db, bool trail_first) {
  std::vector<std::vector<std::string>> runs = {
      {"ingest", "--db", db, "--format", "snapshot", "--org", kOrg, "--at", "2025-11-01T00:00:00Z",
       Fixture("org2_snapshot_user.csv"), Fixture("org2_snapshot_permissionset.csv")},
      {"ingest", "--db", db, "--format", "setupaudittrail", "--org", kOrg,
       Fixture("org2_setupaudittrail.csv")},
      {"ingest", "--db", db, "--format", "loginhistory", "--org", kOrg,
       Fixture("org2_loginhistory.csv")},
      {"ingest", "--db", db, "--format", "elf-login", Fixture("org2_elf_login.csv")},
  };
  if (trail_first) std::reverse(runs.begin(), runs.end());
  std::vector<RunResult> results;
  for (const auto& args : runs) results.push_back(RunAuthtrail(args));
  return results;
}

TEST(SourcesE2E, TrailBeforeASnapshotReconstructsTheEarlierStateAndReplayUsesIt) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  std::vector<RunResult> runs = IngestOrg2(db, false);
  for (const RunResult& r : runs) ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(runs[1].out, "read=2 stored=4 duplicates=0 rejected=0\n");  // + 2 prior states

  std::vector<std::string> replay = SplitLines(
      RunAuthtrail({"replay", "--db", db, "--rules", "as-of", "--kind", "soap.login"}).out);
  ASSERT_EQ(replay.size(), 2u);
  EXPECT_NE(replay[0].find(R"("id":"0Ya5g00000M0001","ts":"2025-06-15T10:00:00Z")"),
            std::string::npos);
  EXPECT_NE(replay[0].find(R"("as-of":{"decision":"allow","reason":"ALLOW_STANDARD")"),
            std::string::npos)
      << replay[0];
  EXPECT_NE(replay[1].find(R"("as-of":{"decision":"deny","reason":"DENY_API_DISABLED_FOR_USER")"),
            std::string::npos)
      << replay[1];
  // explain names the reconstructed fact and the row it comes from.
  RunResult explain = RunAuthtrail({"explain", "--db", db, "--event", "0Ya5g00000M0001"});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("api_enabled via permission set Integration, EU: seq "),
            std::string::npos)
      << explain.out;
  EXPECT_NE(explain.out.find("2025-06-01T08:59:59.999999Z permset.permission, id "
                             "0Ym5g00000B0002:before:2025-06-01T08:59:59.999999Z"),
            std::string::npos)
      << explain.out;

  // Ingest order changes nothing but seq; re-ingesting adds nothing.
  std::string other = dir.Sub("other.db");
  for (const RunResult& r : IngestOrg2(other, true)) ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReplayWithoutSeq(db), ReplayWithoutSeq(other));
  EXPECT_EQ(StripSeq(RunAuthtrail({"log", "--db", db}).out),
            StripSeq(RunAuthtrail({"log", "--db", other}).out));
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "setupaudittrail", "--org", kOrg,
                          Fixture("org2_setupaudittrail.csv")})
                .out,
            "read=2 stored=0 duplicates=4 rejected=0\n");
}

TEST(SourcesE2E, SourcesReportsFactsWithNoKnownOriginAndElfHoursWithoutEvents) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  for (const RunResult& r : IngestOrg2(db, false)) ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult origins = RunAuthtrail({"sources", "--db", db, "--origins"});
  ASSERT_EQ(origins.exit_code, 0) << origins.err;
  std::vector<std::string> gaps = SplitLines(origins.out);
  // The profile's permission and the user's fields are known from the
  // snapshot only; the permission set's is not a gap: the trail reconstructs it.
  ASSERT_EQ(gaps.size(), 4u) << origins.out;
  EXPECT_EQ(gaps[0], R"({"org":"00D5g000004SxyzEAC","gap":"no_known_origin",)"
                     R"("fact":"profile.permission","profile":"Sales","permission":"api_enabled",)"
                     R"("value":"false","known_from":"2025-11-01T00:00:00Z",)"
                     R"("source":"snapshot:Profile"})");
  EXPECT_NE(gaps[2].find(R"("fact":"user.profile","user":"0055g00000AbCdEAAV","value":"Sales")"),
            std::string::npos)
      << gaps[2];
  EXPECT_EQ(origins.out.find("Integration"), std::string::npos);

  std::string sources = RunAuthtrail({"sources", "--db", db}).out;
  EXPECT_NE(sources.find(R"("source":"EventLogFile:Login","events":3,)"
                         R"("first":"2025-06-15T05:12:00Z","last":"2025-06-15T09:15:00Z",)"
                         R"("kinds":{"login.ui":3},"hours_without_events":2,)"
                         R"("hour_gaps":["2025-06-15T07:00:00Z/2025-06-15T09:00:00Z"]})"),
            std::string::npos)
      << sources;
  EXPECT_NE(sources.find(R"("source":"snapshot:User",)"), std::string::npos);
  EXPECT_NE(sources.find(R"("kinds":{"user.upsert":1},"no_known_origin":3})"), std::string::npos)
      << sources;
  RunResult table = RunAuthtrail({"sources", "--db", db, "--origins", "--format", "table"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(SplitLines(table.out).size(), 5u);  // header + 4
  RunResult help = RunAuthtrail({"sources", "--help"});
  EXPECT_NE(help.out.find("no_known_origin"), std::string::npos);
  EXPECT_NE(help.out.find("hours_without_events"), std::string::npos);
}

TEST(SourcesE2E, UsageErrorsAndHelp) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  RunResult no_org = RunAuthtrail(
      {"ingest", "--db", db, "--format", "loginhistory", Fixture("org1_loginhistory.json")});
  EXPECT_EQ(no_org.exit_code, 2);
  EXPECT_NE(no_org.err.find("give --org"), std::string::npos) << no_org.err;
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, "--org", kOrg, SamplePath()}).exit_code, 2);
  EXPECT_EQ(RunAuthtrail({"ingest", "--db", db, "--format", "loginhistory", "--org", "nope",
                          Fixture("org1_loginhistory.json")})
                .exit_code,
            2);
  RunResult help = RunAuthtrail({"ingest", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* f : {"loginhistory", "loginevent", "elf-login", "elf-loginas", "elf-logout",
                        "elf-api", "elf-restapi", "setupaudittrail", "snapshot"}) {
    EXPECT_NE(help.out.find(std::string("  ") + f + " "), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace authtrail::testing
