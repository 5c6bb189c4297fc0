#include "evidence/checkpoint.h"

#include <algorithm>

#include "evidence/internal/base64.h"
#include "evidence/internal/checkpoint_json.h"

namespace authtrail::evidence {
namespace {

bool IsStoreId(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

Status ValidateCheckpoint(const Checkpoint& c) {
  if (!IsStoreId(c.store_id)) {
    return Status::InvalidArgument("checkpoint store_id: expected 32 lowercase hex digits, got '" +
                                   c.store_id.substr(0, 64) + "'");
  }
  return Status::Ok();
}

std::string CheckpointSignedBytes(const Checkpoint& c) {
  std::string out(kCheckpointFormat);
  out += "\nstore_id " + c.store_id;
  out += "\ntree_size " + std::to_string(c.tree_size);
  out += "\nroot " + Hex(c.root);
  out += "\ntime " + FormatCanonical(c.time) + "\n";
  return out;
}

Result<SignedCheckpoint> SignCheckpoint(const Checkpoint& c, const SigningKey& key) {
  AT_RETURN_IF_ERROR(ValidateCheckpoint(c));
  return SignedCheckpoint{c, KeyFingerprint(key.public_key()), key.Sign(CheckpointSignedBytes(c))};
}

std::string CheckpointToJson(const SignedCheckpoint& s) {
  const Checkpoint& c = s.checkpoint;
  return R"({"format":")" + std::string(kCheckpointFormat) + R"(","store_id":")" + c.store_id +
         R"(","tree_size":)" + std::to_string(c.tree_size) + R"(,"root":")" + Hex(c.root) +
         R"(","time":")" + FormatCanonical(c.time) + R"(","key_sha256":")" + s.key_sha256 +
         R"(","signature":")" + internal::Base64Encode(s.signature) + R"("})";
}

std::string FormatCheckpointFile(const SignedCheckpoint& s) { return CheckpointToJson(s) + "\n"; }

namespace internal {

Result<SignedCheckpoint> CheckpointFromJson(dom::element e, std::string what) {
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(e, std::move(what)));
  AT_ASSIGN_OR_RETURN(std::string_view format, r.String("format"));
  if (format != kCheckpointFormat) {
    return Status::Corruption(r.what() + ".format: expected \"" + std::string(kCheckpointFormat) +
                              "\"");
  }
  SignedCheckpoint s;
  AT_ASSIGN_OR_RETURN(std::string_view store_id, r.String("store_id"));
  if (!IsStoreId(store_id)) {
    return Status::Corruption(r.what() + ".store_id: expected 32 lowercase hex digits");
  }
  s.checkpoint.store_id = store_id;
  AT_ASSIGN_OR_RETURN(s.checkpoint.tree_size, r.Uint("tree_size"));
  AT_ASSIGN_OR_RETURN(s.checkpoint.root, r.HexHash("root"));
  AT_ASSIGN_OR_RETURN(std::string_view time, r.String("time"));
  auto t = ParseRfc3339(time);
  // Only the canonical spelling: the signed bytes are rebuilt from this field.
  if (!t.ok() || FormatCanonical(*t) != time) {
    return Status::Corruption(r.what() + ".time: expected YYYY-MM-DDTHH:MM:SS.ffffffZ");
  }
  s.checkpoint.time = *t;
  AT_ASSIGN_OR_RETURN(Hash fingerprint, r.HexHash("key_sha256"));
  s.key_sha256 = Hex(fingerprint);
  AT_ASSIGN_OR_RETURN(std::string_view sig, r.String("signature"));
  if (!Base64Decode(sig, &s.signature) || s.signature.size() != kSignatureBytes) {
    return Status::Corruption(r.what() + ".signature: expected 64 bytes in base64");
  }
  AT_RETURN_IF_ERROR(r.Finish());
  return s;
}

}  // namespace internal

Result<SignedCheckpoint> ParseCheckpointFile(std::string_view text) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  internal::dom::parser parser;
  AT_ASSIGN_OR_RETURN(auto doc, internal::ParseDocument(&parser, text, "checkpoint"));
  return internal::CheckpointFromJson(doc, "checkpoint");
}

Status VerifyCheckpoint(const SignedCheckpoint& s, const PublicKey& key) {
  if (s.key_sha256 != KeyFingerprint(key)) {
    return Status::Corruption("checkpoint was signed by key " + s.key_sha256 +
                              ", not by the given key " + KeyFingerprint(key));
  }
  if (!IsStoreId(s.checkpoint.store_id) ||
      !VerifySignature(key, CheckpointSignedBytes(s.checkpoint), s.signature)) {
    return Status::Corruption("checkpoint signature does not verify");
  }
  return Status::Ok();
}

Result<Checkpoint> VerifyCheckpointFile(std::string_view text, std::string_view public_key_pem) {
  AT_ASSIGN_OR_RETURN(PublicKey key, PublicKeyFromPem(public_key_pem));
  AT_ASSIGN_OR_RETURN(SignedCheckpoint s, ParseCheckpointFile(text));
  AT_RETURN_IF_ERROR(VerifyCheckpoint(s, key));
  return s.checkpoint;
}

}  // namespace authtrail::evidence
