// Helpers shared by the end-to-end tests: sample inputs, line utilities, and
// direct RocksDB access to a closed store (to tamper with it the way another
// tool could).
#pragma once

#include <rocksdb/db.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/test_support.h"

namespace authtrail::testing {

std::string SamplePath();  // tests/data/sample.jsonl
std::vector<std::string> SplitLines(const std::string& text);
// Drops the leading "{"seq":N," of each `log` line, for comparing stores.
std::string StripSeq(const std::string& log_output);
// `n` valid api.call/login lines with distinct ids, deterministic.
std::string GenerateEvents(size_t n, size_t first_id = 0);

// A store opened directly through RocksDB with all its column families.
class RawStore {
 public:
  explicit RawStore(const std::string& dir);
  ~RawStore();
  rocksdb::ColumnFamilyHandle* cf(const std::string& name);
  rocksdb::DB* db() { return db_; }
  std::string Get(const std::string& cf_name, const std::string& key);
  void Put(const std::string& cf_name, const std::string& key, const std::string& value);
  void Delete(const std::string& cf_name, const std::string& key);

 private:
  rocksdb::DB* db_ = nullptr;
  std::map<std::string, rocksdb::ColumnFamilyHandle*> cfs_;
};

std::string SeqKey(uint64_t seq);

}  // namespace authtrail::testing
