// Evidence bundles: one access event, how each rule set decided it, the facts
// the decision read and the stored events that established them, each of
// those events with an RFC 6962 inclusion proof against one signed
// checkpoint. A third party holding the store's public key checks the proofs
// and the signature with no access to the store (VerifyBundle here, or
// openssl plus any RFC 6962 verifier: docs/evidence.md).
//
// Leaves: the Merkle leaf of the record with sequence number `seq` is at
// index seq - 1 and its bytes are the record's ChainBytes (docs/format.md:
// the event's canonical form). A bundle carries those bytes verbatim.
//
// File format: one JSON object (UTF-8, any whitespace), keys in this order on
// write, any order on read, each exactly once, no others:
//
//   {"format":"authtrail.bundle.v1",
//    "tool_version":"0.1.0",                  the authtrail that wrote it
//    "event_seq":6,                           the event the bundle is about
//    "decisions":{"as-of":{...},"sep2025":{...}},
//                                             rule set id -> decision object
//                                             (cli.md replay format), kept as is
//    "facts":[{"name":"app.installed","value":false,"established_by":[3]}],
//    "rule_sets":[{"id":"sep2025","definition_sha256":"<64 hex>"}],
//    "records":[{"seq":6,"leaf":"<ChainBytes as a JSON string>",
//                "proof":["<64 hex>",...]}],  bottom-up audit path, at most 64
//    "checkpoint":{checkpoint.h's object}}
//
// Decision objects and fact values are arbitrary JSON without floating-point
// numbers (none of ours has any), nested at most 32 deep; they are kept in a
// canonical text (document key order, no whitespace, canonical string
// escaping) so that parse -> format -> parse is the identity.
//
// What VerifyBundle proves: the checkpoint is signed by the key; every record
// is the leaf at seq - 1 of the tree the checkpoint commits to; the event and
// every establishing event are among those records. What it does not: that
// the decisions follow from the facts (re-running the rule set, identified by
// its definition hash, does that) or that the facts follow from the events.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evidence/checkpoint.h"

namespace authtrail::evidence {

inline constexpr std::string_view kBundleFormat = "authtrail.bundle.v1";

struct BundleRecord {
  uint64_t seq = 0;         // >= 1
  std::string leaf;         // the leaf's bytes (ChainBytes)
  std::vector<Hash> proof;  // InclusionProof(seq - 1, checkpoint.tree_size)
  friend bool operator==(const BundleRecord&, const BundleRecord&) = default;
};

struct BundleDecision {
  std::string rule_set;  // "as-of", "pre2014", ...
  std::string json;      // the decision object, canonical JSON text
  friend bool operator==(const BundleDecision&, const BundleDecision&) = default;
};

struct BundleFact {
  std::string name;
  std::string value_json;                // canonical JSON text
  std::vector<uint64_t> established_by;  // seqs, each among the records
  friend bool operator==(const BundleFact&, const BundleFact&) = default;
};

struct RuleSetDefinition {
  std::string id;
  Hash definition_sha256{};
  friend bool operator==(const RuleSetDefinition&, const RuleSetDefinition&) = default;
};

struct Bundle {
  std::string tool_version;
  uint64_t event_seq = 0;
  std::vector<BundleDecision> decisions;
  std::vector<BundleFact> facts;
  std::vector<RuleSetDefinition> rule_sets;
  std::vector<BundleRecord> records;
  SignedCheckpoint checkpoint;
};

// The bundle file text (one line, then "\n"). REQUIRES: decision and fact
// JSON texts are canonical JSON as described above (ParseBundle's output is).
std::string FormatBundle(const Bundle& b);

// Parses a bundle file. kCorruption naming the first problem (not JSON, a
// missing, repeated, unknown or mistyped field, a float, nesting deeper than
// 32, a proof longer than 64). Checks shapes only, not proofs or signature.
// Never crashes or reads out of bounds, whatever `text` holds.
Result<Bundle> ParseBundle(std::string_view text);

// Checks the proofs and signature as described above. OK, or kCorruption
// naming the first failure (bad signature, the record whose proof fails, a
// seq beyond the checkpoint, a fact citing a seq without a record).
Status VerifyBundle(const Bundle& b, const PublicKey& key);

// ParseBundle + VerifyBundle with a PEM public key; the verified checkpoint
// on success. kInvalidArgument for a bad key, kCorruption otherwise.
Result<Checkpoint> VerifyBundleFile(std::string_view text, std::string_view public_key_pem);

}  // namespace authtrail::evidence
