// End-to-end: `authtrail ingest` with the real binary on a real store.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

constexpr const char* kOrg18 = "00D5g000004SxyzEAC";

TEST(IngestE2E, SampleRoundTripsThroughLog) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  RunResult in = RunAuthtrail({"ingest", "--db", db, SamplePath()});
  ASSERT_EQ(in.exit_code, 0) << in.err;
  EXPECT_EQ(in.out, "read=14 stored=14 duplicates=0 rejected=0\n");
  RunResult log = RunAuthtrail({"log", "--db", db});
  ASSERT_EQ(log.exit_code, 0) << log.err;
  std::vector<std::string> lines = SplitLines(log.out);
  ASSERT_EQ(lines.size(), 14u);
  // Normalized: 18-character ids, UTC times, fold order (org.created first).
  EXPECT_EQ(lines[0], std::string(R"({"seq":2,"ts":"2016-03-01T08:00:00Z","org":")") + kOrg18 +
                          R"(","kind":"org.created","source":"jsonl","edition":"enterprise"})");
  // The +02:00 offset and the fraction are converted to UTC.
  EXPECT_NE(log.out.find(R"("ts":"2019-04-03T05:15:22.500000Z")"), std::string::npos);
  EXPECT_NE(log.out.find(R"("user":"0055g00000AbCdEAAV")"), std::string::npos);
}

TEST(IngestE2E, ReingestAddsNothing) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  std::string before = RunAuthtrail({"log", "--db", db}).out;
  RunResult again = RunAuthtrail({"ingest", "--db", db, SamplePath()});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, "read=14 stored=0 duplicates=14 rejected=0\n");
  EXPECT_EQ(RunAuthtrail({"log", "--db", db}).out, before);
}

TEST(IngestE2E, IngestOrderDoesNotChangeLogOutput) {
  TempDir dir;
  std::vector<std::string> lines = SplitLines(ReadFile(SamplePath()));
  std::string first, second;
  for (size_t i = 0; i < lines.size(); ++i) (i % 2 ? first : second) += lines[i] + "\n";
  WriteFile(dir.Sub("a.jsonl"), first);
  WriteFile(dir.Sub("b.jsonl"), second);
  ASSERT_EQ(
      RunAuthtrail({"ingest", "--db", dir.Sub("ab.db"), dir.Sub("a.jsonl"), dir.Sub("b.jsonl")})
          .exit_code,
      0);
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", dir.Sub("ba.db"), dir.Sub("b.jsonl")}).exit_code, 0);
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", dir.Sub("ba.db"), dir.Sub("a.jsonl")}).exit_code, 0);
  std::string ab = RunAuthtrail({"log", "--db", dir.Sub("ab.db")}).out;
  std::string ba = RunAuthtrail({"log", "--db", dir.Sub("ba.db")}).out;
  ASSERT_FALSE(ab.empty());
  EXPECT_EQ(StripSeq(ab), StripSeq(ba));
}

TEST(IngestE2E, BadLinesAreRejectedWithFileLineFieldAndTheRestStored) {
  TempDir dir;
  std::string input = dir.Sub("mixed.jsonl");
  WriteFile(
      input,
      R"({"ts":"2024-01-01T00:00:00Z","org":"00D000000000001","kind":"login.ui","user":"005000000000001"})"
      "\n"
      R"({"ts":"2024-01-01T00:00:01Z","org":"00D000000000001","kind":"login.ui"})"
      "\n"
      "\n"
      R"(not json at all)"
      "\n"
      R"({"ts":"2024-13-01T00:00:00Z","org":"00D000000000001","kind":"login.ui","user":"005000000000001"})"
      "\n"
      R"({"ts":"2024-01-01T00:00:02Z","org":"00D000000000001","kind":"login.ui","user":"005000000000002"})"
      "\n");
  RunResult r = RunAuthtrail({"ingest", "--db", dir.Sub("s.db"), input});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "read=5 stored=2 duplicates=0 rejected=3\n");
  EXPECT_NE(r.err.find(input + ":2: user: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(input + ":4: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(input + ":5: ts: "), std::string::npos) << r.err;
  // The rejects file holds the raw lines verbatim, and its path is printed.
  std::string rejects = dir.Sub("s.db") + "/rejects/batch-1.jsonl";
  EXPECT_NE(r.err.find(rejects), std::string::npos) << r.err;
  std::vector<std::string> rejected = SplitLines(ReadFile(rejects));
  ASSERT_EQ(rejected.size(), 3u);
  EXPECT_EQ(rejected[1], "not json at all");
  EXPECT_EQ(SplitLines(RunAuthtrail({"log", "--db", dir.Sub("s.db")}).out).size(), 2u);
}

TEST(IngestE2E, ConflictingIdIsRejectedAndNothingOverwritten) {
  TempDir dir;
  std::string a =
      R"({"ts":"2024-01-01T00:00:00Z","org":"00D000000000001","kind":"login.ui","user":"005000000000001","id":"X1"})";
  std::string b =
      R"({"ts":"2024-01-01T00:00:00Z","org":"00D000000000001","kind":"login.ui","user":"005000000000002","id":"X1"})";
  WriteFile(dir.Sub("a.jsonl"), a + "\n");
  WriteFile(dir.Sub("b.jsonl"), b + "\n");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", dir.Sub("s.db"), dir.Sub("a.jsonl")}).exit_code, 0);
  RunResult r = RunAuthtrail(
      {"ingest", "--db", dir.Sub("s.db"), "--rejects", dir.Sub("rej.jsonl"), dir.Sub("b.jsonl")});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("id already stored with different content"), std::string::npos) << r.err;
  EXPECT_EQ(ReadFile(dir.Sub("rej.jsonl")), b + "\n");
  std::string log = RunAuthtrail({"log", "--db", dir.Sub("s.db")}).out;
  EXPECT_NE(log.find("005000000000001"), std::string::npos);
  EXPECT_EQ(log.find("005000000000002"), std::string::npos);
}

