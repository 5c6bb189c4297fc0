// Verify against tampering done the way another tool would do it: directly
// through the RocksDB API on a closed store. Each test changes one thing and
// checks that Verify names the right seq and what is wrong.
#include <gtest/gtest.h>

#include "store/keys.h"
#include "store/store_test_util.h"

namespace authtrail::store {
namespace {

using namespace testing;  // NOLINT: store test helpers
using ::authtrail::testing::TempDir;
using store_internal::AppendDedupKey;
using store_internal::AppendIndexKey;
using store_internal::Index;
using store_internal::SeqKey;

// seq 1 batch.begin 1; 2..11 api.call (ids on even i, org B when i % 4 == 3);
// 12 batch.end 1; 13 batch.begin 2; 14..23 login.ui; 24 batch.end 2.
constexpr uint64_t kHead = 24;

std::vector<Event> FirstBatch() {
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) {
    Event e = ApiCall(kT0 + i * 1000, "user" + std::to_string(i % 3), "app" + std::to_string(i % 2),
                      i % 4 == 3 ? kOrgB : kOrgA);
    if (i % 2 == 0) e.id = "ID" + std::to_string(i);
    events.push_back(e);
  }
  return events;
}

std::vector<Event> SecondBatch() {
  std::vector<Event> events;
  for (int i = 0; i < 10; ++i) {
    events.push_back(
        Login(kT0 - i * 1000, "login" + std::to_string(i), i % 4 == 3 ? kOrgB : kOrgA));
  }
  return events;
}

class StoreVerify : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = OpenStore(dir_, Writable(4));
    ASSERT_NE(store, nullptr);
    Ingest(*store, FirstBatch(), "first.jsonl");
    Ingest(*store, SecondBatch(), "second.jsonl");
    ASSERT_EQ(store->head().seq, kHead);
  }

  std::unique_ptr<Store> Reader() { return OpenStore(dir_, ReadOnly()); }

  // Verify must fail with kCorruption and exactly this message.
  void ExpectVerifyFails(const std::string& message) {
    auto store = Reader();
    ASSERT_NE(store, nullptr);
    auto report = store->Verify(nullptr);
    ASSERT_EQ(report.status().code(), StatusCode::kCorruption) << report.status().ToString();
    EXPECT_EQ(report.status().message(), message);
  }

  Event EventAt(uint64_t seq) {
    auto store = Reader();
    return std::get<Event>(store->Get(seq)->body);
  }

  TempDir tmp_;
  const std::string dir_ = tmp_.Sub("db");
};

TEST_F(StoreVerify, AnUntouchedStoreVerifies) {
  auto store = Reader();
  ASSERT_NE(store, nullptr);
  std::vector<std::pair<uint64_t, uint64_t>> progress;
  auto report =
      store->Verify([&](uint64_t done, uint64_t total) { progress.emplace_back(done, total); });
  ASSERT_OK(report.status());
  EXPECT_EQ(report->records, kHead);
  EXPECT_EQ(report->events, 20u);
  EXPECT_EQ(report->batches, 2u);
  EXPECT_EQ(report->head.seq, kHead);
  EXPECT_EQ(report->head.hash, store->head().hash);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), std::make_pair(2 * kHead, 2 * kHead));
  for (auto [done, total] : progress) EXPECT_LE(done, total);
}

TEST_F(StoreVerify, AnEmptyStoreVerifies) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("empty"), Writable());
  ASSERT_NE(store, nullptr);
  auto report = store->Verify(nullptr);
  ASSERT_OK(report.status());
  EXPECT_EQ(report->records, 0u);
}

TEST_F(StoreVerify, ModifiedRecordValue) {
  Event e = EventAt(7);
  e.user = "mallory";
  { RawDb(dir_).Put("log", SeqKey(7), EncodeRecord({1, e})); }
  ExpectVerifyFails("seq 7: record modified (chain hash mismatch)");
}

