// Replay checkpoints in the meta column family (store.h "checkpoints").
//
// Value: count(4) constant seqs(8 each), then the state as one zstd frame with
// its content checksum, so a flipped byte is caught before FlatBuffers sees it.
#include <rocksdb/write_batch.h>
#include <zstd.h>

#include <algorithm>

#include "common/coding.h"
#include "store/store_impl.h"

namespace authtrail::store::store_internal {
namespace {

constexpr int kZstdLevel = 3;

std::string CheckpointKey(std::string_view org, MicrosUtc before) {
  std::string key(kMetaCheckpointPrefix);
  key += org;
  AppendTs(before, &key);
  return key;
}

std::string OrgCheckpointPrefix(std::string_view org) {
  return std::string(kMetaCheckpointPrefix) + std::string(org);
}

Result<std::string> EncodeCheckpoint(const StateCheckpoint& cp) {
  std::string out;
  PutBigEndian32(&out, static_cast<uint32_t>(cp.constant_seqs.size()));
  for (uint64_t seq : cp.constant_seqs) PutBigEndian64(&out, seq);
  const size_t header = out.size();
  out.resize(header + ZSTD_compressBound(cp.state.size()));
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_checksumFlag, 1);
  const size_t n = ZSTD_compress2(ctx, out.data() + header, out.size() - header, cp.state.data(),
                                  cp.state.size());
  ZSTD_freeCCtx(ctx);
  if (ZSTD_isError(n)) return Status::IOError(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(header + n);
  return out;
}

Result<StateCheckpoint> DecodeCheckpoint(std::string_view key, std::string_view v) {
  const auto bad = [&](const std::string& why) {
    return Status::Corruption("checkpoint " + KeyForMessage(key) + ": " + why);
  };
  StateCheckpoint cp;
  cp.before = GetOrderedInt64(key.data() + key.size() - 8);
  if (v.size() < 4) return bad("truncated");
  const uint32_t count = GetBigEndian32(v.data());
  if ((v.size() - 4) / 8 < count) return bad("truncated");
  for (uint32_t i = 0; i < count; ++i)
    cp.constant_seqs.push_back(GetBigEndian64(v.data() + 4 + 8 * i));
  const std::string_view frame = v.substr(4 + 8 * size_t{count});
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > (1ull << 32)) {
    return bad("not a zstd frame");
  }
  cp.state.resize(size);
  const size_t n = ZSTD_decompress(cp.state.data(), cp.state.size(), frame.data(), frame.size());
  if (ZSTD_isError(n) || n != size) return bad(std::string("zstd: ") + ZSTD_getErrorName(n));
  return cp;
}

}  // namespace

Status StoreImpl::LoadCheckpointBounds() {
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kMeta)));
  for (it->Seek(kMetaCheckpointPrefix); it->Valid() && it->key().starts_with(kMetaCheckpointPrefix);
       it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key.size() != kMetaCheckpointPrefix.size() + 18 + 8) {
      return Status::Corruption("meta: bad checkpoint key " + KeyForMessage(key));
    }
    MicrosUtc& bound =
        checkpoint_bounds_[std::string(key.substr(kMetaCheckpointPrefix.size(), 18))];
    bound = std::max(bound, GetOrderedInt64(key.data() + key.size() - 8));
  }
  return FromRocks(it->status(), "cannot read checkpoints");
}

Status StoreImpl::InvalidateCheckpoints(const std::string& org, MicrosUtc ts, bool constants,
                                        rocksdb::WriteBatch* batch) {
  const auto bound = checkpoint_bounds_.find(org);
  if (bound == checkpoint_bounds_.end() || (!constants && ts >= bound->second)) {
    return Status::Ok();
  }
  const std::string prefix = OrgCheckpointPrefix(org);
  // A checkpoint with before <= ts does not cover the event: it stays.
  const std::string from = constants ? prefix : CheckpointKey(org, ts + 1);
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kMeta)));
  for (it->Seek(from); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    AT_RETURN_IF_ERROR(FromRocks(batch->Delete(cf(Cf::kMeta), it->key()), "cannot batch"));
  }
  AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read checkpoints"));
  if (constants) {
    checkpoint_bounds_.erase(bound);
  } else {
    bound->second = std::min(bound->second, ts);  // none is left above ts
  }
  return Status::Ok();
}

Status StoreImpl::ClearCheckpoints() {
  if (!options_.writable || writer_active_) {
    return Status::FailedPrecondition("checkpoints need the store open for writing, no batch open");
  }
  std::string end(kMetaCheckpointPrefix);
  end.back() += 1;  // "snap;" — just past every "snap:" key
  AT_RETURN_IF_ERROR(FromRocks(
      db()->DeleteRange(rocksdb::WriteOptions(), cf(Cf::kMeta), kMetaCheckpointPrefix, end),
      "cannot delete checkpoints"));
  checkpoint_bounds_.clear();
  return Status::Ok();
}

Status StoreImpl::PutCheckpoint(const std::string& org, const StateCheckpoint& cp) {
  if (!options_.writable || writer_active_) {
    return Status::FailedPrecondition("checkpoints need the store open for writing, no batch open");
  }
  if (org.size() != 18) return Status::InvalidArgument("checkpoint org must be an 18-char id");
  AT_ASSIGN_OR_RETURN(const std::string value, EncodeCheckpoint(cp));
  AT_RETURN_IF_ERROR(FromRocks(
      db()->Put(rocksdb::WriteOptions(), cf(Cf::kMeta), CheckpointKey(org, cp.before), value),
      "cannot write a checkpoint"));
  MicrosUtc& bound = checkpoint_bounds_.try_emplace(org, cp.before).first->second;
  bound = std::max(bound, cp.before);
  return Status::Ok();
}

Result<std::optional<StateCheckpoint>> StoreImpl::FindCheckpoint(const std::string& org,
                                                                 MicrosUtc at) {
  const std::string prefix = OrgCheckpointPrefix(org);
  std::unique_ptr<rocksdb::Iterator> it(db()->NewIterator(ReadOpts(), cf(Cf::kMeta)));
  it->SeekForPrev(CheckpointKey(org, at));
  if (!it->Valid()) {
    AT_RETURN_IF_ERROR(FromRocks(it->status(), "cannot read checkpoints"));
    return std::optional<StateCheckpoint>();
  }
  const std::string_view key = it->key().ToStringView();
  if (!key.starts_with(prefix)) return std::optional<StateCheckpoint>();
  if (key.size() != prefix.size() + 8) {
    return Status::Corruption("meta: bad checkpoint key " + KeyForMessage(key));
  }
  AT_ASSIGN_OR_RETURN(StateCheckpoint cp, DecodeCheckpoint(key, it->value().ToStringView()));
  return std::optional(std::move(cp));
}

}  // namespace authtrail::store::store_internal
