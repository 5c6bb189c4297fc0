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
// File format v2 (written; docs/evidence.md §3): one JSON object (UTF-8, any
// whitespace on read), keys in this order on write, any order on read, each
// exactly once, no others:
//
//   {"format":"authtrail.bundle.v2",
//    "tool_version":"0.1.0",                  the authtrail that wrote it
//    "event_seq":6,                           the event the bundle is about
//    "as_of":"sep2025",                       rule set in force (or "indeterminate")
//    "decisions":{"as-of":{...},"pre2014":{...},...},
//                                             column -> decision object
//                                             (cli.md replay format), kept as is
//    "readings":{...},                        the readings the decisions used
//    "facts":[{"name":"installed","value":false,"established_by":[3]}],
//                                             every input of the decision
//    "rule_sets":[{"id":"sep2025","definition_sha256":"<64 hex>"}],
//    "records":[{"seq":6,"leaf":"<ChainBytes as a JSON string>",
//                "proof":["<64 hex>",...]}],  bottom-up audit path, at most 64
//    "checkpoint":{checkpoint.h's object},
//    "bundle_signature":"<base64, 64 bytes>"}
//
// bundle_signature is the Ed25519 signature, by the key that signed the
// checkpoint, of BundleSignedBytes: the bundle's canonical text (FormatBundle)
// without its bundle_signature member and without the final newline. It binds
// what the proofs cannot (the facts and their provenance, the readings, the
// tool version) to the key holder; an auditor recomputes the message from a
// file written by authtrail with sed alone (docs/evidence.md).
//
// Format v1 (the same without as_of, readings and bundle_signature, and
// with "format":"authtrail.bundle.v1") is still read and formatted as v1, so
// its proofs can be checked; it carries no signature over its facts and no
// readings, so its decisions cannot be re-evaluated (verify-evidence refuses it).
//
// Decision objects, readings and fact values are arbitrary JSON without
// floating-point numbers (none of ours has any), nested at most 32 deep; they
// are kept in a canonical text (document key order, no whitespace, canonical
// string escaping) so that parse -> format -> parse is the identity.
//
// What VerifyBundle proves: the checkpoint (and, v2, the bundle) is signed by
// the key; every record is the leaf at seq - 1 of the tree the checkpoint
// commits to; the event and every establishing event are among those records.
// What it does not: that the decisions follow from the facts (re-running the
// rule sets, identified by their definition hashes, does that:
// tools/evidence_check.h) or that the facts follow from the events.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "evidence/checkpoint.h"

namespace authtrail::evidence {

inline constexpr std::string_view kBundleFormatV1 = "authtrail.bundle.v1";
inline constexpr std::string_view kBundleFormat = "authtrail.bundle.v2";

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
  int version = 2;  // 1 or 2 (the format string)
  std::string tool_version;
  uint64_t event_seq = 0;
  std::string as_of;  // v2 only
  std::vector<BundleDecision> decisions;
  std::string readings_json;  // v2 only: canonical JSON object
  std::vector<BundleFact> facts;
  std::vector<RuleSetDefinition> rule_sets;
  std::vector<BundleRecord> records;
  SignedCheckpoint checkpoint;
  std::string signature;  // v2 only: 64 raw bytes (see BundleSignedBytes)
};

// The bundle file text (one line, then "\n"). REQUIRES: decision and fact
// JSON texts are canonical JSON as described above (ParseBundle's output is).
std::string FormatBundle(const Bundle& b);

// The bytes bundle_signature signs: FormatBundle(b) without the
// bundle_signature member and the final newline. REQUIRES: b.version == 2.
std::string BundleSignedBytes(const Bundle& b);

// Sets b->signature. REQUIRES: b->version == 2 and the checkpoint signed by
// the same key (VerifyBundle checks both signatures with one public key).
void SignBundle(Bundle* b, const SigningKey& key);

// Parses a bundle file (v1 or v2). kCorruption naming the first problem (not JSON, a
// missing, repeated, unknown or mistyped field, a float, nesting deeper than
// 32, a proof longer than 64). Checks shapes only, not proofs or signature.
// Never crashes or reads out of bounds, whatever `text` holds.
Result<Bundle> ParseBundle(std::string_view text);

// Checks the proofs and signatures as described above. OK, or kCorruption
// naming the first failure (bad checkpoint or bundle signature, the record
// whose proof fails, a seq beyond the checkpoint, a fact citing a seq without
// a record).
Status VerifyBundle(const Bundle& b, const PublicKey& key);

// ParseBundle + VerifyBundle with a PEM public key; the verified checkpoint
// on success. kInvalidArgument for a bad key, kCorruption otherwise.
Result<Checkpoint> VerifyBundleFile(std::string_view text, std::string_view public_key_pem);

}  // namespace authtrail::evidence
