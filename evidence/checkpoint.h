// Signed checkpoints: "store S held N records whose Merkle root is R, at
// time T", signed with the store's Ed25519 key (keys.h).
//
// Signed bytes (the canonical encoding; ASCII, every line ends in one "\n",
// nothing else, no trailing blank line):
//
//   authtrail.checkpoint.v1
//   store_id <32 lowercase hex digits: the store's 16-byte id>
//   tree_size <decimal, no leading zeros, "0" for the empty tree>
//   root <64 lowercase hex digits: RFC 6962 MTH of the first tree_size leaves>
//   time <YYYY-MM-DDTHH:MM:SS.ffffffZ, UTC, always six fraction digits>
//
// Text rather than a binary struct so an auditor can rebuild it with printf
// from the file's fields and check the signature with `openssl pkeyutl
// -verify -rawin` (docs/evidence.md); the first line names the format, so a
// signature over this can never be mistaken for one over any other message.
//
// Checkpoint file (one JSON object on one line, then "\n"; keys in this order
// on write, any order on read, each exactly once, no others):
//
//   {"format":"authtrail.checkpoint.v1","store_id":"…","tree_size":N,
//    "root":"…","time":"…","key_sha256":"…","signature":"…"}
//
// key_sha256 is KeyFingerprint() of the signing key (SHA-256 of its
// SubjectPublicKeyInfo DER, hex); signature is the 64-byte Ed25519 signature
// of the signed bytes, standard base64 with padding.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/time.h"
#include "evidence/keys.h"
#include "evidence/merkle.h"

namespace authtrail::evidence {

inline constexpr std::string_view kCheckpointFormat = "authtrail.checkpoint.v1";

struct Checkpoint {
  std::string store_id;  // 32 lowercase hex digits
  uint64_t tree_size = 0;
  Hash root{};
  MicrosUtc time = 0;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string key_sha256;  // KeyFingerprint of the signer, 64 hex digits
  std::string signature;   // 64 raw bytes
};

// The canonical signed bytes above. REQUIRES: ValidateCheckpoint(c).ok().
std::string CheckpointSignedBytes(const Checkpoint& c);

// kInvalidArgument naming the field if store_id is not 32 lowercase hex digits.
Status ValidateCheckpoint(const Checkpoint& c);

// Signs `c`; kInvalidArgument as ValidateCheckpoint.
Result<SignedCheckpoint> SignCheckpoint(const Checkpoint& c, const SigningKey& key);

// The checkpoint file's JSON object, without the trailing newline.
std::string CheckpointToJson(const SignedCheckpoint& s);
// The whole file: CheckpointToJson + "\n".
std::string FormatCheckpointFile(const SignedCheckpoint& s);

// Parses a checkpoint file (the JSON object, optionally followed by one
// "\n"). Checks the format only, not the signature. kCorruption naming the
// first problem: not JSON, wrong format string, a missing, repeated, unknown
// or malformed field. Never crashes on any input.
Result<SignedCheckpoint> ParseCheckpointFile(std::string_view text);

// OK iff s.key_sha256 names `key` and s.signature verifies over
// CheckpointSignedBytes(s.checkpoint); kCorruption otherwise.
Status VerifyCheckpoint(const SignedCheckpoint& s, const PublicKey& key);

// ParseCheckpointFile + VerifyCheckpoint with the key from `public_key_pem`
// (keys.h PEM). kInvalidArgument for a bad key, kCorruption for a checkpoint
// that does not parse or verify. On success, the verified checkpoint.
Result<Checkpoint> VerifyCheckpointFile(std::string_view text, std::string_view public_key_pem);

}  // namespace authtrail::evidence