TEST_F(StoreVerify, FlippedByteInARecordValue) {
  {
    RawDb raw(dir_);
    std::string value = raw.Get("log", SeqKey(7));
    value[value.size() / 2] ^= 0x20;
    raw.Put("log", SeqKey(7), value);
  }
  auto store = Reader();
  auto report = store->Verify(nullptr);
  ASSERT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(report.status().message().rfind("seq 7: ", 0), 0u) << report.status().message();
}

TEST_F(StoreVerify, UndecodableRecordIsCorruptionForGetAndScanToo) {
  {
    RawDb raw(dir_);
    raw.Put("log", SeqKey(7), raw.Get("log", SeqKey(7)).substr(0, 12));
  }
  auto store = Reader();
  auto got = store->Get(7);
  ASSERT_EQ(got.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(got.status().message().rfind("seq 7: ", 0), 0u) << got.status().message();
  Status scan = store->ScanEvents({}, [](uint64_t, const Event&) { return Status::Ok(); });
  ASSERT_EQ(scan.code(), StatusCode::kCorruption);
  EXPECT_EQ(scan.message().rfind("seq 7: ", 0), 0u) << scan.message();
  ScanFilter ahead;
  ahead.read_ahead = true;  // found by the reading thread, reported the same
  Status scan_ahead = store->ScanEvents(ahead, [](uint64_t, const Event&) { return Status::Ok(); });
  EXPECT_EQ(scan_ahead.code(), scan.code());
  EXPECT_EQ(scan_ahead.message(), scan.message());
  ExpectVerifyFails(got.status().message());
}

TEST_F(StoreVerify, DeletedRecord) {
  { RawDb(dir_).Delete("log", SeqKey(9)); }
  ExpectVerifyFails("seq 9: record missing (its chain hash is present)");
  auto store = Reader();
  EXPECT_EQ(store->Get(9).status().message(), "seq 9: record missing");
  Status scan = store->ScanEvents({}, [](uint64_t, const Event&) { return Status::Ok(); });
  EXPECT_EQ(scan.message(), "seq 9: record missing (by_time points to it)");
}

TEST_F(StoreVerify, DeletedRecordAndChainHash) {
  {
    RawDb raw(dir_);
    raw.Delete("log", SeqKey(9));
    raw.Delete("chain", SeqKey(9));
  }
  ExpectVerifyFails("seq 9: record missing");
}

TEST_F(StoreVerify, DeletedLastRecord) {
  {
    RawDb raw(dir_);
    raw.Delete("log", SeqKey(kHead));
    raw.Delete("chain", SeqKey(kHead));
  }
  ExpectVerifyFails("seq 24: record missing (the head is seq 24)");
}

TEST_F(StoreVerify, InsertedRecordBeyondTheHead) {
  {
    RawDb raw(dir_);
    raw.Put("log", SeqKey(kHead + 1), raw.Get("log", SeqKey(kHead)));
  }
  ExpectVerifyFails("seq 25: unexpected record beyond the head (seq 24)");
}

TEST_F(StoreVerify, InsertedMalformedKey) {
  { RawDb(dir_).Put("log", "zz", "junk"); }
  ExpectVerifyFails("log: malformed key 7a7a");
}

TEST_F(StoreVerify, SwappedValues) {
  {
    RawDb raw(dir_);
    const std::string a = raw.Get("log", SeqKey(5)), b = raw.Get("log", SeqKey(16));
    raw.Put("log", SeqKey(5), b);
    raw.Put("log", SeqKey(16), a);
  }
  ExpectVerifyFails("seq 5: record modified (chain hash mismatch)");
}

TEST_F(StoreVerify, SwappedRecordsTogetherWithTheirChainHashes) {
  {
    RawDb raw(dir_);
    for (const char* cf : {"log", "chain"}) {
      const std::string a = raw.Get(cf, SeqKey(5)), b = raw.Get(cf, SeqKey(16));
      raw.Put(cf, SeqKey(5), b);
      raw.Put(cf, SeqKey(16), a);
    }
  }
  ExpectVerifyFails("seq 5: record modified (chain hash mismatch)");
}

TEST_F(StoreVerify, ModifiedChainHash) {
  {
    RawDb raw(dir_);
    std::string hash = raw.Get("chain", SeqKey(6));
    hash[0] ^= 1;
    raw.Put("chain", SeqKey(6), hash);
  }
  ExpectVerifyFails("seq 6: record modified (chain hash mismatch)");
}

TEST_F(StoreVerify, DeletedChainHash) {
  { RawDb(dir_).Delete("chain", SeqKey(6)); }
  ExpectVerifyFails("seq 6: chain hash missing");
}

// Rewriting the chain from the tampered record on is caught by the head...
TEST_F(StoreVerify, RecomputedChainWithoutTheHead) {
  {
    RawDb raw(dir_);
    Event e = EventAt(7);
    e.user = "mallory";
    raw.Put("log", SeqKey(7), EncodeRecord({1, e}));
    Digest prev{};
    std::copy_n(raw.Get("chain", SeqKey(6)).data(), 32, reinterpret_cast<char*>(prev.data()));
    for (uint64_t seq = 7; seq <= kHead; ++seq) {
      Sha256 h;
      h.Update(prev);
      h.Update(ChainBytes(*DecodeRecord(raw.Get("log", SeqKey(seq)))));
      prev = h.Finish();
      raw.Put("chain", SeqKey(seq), std::string(reinterpret_cast<const char*>(prev.data()), 32));
    }
  }
  ExpectVerifyFails("seq 24: head hash does not match the chain");
}

// ...and with the head rewritten too, by the indexes of the changed field.
TEST_F(StoreVerify, RecomputedChainAndHeadStillMismatchTheIndexes) {
  {
    RawDb raw(dir_);
    Event e = EventAt(7);
    e.user = "mallory";
    raw.Put("log", SeqKey(7), EncodeRecord({1, e}));
    Digest prev{};
    std::copy_n(raw.Get("chain", SeqKey(6)).data(), 32, reinterpret_cast<char*>(prev.data()));
    for (uint64_t seq = 7; seq <= kHead; ++seq) {
      Sha256 h;
      h.Update(prev);
      h.Update(ChainBytes(*DecodeRecord(raw.Get("log", SeqKey(seq)))));
      prev = h.Finish();
      raw.Put("chain", SeqKey(seq), std::string(reinterpret_cast<const char*>(prev.data()), 32));
    }
    raw.Put("meta", "head", store_internal::EncodeHead({kHead, prev}));
  }
  ExpectVerifyFails("seq 7: by_user entry does not match the record");
}

TEST_F(StoreVerify, EventMovedToAnotherBatch) {
  {
    RawDb raw(dir_);
    StoredRecord r = *DecodeRecord(raw.Get("log", SeqKey(15)));
    r.batch = 1;  // not part of the chain bytes: position decides the batch
    raw.Put("log", SeqKey(15), EncodeRecord(r));
  }
  ExpectVerifyFails("seq 15: event is marked batch 1 but is in batch 2");
}

TEST_F(StoreVerify, HeadMovedBack) {
  {
    RawDb raw(dir_);
    Digest hash{};
    std::copy_n(raw.Get("chain", SeqKey(20)).data(), 32, reinterpret_cast<char*>(hash.data()));
    raw.Put("meta", "head", store_internal::EncodeHead({20, hash}));
  }
  ExpectVerifyFails("seq 21: unexpected record beyond the head (seq 20)");
}

TEST_F(StoreVerify, DeletedIndexEntry) {
  {
    const Event e = EventAt(8);
    std::string key;
    ASSERT_TRUE(AppendIndexKey(Index::kUser, e, 1, 8, &key));
    RawDb raw(dir_);
    raw.Get("by_user", key);  // it exists
    raw.Delete("by_user", key);
  }
  ExpectVerifyFails("seq 8: by_user entry missing");
}

TEST_F(StoreVerify, InsertedIndexEntryForTheWrongApp) {
  {
    Event e = EventAt(8);
    e.app = "other-app";
    std::string key;
    ASSERT_TRUE(AppendIndexKey(Index::kApp, e, 1, 8, &key));
    RawDb(dir_).Put("by_app", key, "");
  }
  ExpectVerifyFails("seq 8: by_app entry does not match the record");
}

TEST_F(StoreVerify, InsertedIndexEntryForAMissingRecord) {
  {
    Event e = EventAt(8);
    std::string key;
    ASSERT_TRUE(AppendIndexKey(Index::kTime, e, 1, 999, &key));
    RawDb(dir_).Put("by_time", key, "");
  }
  ExpectVerifyFails("seq 999: by_time entry points to a missing record");
}

// A by_time key whose fold rank no kind has: an unfiltered scan reports it
// (it is not skipped as "another kind"), and so does verify.
TEST_F(StoreVerify, IndexEntryWithAnUnknownKindRank) {
  {
    RawDb raw(dir_);
    std::string key;
    ASSERT_TRUE(AppendIndexKey(Index::kTime, EventAt(8), 1, 8, &key));
    raw.Delete("by_time", key);
    key[8] = static_cast<char>(40);  // ts(8) rank(1) seq(8): the rank byte
    raw.Put("by_time", key, "");
  }
  auto store = Reader();
  Status scan = store->ScanEvents({}, [](uint64_t, const Event&) { return Status::Ok(); });
  EXPECT_EQ(scan.code(), StatusCode::kCorruption);
  EXPECT_EQ(scan.message(), "seq 8: by_time entry does not match the record");
  ExpectVerifyFails("seq 8: by_time entry does not match the record");
}

TEST_F(StoreVerify, IndexEntryForABatchRecord) {
  {
    std::string key;
    ASSERT_TRUE(AppendIndexKey(Index::kOrg, EventAt(8), 1, 12, &key));
    RawDb(dir_).Put("by_org", key, "");
  }
  ExpectVerifyFails("seq 12: by_org entry does not match the record");
}

TEST_F(StoreVerify, DeletedDedupEntry) {
  {
    const Event e = EventAt(10);  // has an id
    std::string key;
    AppendDedupKey(e, Canonical(e), &key);
    EXPECT_EQ(key[0], 'i');
    RawDb raw(dir_);
    raw.Get("dedup", key);
    raw.Delete("dedup", key);
  }
  ExpectVerifyFails("seq 10: dedup entry missing");
}

TEST_F(StoreVerify, DedupEntryPointingElsewhere) {
  {
    const Event e = EventAt(7);  // no id: content key
    std::string key;
    AppendDedupKey(e, Canonical(e), &key);
    EXPECT_EQ(key[0], 'c');
    RawDb(dir_).Put("dedup", key, SeqKey(3));
  }
  ExpectVerifyFails("seq 3: dedup entry does not match the record");
}

TEST_F(StoreVerify, DeletedBatchListEntry) {
  { RawDb(dir_).Delete("batches", SeqKey(13)); }
  ExpectVerifyFails("seq 13: batches entry missing");
}

TEST_F(StoreVerify, DeletedOrgNumber) {
  { RawDb(dir_).Delete("meta", std::string("org:") + kOrgB); }
  ExpectVerifyFails(std::string("seq 5: org ") + kOrgB + " has no number in meta");
}

TEST_F(StoreVerify, BrokenOrgNumberingFailsOpen) {
  { RawDb(dir_).Delete("meta", std::string("org:") + kOrgA); }
  auto store = Store::Open(dir_, ReadOnly());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(), "meta: org numbers are not 1..1");
}

}  // namespace
}  // namespace authtrail::store
