// Encoding and decoding of store values (FlatBuffers `Record`, see
// schemas/authtrail.fbs).
//
// Decode* run the FlatBuffers Verifier first: bytes read from disk are never
// trusted. A failed check returns kCorruption (callers add the seq); it never
// crashes, whatever the bytes.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/sha256.h"
#include "common/status.h"
#include "schemas/event.h"

namespace authtrail {

struct BatchInputInfo {
  std::string name;  // as given; "-" for standard input
  uint64_t size = 0;
  Digest sha256{};
  bool operator==(const BatchInputInfo&) const = default;
};

struct BatchBeginInfo {
  uint32_t number = 0;
  MicrosUtc started_at = 0;
  std::string version;
  std::vector<std::string> inputs;
  bool operator==(const BatchBeginInfo&) const = default;
};

struct BatchEndInfo {
  uint32_t number = 0;
  MicrosUtc ended_at = 0;
  std::vector<BatchInputInfo> inputs;
  uint64_t read = 0, stored = 0, duplicates = 0, rejected = 0;
  bool operator==(const BatchEndInfo&) const = default;
};

// A decoded store value.
struct StoredRecord {
  uint32_t batch = 0;
  std::variant<Event, BatchBeginInfo, BatchEndInfo> body;
};

std::string EncodeRecord(const StoredRecord& r);
Result<StoredRecord> DecodeRecord(std::string_view bytes);

// The checks DecodeRecord applies to a decoded event, for writers that must
// never store a record their own reader would call corrupt: org is 18
// characters; every required field of the kind (KindSpec) is present and no
// field outside it; enum values in range; strings are valid UTF-8.
// kInvalidArgument naming the field otherwise.
Status ValidateEvent(const Event& e);

// Reusable encoder for hot paths (the store's ingest loop): encodes an event
// without first copying it into a StoredRecord, and reuses its buffer. The
// returned view is valid until the next call or the encoder's destruction.
// Thread-compatible.
class RecordEncoder {
 public:
  RecordEncoder() : fbb_(1024) {}
  std::string_view EncodeEvent(uint32_t batch, const Event& e);
  std::string_view Encode(const StoredRecord& r);

 private:
  flatbuffers::FlatBufferBuilder fbb_;
};

// The bytes the integrity chain hashes for a record: an event's canonical
// form; a batch record's canonical JSON (keys in byte order, like events).
std::string ChainBytes(const StoredRecord& r);

}  // namespace authtrail
