// Key and value encodings of every column family (docs/format.md is the
// byte-level reference; this header is the code that writes it).
//
//   log      key  seq: 8-byte big-endian, first record 1
//            val  Record (schemas/record_codec.h)
//   chain    key  seq
//            val  32-byte SHA-256(chain[seq-1] || ChainBytes(record))
//   by_time  key  ts(8, order-preserving) rank(1) seq(8)                  val empty
//   by_org   key  orgnum(4) ts rank seq                                   val empty
//   by_user  key  orgnum(4) len(2) user ts rank seq                       val empty
//   by_app   key  orgnum(4) len(2) app ts rank seq                        val empty
//   dedup    key  'i' org(18) id   |  'c' SHA-256(canonical)[0..16]      val seq(8)
//   batches  key  seq                                    val number(4) 'b'|'e'
//   merkle   key  level(1) index(8)          val 32-byte RFC 6962 node hash
//   meta     "format_version" -> u32; "store_id" -> 16 bytes;
//            "merkle_min_level" -> u32 (format 2: lowest level stored in merkle)
//            "head" -> seq(8) hash(32); "org:" org(18) -> orgnum u32
//            "snap:" org(18) before(8) -> count(4) seq(8)*count zstd(state)
// All integers big-endian, so byte order is numeric order. Every index key
// ends with the same 17-byte suffix (ts, rank, seq), so a key's fold position
// and record are read from its tail whatever the prefix.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "schemas/event.h"
#include "store/store.h"

namespace authtrail::store::store_internal {

// Column families, in the order they are opened. Names are on-disk format.
// kMerkle came last (stores made before it lack the family: store.cc backfills it).
enum class Cf : uint8_t {
  kLog,
  kChain,
  kByTime,
  kByOrg,
  kByUser,
  kByApp,
  kDedup,
  kMeta,
  kBatches,
  kMerkle
};
inline constexpr int kCfCount = 10;
std::string_view CfName(Cf cf);

// The four fold-order indexes.
enum class Index : uint8_t { kTime, kOrg, kUser, kApp };
inline constexpr std::array<Index, 4> kIndexes = {Index::kTime, Index::kOrg, Index::kUser,
                                                  Index::kApp};
Cf IndexCf(Index ix);

// ---- seq keys (log, chain, batches)
inline constexpr size_t kSeqKeySize = 8;
void AppendSeqKey(uint64_t seq, std::string* out);
std::string SeqKey(uint64_t seq);
// False when the key is not exactly 8 bytes.
bool ParseSeqKey(std::string_view key, uint64_t* seq);

// ---- index keys
inline constexpr size_t kIndexSuffixSize = 17;  // ts(8) rank(1) seq(8)
// user / app names are stored behind a 2-byte length.
inline constexpr size_t kMaxIndexedNameSize = 0xffff;

struct IndexSuffix {
  MicrosUtc ts = 0;
  uint8_t rank = 0;
  uint64_t seq = 0;
};
// Reads the last 17 bytes of an index key; false when the key is shorter.
bool ParseIndexSuffix(std::string_view key, IndexSuffix* out);
void AppendIndexSuffix(MicrosUtc ts, uint8_t rank, uint64_t seq, std::string* out);

// Appends the key event `e` (stored at `seq`, its org numbered `orgnum`) has
// in index `ix`. Returns false, leaving *out as it was, when `e` has no entry
// there (by_user without user, by_app without app).
// REQUIRES: user/app no longer than kMaxIndexedNameSize.
bool AppendIndexKey(Index ix, const Event& e, uint32_t orgnum, uint64_t seq, std::string* out);
// The part of an index key before (ts, rank, seq) that a filter on org
// (and user or app) fixes.
void AppendOrgPrefix(uint32_t orgnum, std::string* out);
void AppendNamePrefix(uint32_t orgnum, std::string_view name, std::string* out);
// Order-preserving encoding of a ts, to seek to `since` / stop at `until`.
void AppendTs(MicrosUtc ts, std::string* out);

// ---- dedup keys (events.md "Idempotency")
// 'i' + org + id for events with a source id (ids are only unique within an
// org, so the org scopes them); 'c' + the first 16 bytes of SHA-256 of the
// canonical form otherwise.
// REQUIRES: e.org is 18 bytes; `canonical` is Canonical(e).
void AppendDedupKey(const Event& e, std::string_view canonical, std::string* out);
inline bool IsIdDedupKey(std::string_view key) { return !key.empty() && key[0] == 'i'; }

// ---- merkle keys: complete node (level, index) of evidence/merkle.h
inline constexpr size_t kMerkleKeySize = 9;
void AppendMerkleKey(uint32_t level, uint64_t index, std::string* out);
// False when the key is not exactly 9 bytes.
bool ParseMerkleKey(std::string_view key, uint32_t* level, uint64_t* index);

// ---- meta
inline constexpr std::string_view kMetaFormatVersion = "format_version";
inline constexpr std::string_view kMetaStoreId = "store_id";
// Format 2 and later: u32, the lowest level whose nodes merkle holds.
inline constexpr std::string_view kMetaMerkleMinLevel = "merkle_min_level";
inline constexpr std::string_view kMetaHead = "head";
inline constexpr std::string_view kMetaOrgPrefix = "org:";
// "snap:" org(18) before(8, order-preserving) -> CheckpointValue.
inline constexpr std::string_view kMetaCheckpointPrefix = "snap:";
inline constexpr size_t kStoreIdSize = 16;
std::string EncodeHead(const Head& head);
bool DecodeHead(std::string_view value, Head* head);

// ---- batches column family values
struct BatchEntry {
  uint32_t number = 0;
  bool end = false;  // BatchEnd; false = BatchBegin
};
std::string EncodeBatchEntry(const BatchEntry& entry);
bool DecodeBatchEntry(std::string_view value, BatchEntry* entry);

// "by_user entry 0000000100120a..." style hex dump of a key, for messages.
std::string KeyForMessage(std::string_view key);

}  // namespace authtrail::store::store_internal
