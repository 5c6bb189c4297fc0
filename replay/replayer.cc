#include "replay/replayer.h"

namespace authtrail::replay {

Replayer::Replayer(ReplayOptions options, std::unordered_map<std::string, OrgConstants> constants)
    : options_(std::move(options)), constants_(std::move(constants)) {}

OrgState& Replayer::StateOf(const std::string& org) {
  auto it = orgs_.find(org);
  if (it != orgs_.end()) return it->second;
  return orgs_.emplace(org, OrgState(ConstantsOf(org))).first->second;
}

std::optional<ReplayLine> Replayer::Process(uint64_t seq, const Event& e) {
  OrgState& state = StateOf(e.org);
  state.Saw(e);
  if (!IsAccessKind(e.kind) || e.kind == Kind::kOauthRevoke) {
    state.Apply(e, seq);
    return std::nullopt;
  }
  ReplayLine line = Decide(state, seq, e);
  state.RecordAccess(e, seq, line.decisions.as_of.verdict);
  return line;
}

OrgConstants Replayer::ConstantsOf(const std::string& org) const {
  auto k = constants_.find(org);
  return k == constants_.end() ? OrgConstants{} : k->second;
}

uint64_t Replayer::Fingerprint(const std::string& org) const {
  return SnapshotFingerprint(ConstantsOf(org), options_.readings);
}

void Replayer::Seed(const std::string& org, OrgState state) {
  orgs_.insert_or_assign(org, std::move(state));
}

const OrgState* Replayer::StateIfAny(const std::string& org) const {
  auto it = orgs_.find(org);
  return it == orgs_.end() ? nullptr : &it->second;
}

ReplayLine Replayer::Hypothetical(const Event& e) { return Decide(StateOf(e.org), 0, e); }

ReplayLine Replayer::Decide(OrgState& state, uint64_t seq, const Event& e) {
  ReplayLine line;
  line.seq = seq;
  bool cli_device = false;
  auto* sources = options_.collect_sources ? &line.sources : nullptr;
  Facts facts = state.FactsFor(e, sources, &cli_device);
  line.flow = FlowLabel(e, state.LineageFlow(e));
  line.decisions = DecideEvent(facts, options_.readings, cli_device);
  if (options_.collect_sources) {
    line.facts = std::move(facts);
    line.cli_default_device = cli_device;
  }
  Verdict as_of = line.decisions.as_of.verdict;
  if (e.outcome == Outcome::success && as_of == Verdict::kDeny) {
    line.line_flags |= kRecordedAllowPredictedDeny;
  } else if (e.outcome == Outcome::failure && as_of == Verdict::kAllow) {
    line.line_flags |= kRecordedDenyPredictedAllow;
  }
  return line;
}

std::optional<std::string_view> FlowLabel(const Event& e, std::optional<Flow> lineage_flow) {
  switch (e.kind) {
    case Kind::kOauthAuthorize:
      return fb::EnumNameFlow(*e.flow);
    case Kind::kOauthToken:
      return fb::EnumNameGrant(*e.grant);
    case Kind::kSoapLogin:
      return "soap_login";
    case Kind::kApiCall: {
      Origin origin = e.origin.value_or(e.app ? Origin::oauth : Origin::soap_session);
      if (origin == Origin::oauth && lineage_flow) return fb::EnumNameFlow(*lineage_flow);
      return fb::EnumNameOrigin(origin);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace authtrail::replay
