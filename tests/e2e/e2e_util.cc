#include "tests/e2e/e2e_util.h"

#include <sstream>

#include "common/coding.h"

namespace authtrail::testing {

std::string SamplePath() { return SourceDir() + "/tests/data/sample.jsonl"; }

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string StripSeq(const std::string& log_output) {
  std::string out;
  for (const std::string& line : SplitLines(log_output)) {
    size_t comma = line.find(',');
    out += "{" + line.substr(comma + 1) + "\n";
  }
  return out;
}

std::string GenerateEvents(size_t n, size_t first_id) {
  std::string out;
  out +=
      R"({"ts":"2020-01-01T00:00:00Z","org":"00D000000000001","kind":"org.created","edition":"enterprise"})";
  out += '\n';
  for (size_t i = first_id; i < first_id + n; ++i) {
    char buf[512];
    snprintf(
        buf, sizeof buf,
        R"({"ts":"2024-%02zu-%02zuT%02zu:%02zu:%02zu.%06zuZ","org":"00D000000000001","kind":"api.call","user":"005000000000%03zu","app":"3MVG9app%zu","api_family":"rest_data","outcome":"success","id":"call-%zu"})",
        i % 12 + 1, i % 28 + 1, i % 24, i % 60, (i / 60) % 60, i % 1000000, i % 1000, i % 37, i);
    out += buf;
    out += '\n';
  }
  return out;
}

RawStore::RawStore(const std::string& dir) {
  std::vector<std::string> names;
  rocksdb::Status s = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &names);
  EXPECT_TRUE(s.ok()) << s.ToString();
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const auto& n : names) descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  s = rocksdb::DB::Open(rocksdb::DBOptions(), dir, descs, &handles, &db_);
  EXPECT_TRUE(s.ok()) << s.ToString();
  for (size_t i = 0; i < handles.size(); ++i) cfs_[names[i]] = handles[i];
}

RawStore::~RawStore() {
  for (auto& [name, h] : cfs_) db_->DestroyColumnFamilyHandle(h);
  delete db_;
}

rocksdb::ColumnFamilyHandle* RawStore::cf(const std::string& name) {
  auto it = cfs_.find(name);
  EXPECT_NE(it, cfs_.end()) << "no column family " << name;
  return it == cfs_.end() ? nullptr : it->second;
}

std::string RawStore::Get(const std::string& cf_name, const std::string& key) {
  std::string v;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf(cf_name), key, &v);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return v;
}

void RawStore::Put(const std::string& cf_name, const std::string& key, const std::string& value) {
  rocksdb::Status s = db_->Put(rocksdb::WriteOptions(), cf(cf_name), key, value);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

void RawStore::Delete(const std::string& cf_name, const std::string& key) {
  rocksdb::Status s = db_->Delete(rocksdb::WriteOptions(), cf(cf_name), key);
  EXPECT_TRUE(s.ok()) << s.ToString();
}

std::string SeqKey(uint64_t seq) {
  std::string k;
  PutBigEndian64(&k, seq);
  return k;
}

}  // namespace authtrail::testing
