// ParseBundle: the bundle file format of bundle.h, read strictly with
// internal::ObjectReader (every field checked, unknown keys rejected).
#include "evidence/bundle.h"
#include "evidence/internal/base64.h"
#include "evidence/internal/checkpoint_json.h"
#include "evidence/internal/json_writer.h"

namespace authtrail::evidence {
namespace {

using internal::CanonicalJson;
using internal::ObjectReader;
using internal::dom::array;
using internal::dom::element;

constexpr size_t kMaxProofHashes = 64;

std::string Item(std::string_view array_name, size_t i) {
  return "bundle." + std::string(array_name) + "[" + std::to_string(i) + "]";
}

Result<uint64_t> Seq(ObjectReader& r, std::string_view key) {
  AT_ASSIGN_OR_RETURN(uint64_t seq, r.Uint(key));
  if (seq == 0) return Status::Corruption(r.what() + "." + std::string(key) + ": seq 0");
  return seq;
}

Result<std::vector<BundleDecision>> ParseDecisions(element e) {
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(e, "bundle.decisions"));
  std::vector<BundleDecision> out;
  for (std::string_view rule_set : r.Keys()) {
    AT_ASSIGN_OR_RETURN(element d, r.Get(rule_set));
    std::string what = "bundle.decisions." + std::string(rule_set);
    if (!d.is_object()) return Status::Corruption(what + ": expected an object");
    AT_ASSIGN_OR_RETURN(std::string json, CanonicalJson(d, what));
    out.push_back({std::string(rule_set), std::move(json)});
  }
  return out;
}

Result<BundleFact> ParseFact(element e, std::string what) {
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(e, std::move(what)));
  BundleFact f;
  AT_ASSIGN_OR_RETURN(f.name, r.String("name"));
  AT_ASSIGN_OR_RETURN(element value, r.Get("value"));
  AT_ASSIGN_OR_RETURN(f.value_json, CanonicalJson(value, r.what() + ".value"));
  AT_ASSIGN_OR_RETURN(array seqs, r.Array("established_by"));
  for (element s : seqs) {
    uint64_t seq = 0;
    if (s.get_uint64().get(seq) || seq == 0) {
      return Status::Corruption(r.what() + ".established_by: expected seqs (integers >= 1)");
    }
    f.established_by.push_back(seq);
  }
  AT_RETURN_IF_ERROR(r.Finish());
  return f;
}

Result<RuleSetDefinition> ParseRuleSet(element e, std::string what) {
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(e, std::move(what)));
  RuleSetDefinition d;
  AT_ASSIGN_OR_RETURN(d.id, r.String("id"));
  AT_ASSIGN_OR_RETURN(d.definition_sha256, r.HexHash("definition_sha256"));
  AT_RETURN_IF_ERROR(r.Finish());
  return d;
}

Result<BundleRecord> ParseRecord(element e, std::string what) {
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(e, std::move(what)));
  BundleRecord rec;
  AT_ASSIGN_OR_RETURN(rec.seq, Seq(r, "seq"));
  AT_ASSIGN_OR_RETURN(rec.leaf, r.String("leaf"));
  AT_ASSIGN_OR_RETURN(array proof, r.Array("proof"));
  for (element h : proof) {
    std::string_view hex;
    Hash hash;
    if (h.get_string().get(hex) || !internal::ParseHexHash(hex, &hash)) {
      return Status::Corruption(r.what() + ".proof: expected 64 lowercase hex digits per hash");
    }
    if (rec.proof.size() == kMaxProofHashes) {
      return Status::Corruption(r.what() + ".proof: more than 64 hashes");
    }
    rec.proof.push_back(hash);
  }
  AT_RETURN_IF_ERROR(r.Finish());
  return rec;
}

// Parses each element of `a` with `parse(element, what)` into *out.
template <typename T, typename F>
Status ParseEach(array a, std::string_view name, F parse, std::vector<T>* out) {
  size_t i = 0;
  for (element e : a) {
    AT_ASSIGN_OR_RETURN(T item, parse(e, Item(name, i++)));
    out->push_back(std::move(item));
  }
  return Status::Ok();
}

// The v2 members: as_of, readings, bundle_signature.
Status ParseV2(ObjectReader& r, Bundle* b) {
  AT_ASSIGN_OR_RETURN(b->as_of, r.String("as_of"));
  AT_ASSIGN_OR_RETURN(element readings, r.Get("readings"));
  if (!readings.is_object()) return Status::Corruption("bundle.readings: expected an object");
  AT_ASSIGN_OR_RETURN(b->readings_json, CanonicalJson(readings, "bundle.readings"));
  AT_ASSIGN_OR_RETURN(std::string_view sig, r.String("bundle_signature"));
  if (!internal::Base64Decode(sig, &b->signature) || b->signature.size() != kSignatureBytes) {
    return Status::Corruption("bundle.bundle_signature: expected 64 bytes in base64");
  }
  return Status::Ok();
}

Status ParseBody(ObjectReader& r, Bundle* b) {
  AT_ASSIGN_OR_RETURN(b->tool_version, r.String("tool_version"));
  AT_ASSIGN_OR_RETURN(b->event_seq, Seq(r, "event_seq"));
  AT_ASSIGN_OR_RETURN(element decisions, r.Get("decisions"));
  AT_ASSIGN_OR_RETURN(b->decisions, ParseDecisions(decisions));
  if (b->version != 1) AT_RETURN_IF_ERROR(ParseV2(r, b));
  AT_ASSIGN_OR_RETURN(array facts, r.Array("facts"));
  AT_RETURN_IF_ERROR(ParseEach(facts, "facts", ParseFact, &b->facts));
  AT_ASSIGN_OR_RETURN(array rule_sets, r.Array("rule_sets"));
  AT_RETURN_IF_ERROR(ParseEach(rule_sets, "rule_sets", ParseRuleSet, &b->rule_sets));
  AT_ASSIGN_OR_RETURN(array records, r.Array("records"));
  AT_RETURN_IF_ERROR(ParseEach(records, "records", ParseRecord, &b->records));
  AT_ASSIGN_OR_RETURN(element checkpoint, r.Get("checkpoint"));
  AT_ASSIGN_OR_RETURN(b->checkpoint, internal::CheckpointFromJson(checkpoint, "bundle.checkpoint"));
  return r.Finish();
}

}  // namespace

Result<Bundle> ParseBundle(std::string_view text) {
  internal::dom::parser parser;
  AT_ASSIGN_OR_RETURN(element doc, internal::ParseDocument(&parser, text, "bundle"));
  AT_ASSIGN_OR_RETURN(ObjectReader r, ObjectReader::Make(doc, "bundle"));
  AT_ASSIGN_OR_RETURN(std::string_view format, r.String("format"));
  Bundle b;
  if (format == kBundleFormatV1) {
    b.version = 1;
  } else if (format != kBundleFormat) {
    return Status::Corruption("bundle.format: expected \"" + std::string(kBundleFormat) +
                              "\" (or \"" + std::string(kBundleFormatV1) + "\")");
  }
  AT_RETURN_IF_ERROR(ParseBody(r, &b));
  return b;
}

}  // namespace authtrail::evidence
