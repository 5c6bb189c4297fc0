// Damage to the store's files on disk (not through RocksDB): a flipped byte or
// a truncation in any one file must give a clean non-OK Status from Open, Get,
// Scan or Verify, or leave a store that still verifies; never a crash. Under
// ASan this is also a memory-safety test of the whole read path.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/store_test_util.h"

namespace authtrail::store {
namespace {

namespace fs = std::filesystem;
using namespace testing;  // NOLINT: store test helpers
using ::authtrail::testing::TempDir;

// Opens `dir` and uses every read path; the first non-OK status, or OK.
Status Exercise(const std::string& dir, const StoreOptions& options) {
  AT_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(dir, options));
  AT_RETURN_IF_ERROR(store->Verify(nullptr).status());
  for (uint64_t seq = 1; seq <= store->head().seq; ++seq) {
    AT_RETURN_IF_ERROR(store->Get(seq).status());
  }
  AT_RETURN_IF_ERROR(store->ScanEvents({}, [](uint64_t, const Event&) { return Status::Ok(); }));
  ScanFilter by_user;
  by_user.org = kOrgA;
  by_user.user = "user1";
  AT_RETURN_IF_ERROR(
      store->ScanEvents(by_user, [](uint64_t, const Event&) { return Status::Ok(); }));
  return store->ScanBatches([](uint64_t, const StoredRecord&) { return Status::Ok(); });
}

bool IsCleanFailure(const Status& s) {
  return s.code() == StatusCode::kCorruption || s.code() == StatusCode::kIOError ||
         s.code() == StatusCode::kNotFound;
}

void FlipMiddleByte(const fs::path& file) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  const auto middle = static_cast<std::streamoff>(fs::file_size(file) / 2);
  f.seekg(middle);
  char c = 0;
  f.get(c);
  f.seekp(middle);
  f.put(static_cast<char>(c ^ 0x5a));
}

void TruncateToHalf(const fs::path& file) { fs::resize_file(file, fs::file_size(file) / 2); }

std::vector<fs::path> NonEmptyFiles(const std::string& dir) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.file_size() > 0) files.push_back(entry.path().filename());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<Event> SampleEvents(int n) {
  std::vector<Event> events;
  for (int i = 0; i < n; ++i) {
    Event e = ApiCall(kT0 + i * 7, "user" + std::to_string(i % 5), "app" + std::to_string(i % 3));
    if (i % 2) e.id = "id-" + std::to_string(i);
    events.push_back(std::move(e));
  }
  return events;
}

class StoreCorruption : public ::testing::Test {
 protected:
  // Damages a copy of the store at `source` once per file with `damage`,
  // and checks what reading each copy does. Returns the files whose damage
  // went unnoticed.
  std::vector<std::string> DamageEachFile(const std::string& source,
                                          void (*damage)(const fs::path&)) {
    std::vector<std::string> unnoticed;
    for (const fs::path& name : NonEmptyFiles(source)) {
      SCOPED_TRACE(name.string());
      TempDir copy;
      const std::string dir = copy.Sub("db");
      fs::copy(source, dir, fs::copy_options::recursive);
      damage(fs::path(dir) / name);
      const Status read_only = Exercise(dir, ReadOnly());
      EXPECT_TRUE(read_only.ok() || IsCleanFailure(read_only)) << read_only.ToString();
      StoreOptions writable = Writable();
      writable.create_if_missing = false;
      const Status recovered = Exercise(dir, writable);
      EXPECT_TRUE(recovered.ok() || IsCleanFailure(recovered)) << recovered.ToString();
      if (name.extension() == ".sst") {
        EXPECT_FALSE(read_only.ok()) << "damage to a table file went unnoticed";
      }
      if (read_only.ok()) unnoticed.push_back(name.string());
    }
    return unnoticed;
  }

  void BuildClosedStore(const std::string& dir) {
    auto store = OpenStore(dir, Writable(100));
    ASSERT_NE(store, nullptr);
    Ingest(*store, SampleEvents(3000), "one");
    Ingest(*store, SampleEvents(50), "again");  // duplicates only
  }
};

TEST_F(StoreCorruption, FlippedByteInAnyFileOfAClosedStore) {
  TempDir tmp;
  const std::string source = tmp.Sub("db");
  BuildClosedStore(source);
  ASSERT_FALSE(::testing::Test::HasFailure());
  const std::vector<std::string> unnoticed = DamageEachFile(source, FlipMiddleByte);
  // Only files RocksDB does not read back, or whose content is advisory.
  for (const std::string& name : unnoticed) {
    EXPECT_TRUE(name.starts_with("LOG") || name.starts_with("OPTIONS") || name == "IDENTITY" ||
                name == "authtrail.lock")
        << name;
  }
}

TEST_F(StoreCorruption, TruncatedFileOfAClosedStore) {
  TempDir tmp;
  const std::string source = tmp.Sub("db");
  BuildClosedStore(source);
  ASSERT_FALSE(::testing::Test::HasFailure());
  for (const std::string& name : DamageEachFile(source, TruncateToHalf)) {
    EXPECT_TRUE(name.starts_with("LOG") || name.starts_with("OPTIONS") || name == "IDENTITY" ||
                name == "authtrail.lock")
        << name;
  }
}

// A copy taken while the writer is open holds its groups in the WAL only (as
// after kill -9): damage there is dropped at the last complete group or
// reported, and what remains verifies.
TEST_F(StoreCorruption, DamagedWriteAheadLogOfALiveStore) {
  TempDir tmp;
  const std::string live = tmp.Sub("live"), snapshot = tmp.Sub("snapshot");
  auto writer = OpenStore(live, Writable(100));
  ASSERT_NE(writer, nullptr);
  Ingest(*writer, SampleEvents(2000));
  fs::copy(live, snapshot, fs::copy_options::recursive);
  writer.reset();
  ASSERT_OK(Exercise(snapshot, ReadOnly()));  // the undamaged copy is whole
  size_t wals = 0;
  for (const fs::path& name : NonEmptyFiles(snapshot)) {
    if (name.extension() != ".log") continue;
    ++wals;
    for (auto damage : {FlipMiddleByte, TruncateToHalf}) {
      TempDir copy;
      const std::string dir = copy.Sub("db");
      fs::copy(snapshot, dir, fs::copy_options::recursive);
      damage(fs::path(dir) / name);
      const Status s = Exercise(dir, ReadOnly());
      EXPECT_TRUE(s.ok() || IsCleanFailure(s)) << s.ToString();
      if (s.ok()) {
        auto store = OpenStore(dir, ReadOnly());
        EXPECT_LT(store->head().seq, 2002u);  // the damaged tail was dropped
      }
    }
  }
  EXPECT_GE(wals, 1u);
}

}  // namespace
}  // namespace authtrail::store
