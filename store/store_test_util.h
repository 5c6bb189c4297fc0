// Helpers shared by the store tests: sample events, ingesting a batch,
// collecting scans, and raw RocksDB access for tampering with a closed store.
#pragma once

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "schemas/canonical.h"
#include "store/store.h"
#include "tests/support/test_support.h"

namespace authtrail::store::testing {

inline constexpr char kOrgA[] = "00D5g000004SxyzEAC";
inline constexpr char kOrgB[] = "00D5g000007AbCdEAK";
inline constexpr MicrosUtc kT0 = 1'750'000'000'000'000;  // 2025-06-15

inline Event Login(MicrosUtc ts, std::string user, std::string org = kOrgA) {
  Event e;
  e.kind = Kind::kLoginUi;
  e.ts = ts;
  e.org = std::move(org);
  e.user = std::move(user);
  return e;
}

inline Event ApiCall(MicrosUtc ts, std::string user, std::string app, std::string org = kOrgA) {
  Event e = Login(ts, std::move(user), std::move(org));
  e.kind = Kind::kApiCall;
  e.app = std::move(app);
  return e;
}

inline Event Authorize(MicrosUtc ts, std::string user, std::string app) {
  Event e = ApiCall(ts, std::move(user), std::move(app));
  e.kind = Kind::kOauthAuthorize;
  e.flow = Flow::device;
  return e;
}

inline Event Token(MicrosUtc ts, std::string user, std::string app, Grant grant) {
  Event e = ApiCall(ts, std::move(user), std::move(app));
  e.kind = Kind::kOauthToken;
  e.grant = grant;
  return e;
}

inline Event SettingEvent(MicrosUtc ts, fb::Setting setting, bool enabled,
                          std::string org = kOrgA) {
  Event e;
  e.kind = Kind::kOrgSetting;
  e.ts = ts;
  e.org = std::move(org);
  e.setting = setting;
  e.enabled = enabled;
  return e;
}

inline Event WithId(Event e, std::string id) {
  e.id = std::move(id);
  return e;
}

inline StoreOptions Writable(size_t events_per_write = 1000) {
  StoreOptions o;
  o.writable = true;
  o.create_if_missing = true;
  o.events_per_write = events_per_write;
  return o;
}

inline StoreOptions ReadOnly() { return StoreOptions(); }

// Opens or fails the test (use with ASSERT_NO_FATAL_FAILURE or check null).
inline std::unique_ptr<Store> OpenStore(const std::string& dir, const StoreOptions& o) {
  Result<std::unique_ptr<Store>> s = Store::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

struct IngestCounts {
  uint64_t stored = 0, duplicates = 0;
};

// Appends `events` as one finished batch; every Add must succeed.
inline IngestCounts Ingest(Store& store, const std::vector<Event>& events,
                           std::string input = "test.jsonl") {
  IngestCounts counts;
  auto writer = store.BeginBatch({0, kT0, "test", {input}});
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  if (!writer.ok()) return counts;
  for (const Event& e : events) {
    Result<AddOutcome> r = (*writer)->Add(e);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) ++(*r == AddOutcome::kStored ? counts.stored : counts.duplicates);
  }
  BatchEndInfo end;
  end.ended_at = kT0 + 1;
  end.inputs.push_back({input, 100, Sha256Of(input)});
  end.read = events.size();
  end.stored = counts.stored;
  end.duplicates = counts.duplicates;
  EXPECT_TRUE((*writer)->Finish(end).ok());
  return counts;
}

struct Scanned {
  uint64_t seq;
  Event event;
};

inline std::vector<Scanned> Scan(Store& store, const ScanFilter& filter = {}) {
  std::vector<Scanned> out;
  Status s = store.ScanEvents(filter, [&](uint64_t seq, const Event& e) {
    out.push_back({seq, e});
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// The canonical forms of a scan, in scan order (seq-free: comparable across stores).
inline std::vector<std::string> Canonicals(const std::vector<Scanned>& scanned) {
  std::vector<std::string> out;
  for (const Scanned& s : scanned) out.push_back(Canonical(s.event));
  return out;
}

// Direct RocksDB access to a CLOSED store, as another tool would have it.
class RawDb {
 public:
  explicit RawDb(const std::string& dir) {
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    EXPECT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::Status s = rocksdb::DB::Open(options, dir, descriptors, &handles, &db_);
    EXPECT_TRUE(s.ok()) << s.ToString();
    for (size_t i = 0; i < handles.size(); ++i) cfs_[names[i]] = handles[i];
  }
  ~RawDb() {
    for (auto& [name, h] : cfs_) EXPECT_TRUE(db_->DestroyColumnFamilyHandle(h).ok());
    EXPECT_TRUE(db_->Close().ok());
    delete db_;
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  rocksdb::ColumnFamilyHandle* cf(const std::string& name) { return cfs_.at(name); }
  std::string Get(const std::string& cf_name, const std::string& key) {
    std::string v;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(cf_name), key, &v);
    EXPECT_TRUE(s.ok()) << cf_name << ": " << s.ToString();
    return v;
  }
  void Put(const std::string& cf_name, const std::string& key, const std::string& value) {
    EXPECT_TRUE(db_->Put(rocksdb::WriteOptions(), cf(cf_name), key, value).ok());
  }
  void Delete(const std::string& cf_name, const std::string& key) {
    EXPECT_TRUE(db_->Delete(rocksdb::WriteOptions(), cf(cf_name), key).ok());
  }
  // Drops a whole column family (as a store made before it existed lacks it).
  void DropFamily(const std::string& cf_name) {
    EXPECT_TRUE(db_->DropColumnFamily(cf(cf_name)).ok());
  }
  // Every key of a column family, in order.
  std::vector<std::string> Keys(const std::string& cf_name) {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf(cf_name)));
    for (it->SeekToFirst(); it->Valid(); it->Next()) keys.push_back(it->key().ToString());
    return keys;
  }

 private:
  rocksdb::DB* db_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

}  // namespace authtrail::store::testing