TEST(IngestE2E, ReadsStandardInput) {
  TempDir dir;
  RunResult r = RunAuthtrail({"ingest", "--db", dir.Sub("s.db"), "-"}, ReadFile(SamplePath()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "read=14 stored=14 duplicates=0 rejected=0\n");
}

TEST(IngestE2E, UsageErrorsExit2WithAHint) {
  TempDir dir;
  RunResult none = RunAuthtrail({"ingest", "--db", dir.Sub("s.db")});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no input files"), std::string::npos) << none.err;
  RunResult missing = RunAuthtrail({"ingest", "--db", dir.Sub("s.db"), dir.Sub("nope.jsonl")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.jsonl"), std::string::npos);
  RunResult bad_opt = RunAuthtrail({"ingest", "--frobnicate"});
  EXPECT_EQ(bad_opt.exit_code, 2);
  EXPECT_NE(bad_opt.err.find("--help"), std::string::npos);
  EXPECT_EQ(RunAuthtrail({"ingest", "--format", "csv", SamplePath()}).exit_code, 2);
  EXPECT_EQ(RunAuthtrail({"no-such-command"}).exit_code, 2);
  RunResult help = RunAuthtrail({"ingest", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--rejects"), std::string::npos);
}

// Starts `authtrail ingest --db db -` with a pipe on stdin kept open, so the
// writer holds the store's lock until the pipe is closed.
struct BlockedWriter {
  pid_t pid = -1;
  int stdin_fd = -1;
};

BlockedWriter StartBlockedWriter(const std::string& db) {
  int fds[2];
  EXPECT_EQ(pipe(fds), 0);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[0], 0);
    close(fds[1]);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::string bin = AuthtrailBin();
    execl(bin.c_str(), bin.c_str(), "ingest", "--db", db.c_str(), "-", nullptr);
    _exit(127);
  }
  close(fds[0]);
  return {pid, fds[1]};
}

TEST(IngestE2E, SecondWriterIsRefusedWithTheHoldersPid) {
  TempDir dir;
  std::string db = dir.Sub("s.db");
  ASSERT_EQ(RunAuthtrail({"ingest", "--db", db, SamplePath()}).exit_code, 0);
  BlockedWriter w = StartBlockedWriter(db);
  // Wait until the first writer holds the lock: the lock file names its pid.
  // (Trying the second writer meanwhile could win the race and make the first fail.)
  const std::string holder = "pid " + std::to_string(w.pid) + " ";
  for (int i = 0; i < 3000 && ReadFile(db + "/authtrail.lock").rfind(holder, 0) != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  RunResult second = RunAuthtrail({"ingest", "--db", db, SamplePath()});
  EXPECT_EQ(second.exit_code, 5) << second.err;
  EXPECT_NE(second.err.find("pid " + std::to_string(w.pid)), std::string::npos) << second.err;
  // Readers still work while the writer holds the lock.
  RunResult log = RunAuthtrail({"log", "--db", db});
  EXPECT_EQ(log.exit_code, 0) << log.err;
  EXPECT_EQ(SplitLines(log.out).size(), 14u);
  EXPECT_EQ(RunAuthtrail({"verify", "--db", db}).exit_code, 0);
  close(w.stdin_fd);
  int status = 0;
  waitpid(w.pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(IngestE2E, KilledIngestReopensVerifiesAndRerunCompletesIt) {
  TempDir dir;
  const size_t kEvents = 200000;
  std::string input = dir.Sub("big.jsonl");
  WriteFile(input, GenerateEvents(kEvents));
  for (int delay_ms : {30, 120, 400}) {
    std::string db = dir.Sub("kill" + std::to_string(delay_ms) + ".db");
    pid_t pid = fork();
    if (pid == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      std::string bin = AuthtrailBin();
      execl(bin.c_str(), bin.c_str(), "ingest", "--db", db.c_str(), input.c_str(), nullptr);
      _exit(127);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult verify = RunAuthtrail({"verify", "--db", db});
    if (verify.exit_code == 5 && verify.err.find("no authtrail store") != std::string::npos) {
      // Killed before the store was created: nothing to check but the rerun.
    } else {
      EXPECT_EQ(verify.exit_code, 0) << "after kill at " << delay_ms << " ms: " << verify.err;
    }
    RunResult rerun = RunAuthtrail({"ingest", "--db", db, input});
    EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(RunAuthtrail({"verify", "--db", db}).exit_code, 0);
    RunResult log = RunAuthtrail({"log", "--db", db, "--kind", "api.call"});
    EXPECT_EQ(SplitLines(log.out).size(), kEvents) << "after kill at " << delay_ms << " ms";
  }
}

}  // namespace
}  // namespace authtrail::testing
