// End-to-end: `authtrail verify` catches changes made directly in RocksDB,
// and damaged store files give a clean error, never a crash.
#include <filesystem>
#include <fstream>

#include "schemas/record_codec.h"
#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

namespace fs = std::filesystem;

class VerifyE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.Sub("s.db");
    ASSERT_EQ(RunAuthtrail({"ingest", "--db", db_, SamplePath()}).exit_code, 0);
    RunResult ok = RunAuthtrail({"verify", "--db", db_});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
  }
  // Runs verify, expects exit 4 and that the message names `seq`.
  void ExpectCaughtAt(uint64_t seq) {
    RunResult r = RunAuthtrail({"verify", "--db", db_});
    EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
    EXPECT_NE(r.err.find("seq " + std::to_string(seq)), std::string::npos) << r.err;
  }
  TempDir dir_;
  std::string db_;
};

TEST_F(VerifyE2E, PrintsTheHead) {
  RunResult r = RunAuthtrail({"verify", "--db", db_});
  EXPECT_EQ(r.out.rfind("OK records=16 events=14 batches=1 head_seq=16 head_hash=", 0), 0u)
      << r.out;
}

TEST_F(VerifyE2E, CatchesAModifiedValue) {
  {
    RawStore raw(db_);
    Result<StoredRecord> rec = DecodeRecord(raw.Get("log", SeqKey(5)));
    ASSERT_TRUE(rec.ok()) << rec.status().ToString();
    std::get<Event>(rec->body).user = "005000000000666AAA";
    raw.Put("log", SeqKey(5), EncodeRecord(*rec));
  }
  ExpectCaughtAt(5);
}

TEST_F(VerifyE2E, CatchesADeletedRecord) {
  { RawStore(db_).Delete("log", SeqKey(7)); }
  ExpectCaughtAt(7);
}

TEST_F(VerifyE2E, CatchesAnInsertedRecord) {
  {
    RawStore raw(db_);
    raw.Put("log", SeqKey(17), raw.Get("log", SeqKey(3)));
  }
  ExpectCaughtAt(17);
}

TEST_F(VerifyE2E, CatchesTwoSwappedValues) {
  {
    RawStore raw(db_);
    std::string a = raw.Get("log", SeqKey(8)), b = raw.Get("log", SeqKey(9));
    raw.Put("log", SeqKey(8), b);
    raw.Put("log", SeqKey(9), a);
  }
  ExpectCaughtAt(8);
}

TEST_F(VerifyE2E, CatchesAGarbledValueWithoutCrashing) {
  { RawStore(db_).Put("log", SeqKey(4), "not a flatbuffer"); }
  ExpectCaughtAt(4);
  RunResult log = RunAuthtrail({"log", "--db", db_});
  EXPECT_EQ(log.exit_code, 4) << log.err;
  EXPECT_NE(log.err.find("seq 4"), std::string::npos) << log.err;
}

// Copies the store, damages one file, and runs verify and log on the copy:
// each must exit 0, 4 or 5 (never a signal) and say something when not 0.
void ExpectCleanOutcome(const std::string& db, const std::string& what) {
  for (const char* cmd : {"verify", "log"}) {
    RunResult r = RunAuthtrail({cmd, "--db", db});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 4 || r.exit_code == 5)
        << what << ": " << cmd << " exited " << r.exit_code << "\n"
        << r.err;
    if (r.exit_code != 0) {
      EXPECT_FALSE(r.err.empty()) << what;
    }
  }
}

std::vector<fs::path> StoreFiles(const std::string& db) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(db)) {
    if (e.is_regular_file() && fs::file_size(e.path()) > 0) files.push_back(e.path());
  }
  return files;
}

TEST_F(VerifyE2E, EveryFileTruncatedOrWithAFlippedByteGivesACleanError) {
  int damaged = 0;
  for (const fs::path& file : StoreFiles(db_)) {
    fs::path rel = fs::relative(file, db_);
    for (int mode = 0; mode < 2; ++mode) {
      std::string copy = dir_.Sub("copy.db");
      fs::remove_all(copy);
      fs::copy(db_, copy, fs::copy_options::recursive);
      fs::path target = fs::path(copy) / rel;
      auto size = fs::file_size(target);
      if (mode == 0) {
        fs::resize_file(target, size / 2);
      } else {
        std::fstream f(target, std::ios::in | std::ios::out | std::ios::binary);
        f.seekg(static_cast<std::streamoff>(size / 2));
        char c = 0;
        f.read(&c, 1);
        c = static_cast<char>(c ^ 0x5a);
        f.seekp(static_cast<std::streamoff>(size / 2));
        f.write(&c, 1);
      }
      ExpectCleanOutcome(copy, rel.string() + (mode == 0 ? " truncated" : " flipped"));
      ++damaged;
    }
  }
  EXPECT_GT(damaged, 4);
}

TEST(VerifyE2EMissing, MissingStoreExits5) {
  TempDir dir;
  RunResult r = RunAuthtrail({"verify", "--db", dir.Sub("none.db")});
  EXPECT_EQ(r.exit_code, 5);
  EXPECT_NE(r.err.find("no authtrail store"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace authtrail::testing
