// End-to-end: `authtrail log` filters and batch records.
#include "common/sha256.h"
#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

class LogE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("s.db");
    ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, SamplePath()}).exit_code, 0);
  }
  std::vector<std::string> Log(std::vector<std::string> args) {
    args.insert(args.begin(), {"log", "--db", db_});
    RunResult r = RunAuthtrail(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return SplitLines(r.out);
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(LogE2E, FiltersByKindUserAppAndTime) {
  EXPECT_EQ(Log({"--kind", "oauth.authorize"}).size(), 2u);
  // 15-character ids on the command line are normalized like stored ones.
  EXPECT_EQ(Log({"--user", "0055g00000XyZab"}).size(), 2u);
  EXPECT_EQ(Log({"--app", "3MVG9dataloaderclone"}).size(), 5u);
  EXPECT_EQ(Log({"--org", "00D5g000004Sxyz", "--since", "2025-01-01T00:00:00Z"}).size(), 5u);
  EXPECT_EQ(Log({"--until", "2016-03-01T08:06:00Z"}).size(), 2u);
  EXPECT_EQ(Log({"--org", "00D000000000001"}).size(), 0u);
}

TEST_F(LogE2E, EqualTimestampsFoldStateBeforeAccessAndInKindOrder) {
  std::vector<std::string> lines =
      Log({"--since", "2019-04-02T10:00:00Z", "--until", "2019-04-02T10:00:01Z"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("app.upsert"), std::string::npos);
  EXPECT_NE(lines[1].find("app.install"), std::string::npos);
}

TEST_F(LogE2E, BadFiltersAreUsageErrors) {
  RunResult r = RunAuthtrail({"log", "--db", db_, "--since", "2025-13-01"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--since"), std::string::npos) << r.err;
  EXPECT_EQ(RunAuthtrail({"log", "--db", db_, "--kind", "oauth.nope"}).exit_code, 2);
  EXPECT_EQ(RunAuthtrail({"log", "--db", db_, "--org", "bad"}).exit_code, 2);
}

TEST_F(LogE2E, BatchesRecordInputsHashesAndCounts) {
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, SamplePath()}).exit_code, 0);
  std::vector<std::string> batches = Log({"--batches"});
  ASSERT_EQ(batches.size(), 2u);
  std::string sha = Hex(Sha256Of(ReadFile(SamplePath())));
  EXPECT_NE(batches[0].find(R"("batch":1,"seq":1,)"), std::string::npos) << batches[0];
  EXPECT_NE(batches[0].find(sha), std::string::npos) << batches[0];
  EXPECT_NE(batches[0].find(R"("read":14,"stored":14,"duplicates":0,"rejected":0,"complete":true)"),
            std::string::npos)
      << batches[0];
  EXPECT_NE(batches[1].find(R"("read":14,"stored":0,"duplicates":14,"rejected":0,"complete":true)"),
            std::string::npos)
      << batches[1];
}

}  // namespace
}  // namespace authtrail::testing
