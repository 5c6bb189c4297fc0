#include "tools/evidence_build.h"

#include <algorithm>
#include <map>
#include <set>

#include "replay/definition.h"
#include "replay/facts_json.h"
#include "tools/evidence_check.h"
#include "tools/explain.h"
#include "tools/replay_output.h"
#include "tools/signing.h"
#include "tools/version.h"

namespace authtrail::tools {
namespace {

const std::vector<ColumnSpec>& AllColumns() {
  static const std::vector<ColumnSpec> columns =
      *ParseRules("as-of,pre2014,api2014,sep2025,dec2025");
  return columns;
}

// Fact name -> the seqs of the stored events behind it.
std::map<std::string, std::set<uint64_t>> Provenance(const replay::ReplayLine& line) {
  std::map<std::string, std::set<uint64_t>> by;
  for (std::string_view name : replay::RequestFactNames()) by[std::string(name)].insert(line.seq);
  for (const replay::FactSource& s : line.sources) {
    for (std::string_view field : s.fields) by[std::string(field)].insert(s.seq);
  }
  // Approvals and their revocations are named by the facts themselves.
  auto cite = [&](const char* name, const replay::ApprovalFact& a) {
    for (uint64_t seq : {a.seq, a.revoked_seq}) {
      if (seq != 0) by[name].insert(seq);
    }
  };
  for (const replay::ApprovalFact& a : line.facts->approvals) cite("approvals", a);
  if (line.facts->lineage) cite("lineage", *line.facts->lineage);
  return by;
}

std::vector<evidence::BundleFact> Facts(const replay::ReplayLine& line) {
  auto provenance = Provenance(line);
  std::vector<evidence::BundleFact> out;
  for (replay::NamedFact& n : replay::FactsToJson(*line.facts, line.cli_default_device)) {
    const std::set<uint64_t>& seqs = provenance[n.name];
    out.push_back({n.name, std::move(n.value_json), {seqs.begin(), seqs.end()}});
  }
  return out;
}

std::vector<evidence::BundleDecision> Decisions(const replay::ReplayLine& line) {
  std::vector<evidence::BundleDecision> out;
  for (const ColumnSpec& c : AllColumns()) {
    std::string json;
    AppendDecisionJson(DecisionOf(line, c), &json);
    out.push_back({c.name, std::move(json)});
  }
  return out;
}

std::vector<evidence::RuleSetDefinition> RuleSets() {
  std::vector<evidence::RuleSetDefinition> out;
  for (const ColumnSpec& c : AllColumns())
    out.push_back({c.name, *replay::DefinitionSha256(c.name)});
  return out;
}

// The checkpoint the proofs are against: the given one (checked against the
// store and the key) or the current tree signed now.
Result<evidence::SignedCheckpoint> ChooseCheckpoint(store::Store* st, const EvidenceRequest& r,
                                                    const evidence::SigningKey& key,
                                                    uint64_t max_seq) {
  if (!r.checkpoint) return SignTreeHead(st, key);
  const evidence::SignedCheckpoint& cp = *r.checkpoint;
  if (cp.checkpoint.store_id != st->store_id()) {
    return Status::InvalidArgument("--checkpoint is for store " + cp.checkpoint.store_id +
                                   ", not this store (" + st->store_id() + ")");
  }
  if (cp.key_sha256 != evidence::KeyFingerprint(key.public_key())) {
    return Status::InvalidArgument(
        "--checkpoint was signed with another key than --key (one key signs both)");
  }
  if (cp.checkpoint.tree_size > st->head().seq) {
    return Status::Corruption("--checkpoint covers " + std::to_string(cp.checkpoint.tree_size) +
                              " records but the store holds " + std::to_string(st->head().seq));
  }
  if (cp.checkpoint.tree_size < max_seq) {
    return Status::InvalidArgument(
        "--checkpoint covers records 1.." + std::to_string(cp.checkpoint.tree_size) +
        " but the bundle cites seq " + std::to_string(max_seq) +
        ": sign a newer checkpoint (authtrail checkpoint) or omit --checkpoint");
  }
  return cp;
}

// The event first, then every other cited seq in ascending order.
std::vector<uint64_t> CitedSeqs(uint64_t event_seq,
                                const std::vector<evidence::BundleFact>& facts) {
  std::set<uint64_t> seqs;
  for (const evidence::BundleFact& f : facts)
    seqs.insert(f.established_by.begin(), f.established_by.end());
  seqs.erase(event_seq);
  std::vector<uint64_t> out{event_seq};
  out.insert(out.end(), seqs.begin(), seqs.end());
  return out;
}

Status AddRecords(store::Store* st, const std::vector<uint64_t>& seqs, uint64_t tree_size,
                  evidence::Bundle* b) {
  for (uint64_t seq : seqs) {
    AT_ASSIGN_OR_RETURN(StoredRecord r, st->Get(seq));
    AT_ASSIGN_OR_RETURN(std::vector<Digest> proof, st->InclusionProof(seq, tree_size));
    b->records.push_back({seq, ChainBytes(r), std::move(proof)});
  }
  return Status::Ok();
}

}  // namespace

Result<evidence::Bundle> BuildEvidence(store::Store* st, const EvidenceRequest& request,
                                       const evidence::SigningKey& key) {
  AT_ASSIGN_OR_RETURN(auto found, FindEvent(st, request.event));
  const auto& [seq, event] = found;
  if (!IsAccessKind(event.kind) || event.kind == Kind::kOauthRevoke) {
    return Status::InvalidArgument("--event: seq " + std::to_string(seq) + " is a " +
                                   std::string(KindName(event.kind)) +
                                   " (state) event; evidence is about access events");
  }
  AT_ASSIGN_OR_RETURN(replay::ReplayLine line, ExplainDecide(st, event, seq, request.readings));
  evidence::Bundle b;
  b.tool_version = kVersion;
  b.event_seq = seq;
  b.as_of = line.decisions.as_of_rule_set
                ? std::string(replay::RuleSetName(*line.decisions.as_of_rule_set))
                : "indeterminate";
  b.decisions = Decisions(line);
  b.readings_json = replay::ReadingsToJson(request.readings);
  b.facts = Facts(line);
  b.rule_sets = RuleSets();
  const std::vector<uint64_t> seqs = CitedSeqs(seq, b.facts);
  const uint64_t max_seq = *std::max_element(seqs.begin(), seqs.end());
  AT_ASSIGN_OR_RETURN(b.checkpoint, ChooseCheckpoint(st, request, key, max_seq));
  AT_RETURN_IF_ERROR(AddRecords(st, seqs, b.checkpoint.checkpoint.tree_size, &b));
  evidence::SignBundle(&b, key);
  // Check it as a third party will, from its own text: a bundle that would
  // not verify is a bug here (or a checkpoint that is not this store's tree).
  Result<evidence::Bundle> reread = evidence::ParseBundle(evidence::FormatBundle(b));
  if (!reread.ok()) return reread.status().WithContext("internal error: bundle does not re-read");
  Result<EvidenceSummary> checked = CheckEvidence(*reread, key.public_key());
  if (!checked.ok()) return checked.status().WithContext("the bundle would not verify");
  return b;
}

}  // namespace authtrail::tools
