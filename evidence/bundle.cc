// Writing and verifying evidence bundles; parsing is in bundle_parse.cc.
#include "evidence/bundle.h"

#include <cassert>
#include <set>

#include "evidence/internal/base64.h"
#include "evidence/internal/json_writer.h"

namespace authtrail::evidence {
namespace {

using internal::AppendJsonString;

// Appends `items` as a JSON array, each written by `append(item, out)`.
template <typename T, typename F>
void AppendArray(const std::vector<T>& items, F append, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out->push_back(',');
    append(items[i], out);
  }
  out->push_back(']');
}

void AppendDecisions(const std::vector<BundleDecision>& decisions, std::string* out) {
  out->push_back('{');
  for (size_t i = 0; i < decisions.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendJsonString(decisions[i].rule_set, out);
    *out += ":" + decisions[i].json;
  }
  out->push_back('}');
}

void AppendFact(const BundleFact& f, std::string* out) {
  *out += "{\"name\":";
  AppendJsonString(f.name, out);
  *out += ",\"value\":" + f.value_json + ",\"established_by\":";
  AppendArray(
      f.established_by, [](uint64_t s, std::string* o) { *o += std::to_string(s); }, out);
  out->push_back('}');
}

void AppendRuleSet(const RuleSetDefinition& r, std::string* out) {
  *out += "{\"id\":";
  AppendJsonString(r.id, out);
  *out += ",\"definition_sha256\":\"" + Hex(r.definition_sha256) + "\"}";
}

void AppendRecord(const BundleRecord& r, std::string* out) {
  *out += "{\"seq\":" + std::to_string(r.seq) + ",\"leaf\":";
  AppendJsonString(r.leaf, out);
  *out += ",\"proof\":";
  AppendArray(
      r.proof, [](const Hash& h, std::string* o) { *o += "\"" + Hex(h) + "\""; }, out);
  out->push_back('}');
}

}  // namespace

namespace {

// Every member but bundle_signature, then "}" would close the object.
std::string FormatBody(const Bundle& b) {
  std::string out = "{\"format\":\"" +
                    std::string(b.version == 1 ? kBundleFormatV1 : kBundleFormat) +
                    "\",\"tool_version\":";
  AppendJsonString(b.tool_version, &out);
  out += ",\"event_seq\":" + std::to_string(b.event_seq);
  if (b.version != 1) {
    out += ",\"as_of\":";
    AppendJsonString(b.as_of, &out);
  }
  out += ",\"decisions\":";
  AppendDecisions(b.decisions, &out);
  if (b.version != 1) out += ",\"readings\":" + b.readings_json;
  out += ",\"facts\":";
  AppendArray(b.facts, AppendFact, &out);
  out += ",\"rule_sets\":";
  AppendArray(b.rule_sets, AppendRuleSet, &out);
  out += ",\"records\":";
  AppendArray(b.records, AppendRecord, &out);
  out += ",\"checkpoint\":" + CheckpointToJson(b.checkpoint);
  return out;
}

}  // namespace

std::string FormatBundle(const Bundle& b) {
  std::string out = FormatBody(b);
  if (b.version != 1) {
    out += ",\"bundle_signature\":\"" + internal::Base64Encode(b.signature) + "\"";
  }
  return out + "}\n";
}

std::string BundleSignedBytes(const Bundle& b) {
  assert(b.version == 2);
  return FormatBody(b) + "}";
}

void SignBundle(Bundle* b, const SigningKey& key) {
  assert(b->version == 2);
  b->signature = key.Sign(BundleSignedBytes(*b));
}

Status VerifyBundle(const Bundle& b, const PublicKey& key) {
  AT_RETURN_IF_ERROR(VerifyCheckpoint(b.checkpoint, key));
  const Checkpoint& c = b.checkpoint.checkpoint;
  std::set<uint64_t> proven;
  for (const BundleRecord& r : b.records) {
    std::string name = "record seq " + std::to_string(r.seq);
    if (r.seq == 0 || r.seq > c.tree_size) {
      return Status::Corruption(name + " is outside the checkpoint's tree of size " +
                                std::to_string(c.tree_size));
    }
    if (!VerifyInclusion(r.seq - 1, c.tree_size, HashLeaf(r.leaf), r.proof, c.root)) {
      return Status::Corruption(name + ": inclusion proof does not lead to the checkpoint root");
    }
    proven.insert(r.seq);
  }
  if (!proven.contains(b.event_seq)) {
    return Status::Corruption("event seq " + std::to_string(b.event_seq) + " has no proven record");
  }
  for (const BundleFact& f : b.facts) {
    for (uint64_t seq : f.established_by) {
      if (!proven.contains(seq)) {
        return Status::Corruption("fact " + f.name + " cites seq " + std::to_string(seq) +
                                  ", which has no proven record");
      }
    }
  }
  // Last, so that a changed record is named by its failing proof above.
  if (b.version != 1 && !VerifySignature(key, BundleSignedBytes(b), b.signature)) {
    return Status::Corruption(
        "bundle_signature does not verify: the bundle was changed after it was signed, or "
        "signed with another key");
  }
  return Status::Ok();
}

Result<Checkpoint> VerifyBundleFile(std::string_view text, std::string_view public_key_pem) {
  AT_ASSIGN_OR_RETURN(PublicKey key, PublicKeyFromPem(public_key_pem));
  AT_ASSIGN_OR_RETURN(Bundle b, ParseBundle(text));
  AT_RETURN_IF_ERROR(VerifyBundle(b, key));
  return b.checkpoint.checkpoint;
}

}  // namespace authtrail::evidence
