#include "store/keys.h"

#include <cassert>
#include <cstring>

#include "common/coding.h"
#include "common/sha256.h"

namespace authtrail::store::store_internal {

std::string_view CfName(Cf cf) {
  static constexpr std::array<std::string_view, kCfCount> kNames = {
      "log",    "chain", "by_time", "by_org",  "by_user",
      "by_app", "dedup", "meta",    "batches", "merkle"};
  return kNames[static_cast<size_t>(cf)];
}

Cf IndexCf(Index ix) {
  switch (ix) {
    case Index::kTime:
      return Cf::kByTime;
    case Index::kOrg:
      return Cf::kByOrg;
    case Index::kUser:
      return Cf::kByUser;
    case Index::kApp:
      return Cf::kByApp;
  }
  return Cf::kByTime;
}

void AppendSeqKey(uint64_t seq, std::string* out) { PutBigEndian64(out, seq); }

void AppendMerkleKey(uint32_t level, uint64_t index, std::string* out) {
  assert(level <= 0xff);
  out->push_back(static_cast<char>(level));
  PutBigEndian64(out, index);
}

bool ParseMerkleKey(std::string_view key, uint32_t* level, uint64_t* index) {
  if (key.size() != kMerkleKeySize) return false;
  *level = static_cast<uint8_t>(key[0]);
  *index = GetBigEndian64(key.data() + 1);
  return true;
}

std::string SeqKey(uint64_t seq) {
  std::string key;
  AppendSeqKey(seq, &key);
  return key;
}

bool ParseSeqKey(std::string_view key, uint64_t* seq) {
  if (key.size() != kSeqKeySize) return false;
  *seq = GetBigEndian64(key.data());
  return true;
}

bool ParseIndexSuffix(std::string_view key, IndexSuffix* out) {
  if (key.size() < kIndexSuffixSize) return false;
  const char* p = key.data() + key.size() - kIndexSuffixSize;
  out->ts = GetOrderedInt64(p);
  out->rank = static_cast<uint8_t>(p[8]);
  out->seq = GetBigEndian64(p + 9);
  return true;
}

void AppendTs(MicrosUtc ts, std::string* out) { PutOrderedInt64(out, ts); }

void AppendIndexSuffix(MicrosUtc ts, uint8_t rank, uint64_t seq, std::string* out) {
  PutOrderedInt64(out, ts);
  out->push_back(static_cast<char>(rank));
  PutBigEndian64(out, seq);
}

void AppendOrgPrefix(uint32_t orgnum, std::string* out) { PutBigEndian32(out, orgnum); }

void AppendNamePrefix(uint32_t orgnum, std::string_view name, std::string* out) {
  assert(name.size() <= kMaxIndexedNameSize);
  PutBigEndian32(out, orgnum);
  PutBigEndian16(out, static_cast<uint16_t>(name.size()));
  out->append(name);
}

bool AppendIndexKey(Index ix, const Event& e, uint32_t orgnum, uint64_t seq, std::string* out) {
  switch (ix) {
    case Index::kTime:
      break;
    case Index::kOrg:
      AppendOrgPrefix(orgnum, out);
      break;
    case Index::kUser:
      if (!e.user) return false;
      AppendNamePrefix(orgnum, *e.user, out);
      break;
    case Index::kApp:
      if (!e.app) return false;
      AppendNamePrefix(orgnum, *e.app, out);
      break;
  }
  AppendIndexSuffix(e.ts, KindFoldRank(e.kind), seq, out);
  return true;
}

void AppendDedupKey(const Event& e, std::string_view canonical, std::string* out) {
  assert(e.org.size() == 18);
  if (e.id) {
    out->push_back('i');
    out->append(e.org);
    out->append(*e.id);
    return;
  }
  const Digest d = Sha256Of(canonical);
  out->push_back('c');
  out->append(reinterpret_cast<const char*>(d.data()), 16);
}

std::string EncodeHead(const Head& head) {
  std::string v;
  PutBigEndian64(&v, head.seq);
  v.append(reinterpret_cast<const char*>(head.hash.data()), head.hash.size());
  return v;
}

bool DecodeHead(std::string_view value, Head* head) {
  if (value.size() != 8 + head->hash.size()) return false;
  head->seq = GetBigEndian64(value.data());
  std::memcpy(head->hash.data(), value.data() + 8, head->hash.size());
  return true;
}

std::string EncodeBatchEntry(const BatchEntry& entry) {
  std::string v;
  PutBigEndian32(&v, entry.number);
  v.push_back(entry.end ? 'e' : 'b');
  return v;
}

bool DecodeBatchEntry(std::string_view value, BatchEntry* entry) {
  if (value.size() != 5 || (value[4] != 'b' && value[4] != 'e')) return false;
  entry->number = GetBigEndian32(value.data());
  entry->end = value[4] == 'e';
  return true;
}

std::string KeyForMessage(std::string_view key) {
  constexpr size_t kMax = 48;
  std::string hex = Hex(key.substr(0, kMax));
  if (key.size() > kMax) hex += "...";
  return hex;
}

}  // namespace authtrail::store::store_internal
