#include "tools/evidence_check.h"

#include <map>
#include <set>

#include "ingest/jsonl.h"
#include "replay/column.h"
#include "replay/definition.h"
#include "replay/facts_json.h"
#include "tools/replay_output.h"

namespace authtrail::tools {
namespace {

constexpr std::string_view kColumns[] = {"as-of", "pre2014", "api2014", "sep2025", "dec2025"};

std::string SeqName(uint64_t seq) { return "record seq " + std::to_string(seq); }

// Step 3: every record is an event of the event's org, each seq once.
Result<std::map<uint64_t, Event>> ReadRecords(const evidence::Bundle& b) {
  std::map<uint64_t, Event> events;
  ingest::JsonlParser parser;
  for (const evidence::BundleRecord& r : b.records) {
    Event e;
    ingest::LineError error;
    if (!parser.Parse(r.leaf, &e, &error)) {
      return Status::Corruption(SeqName(r.seq) + ": leaf is not an event (" + error.field +
                                (error.field.empty() ? "" : ": ") + error.reason + ")");
    }
    if (!events.emplace(r.seq, std::move(e)).second) {
      return Status::Corruption(SeqName(r.seq) + " is given twice");
    }
  }
  const Event& event = events.at(b.event_seq);
  for (const auto& [seq, e] : events) {
    if (e.org != event.org) {
      return Status::Corruption(SeqName(seq) + " is of org " + e.org + ", not the event's org " +
                                event.org);
    }
  }
  if (!IsAccessKind(event.kind) || event.kind == Kind::kOauthRevoke) {
    return Status::Corruption("event seq " + std::to_string(b.event_seq) + " is a " +
                              std::string(KindName(event.kind)) + ", not an access event");
  }
  return events;
}

// Step 4: the five columns, each decided by this binary's rules.
Status CheckRuleSets(const evidence::Bundle& b) {
  std::set<std::string> seen;
  for (const evidence::RuleSetDefinition& r : b.rule_sets) {
    std::optional<Digest> mine = replay::DefinitionSha256(r.id);
    if (!mine) return Status::Corruption("rule set '" + r.id + "' is unknown to this authtrail");
    if (!seen.insert(r.id).second) return Status::Corruption("rule set " + r.id + " given twice");
    if (*mine != r.definition_sha256) {
      return Status::Corruption("rule set " + r.id + ": definition_sha256 " +
                                Hex(r.definition_sha256) + " is not this authtrail's (" +
                                Hex(*mine) +
                                "): the decisions were made by other rules; check "
                                "with the authtrail named in tool_version (" +
                                b.tool_version + ")");
    }
  }
  if (seen.size() != std::size(kColumns)) {
    return Status::Corruption("rule_sets must name as-of and the four rule sets");
  }
  return Status::Ok();
}

// Step 5, second half: what the event alone says equals the facts.
Status CheckRequestFacts(const Event& event, const replay::Facts& facts) {
  replay::Facts from_event = replay::RequestFacts(event);
  replay::Facts given = facts;
  given.event_flags &= ~static_cast<uint32_t>(replay::kFlagApprovalNotOnRecord);
  if (event.grant == Grant::unknown) from_event.continued = given.continued;
  std::map<std::string, std::string> want, got;
  for (auto& n : replay::FactsToJson(from_event, false)) want[n.name] = n.value_json;
  for (auto& n : replay::FactsToJson(given, false)) got[n.name] = n.value_json;
  for (std::string_view name : replay::RequestFactNames()) {
    const std::string key(name);
    if (want[key] != got[key]) {
      return Status::Corruption("fact " + key + " is " + got[key] + " but the event record says " +
                                want[key]);
    }
  }
  return Status::Ok();
}

// Step 6: re-evaluation.
Status CheckDecisions(const evidence::Bundle& b, const replay::Facts& facts,
                      const replay::Readings& readings, bool cli_default_device) {
  replay::EventDecisions d = replay::DecideEvent(facts, readings, cli_default_device);
  std::string as_of =
      d.as_of_rule_set ? std::string(replay::RuleSetName(*d.as_of_rule_set)) : "indeterminate";
  if (as_of != b.as_of) {
    return Status::Corruption("as_of is " + b.as_of + " but the facts put " + as_of + " in force");
  }
  std::map<std::string, std::string> recorded;
  for (const evidence::BundleDecision& bd : b.decisions) recorded[bd.rule_set] = bd.json;
  if (recorded.size() != std::size(kColumns)) {
    return Status::Corruption("decisions must hold as-of and the four rule sets");
  }
  for (std::string_view column : kColumns) {
    auto it = recorded.find(std::string(column));
    if (it == recorded.end()) return Status::Corruption("no decision for " + std::string(column));
    auto rs = replay::RuleSetFromName(column);
    std::string json;
    AppendDecisionJson(rs ? d.columns[static_cast<size_t>(*rs)] : d.as_of, &json);
    if (json != it->second) {
      return Status::Corruption("decision " + std::string(column) + " does not follow from the " +
                                "facts: recorded " + it->second + ", re-evaluated " + json);
    }
  }
  return Status::Ok();
}

std::string EventLine(uint64_t seq, const Event& e) {
  std::string s = "seq " + std::to_string(seq);
  if (e.id) s += " (id " + *e.id + ")";
  s += ": " + FormatOutput(e.ts) + " " + std::string(KindName(e.kind)) + " org " + e.org;
  if (e.user) s += " user " + *e.user;
  if (e.app) s += " app " + *e.app;
  return s;
}

}  // namespace

Result<EvidenceSummary> CheckEvidence(const evidence::Bundle& b, const evidence::PublicKey& key) {
  if (b.version != 2) {
    return Status::Corruption(
        "a v1 bundle carries no readings and no signature over its facts: its decisions "
        "cannot be re-evaluated (write a new bundle with authtrail evidence)");
  }
  AT_RETURN_IF_ERROR(evidence::VerifyBundle(b, key));
  AT_ASSIGN_OR_RETURN(auto events, ReadRecords(b));
  AT_RETURN_IF_ERROR(CheckRuleSets(b));
  AT_ASSIGN_OR_RETURN(replay::Readings readings, replay::ReadingsFromJson(b.readings_json));
  std::vector<replay::NamedFact> named;
  for (const evidence::BundleFact& f : b.facts) named.push_back({f.name, f.value_json});
  replay::Facts facts;
  bool cli_default_device = false;
  AT_RETURN_IF_ERROR(replay::FactsFromJson(named, &facts, &cli_default_device));
  const Event& event = events.at(b.event_seq);
  AT_RETURN_IF_ERROR(CheckRequestFacts(event, facts));
  AT_RETURN_IF_ERROR(CheckDecisions(b, facts, readings, cli_default_device));
  EvidenceSummary out;
  out.checkpoint = b.checkpoint.checkpoint;
  out.event_line = EventLine(b.event_seq, event);
  out.as_of = b.as_of;
  out.as_of_decision =
      ShortDecision(replay::DecideEvent(facts, readings, cli_default_device).as_of);
  out.records = b.records.size();
  out.facts = b.facts.size();
  return out;
}

}  // namespace authtrail::tools
