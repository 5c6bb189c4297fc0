#include "replay/column.h"

#include <algorithm>

#include "replay/rules.h"

namespace authtrail::replay {
namespace {

// The instants an unknown cut-over may take under the A7 reading: one value,
// or {start, end} when it is left indeterminate.
struct Candidates {
  MicrosUtc early, late;
  bool Single() const { return early == late; }
};

Candidates CandidatesOf(const Cutover& c, T3Unknown mode) {
  if (c.known) return {c.at, c.at};
  switch (mode) {
    case T3Unknown::kAssumeStart:
      return {c.window_start, c.window_start};
    case T3Unknown::kAssumeEnd:
      return {c.window_end, c.window_end};
    case T3Unknown::kIndeterminate:
      break;
  }
  return {c.window_start, c.window_end};
}

Decision Indeterminate(Decision if_enforced, Decision if_not_enforced) {
  Decision d;
  d.verdict = Verdict::kIndeterminate;
  d.reason = Reason::kIndeterminateRolloutWindow;
  d.flags = if_enforced.flags & if_not_enforced.flags &
            (kFlagBoundaryDay | kFlagApprovalNotOnRecord | kFlagFlowUnknown);
  d.readings = if_enforced.readings | if_not_enforced.readings | Bit(ReadingId::kA7);
  d.if_enforced = std::make_shared<const Decision>(std::move(if_enforced));
  d.if_not_enforced = std::make_shared<const Decision>(std::move(if_not_enforced));
  return d;
}

// A column: the rule set in force at every instant, GF3/PRE4 tested against
// each possible cut-over instant.
Decision Column(RuleSet rs, const Facts& f, const Readings& r) {
  Candidates t3 = CandidatesOf(f.t3, r.t3_unknown), t4 = CandidatesOf(f.t4, r.t3_unknown);
  bool t3_matters = rs >= RuleSet::kSep2025 && !t3.Single() && f.t > t3.early;
  bool t4_matters = rs == RuleSet::kDec2025 && !t4.Single() && f.t > t4.early;
  if (!t3_matters && !t4_matters) return Evaluate(rs, f, r, {t3.late, t4.late});
  Decision early = Evaluate(rs, f, r, {t3.early, t4.early});
  Decision late = Evaluate(rs, f, r, {t3.late, t4.late});
  if (SameVerdicts(early, late)) {
    late.readings |= early.readings;
    return late;
  }
  return Indeterminate(std::move(early), std::move(late));
}

enum class Phase { kBefore, kInside, kAfter };

Phase PhaseOf(const Cutover& c, MicrosUtc t, T3Unknown mode) {
  if (c.known) return t >= c.at ? Phase::kAfter : Phase::kBefore;
  if (t < c.window_start) return Phase::kBefore;
  if (t >= c.window_end) return Phase::kAfter;
  if (mode == T3Unknown::kAssumeStart) return Phase::kAfter;
  if (mode == T3Unknown::kAssumeEnd) return Phase::kBefore;
  return Phase::kInside;
}

struct AsOf {
  std::optional<RuleSet> rule_set;
  Decision decision;
};

// Inside an unresolved window: the earlier rule set's object when the
// verdicts agree, else an indeterminate object with both branches.
AsOf InsideWindow(const Decision& earlier, const Decision& later) {
  if (SameVerdicts(earlier, later)) {
    Decision d = earlier;
    d.readings |= later.readings | Bit(ReadingId::kA7);
    return {std::nullopt, std::move(d)};
  }
  return {std::nullopt, Indeterminate(later, earlier)};
}

// Which rule set was in force (rules.md §3) and its object.
AsOf AsOfDecision(const Facts& f, const Readings& r, bool cli_device,
                  const std::array<Decision, kRuleSetCount>& cols) {
  auto col = [&](RuleSet rs) -> const Decision& { return cols[static_cast<size_t>(rs)]; };
  if (f.t < kT2) return {RuleSet::kPre2014, col(RuleSet::kPre2014)};
  Cutover t3 = f.t3;
  if (cli_device) t3 = {true, t3.known ? std::min(t3.at, kCliDeviceT3) : kCliDeviceT3, 0, 0};
  Phase p3 = PhaseOf(t3, f.t, r.t3_unknown), p4 = PhaseOf(f.t4, f.t, r.t3_unknown);
  if (p4 == Phase::kAfter) return {RuleSet::kDec2025, col(RuleSet::kDec2025)};
  if (p4 == Phase::kInside) return InsideWindow(col(RuleSet::kSep2025), col(RuleSet::kDec2025));
  if (p3 == Phase::kAfter) return {RuleSet::kSep2025, col(RuleSet::kSep2025)};
  if (p3 == Phase::kInside) return InsideWindow(col(RuleSet::kApi2014), col(RuleSet::kSep2025));
  return {RuleSet::kApi2014, col(RuleSet::kApi2014)};
}

std::array<Decision, kRuleSetCount> Columns(const Facts& f, const Readings& r) {
  std::array<Decision, kRuleSetCount> cols;
  for (int i = 0; i < kRuleSetCount; ++i) cols[i] = Column(static_cast<RuleSet>(i), f, r);
  return cols;
}

// ---- FLAG_AMBIGUITY ----

uint32_t ConsultedDeep(const Decision& d) {
  uint32_t bits = d.readings;
  if (d.if_enforced) bits |= ConsultedDeep(*d.if_enforced);
  if (d.if_not_enforced) bits |= ConsultedDeep(*d.if_not_enforced);
  return bits;
}

// Marks the fixed ambiguities (A7, A16) on d and its branches.
void MarkFixed(Decision* d, bool integration_user) {
  if (d->verdict == Verdict::kIndeterminate) {
    d->ambiguity |= Bit(ReadingId::kA7);
    for (auto* b : {&d->if_enforced, &d->if_not_enforced}) {
      auto copy = std::make_shared<Decision>(**b);
      MarkFixed(copy.get(), integration_user);
      *b = std::move(copy);
    }
  }
  // Only 9b′ (R4) gives this reason.
  if (integration_user && d->reason == Reason::kDenyUseAnySelfAuthRemoved) {
    d->ambiguity |= Bit(ReadingId::kA16);
  }
}

// Flips each consulted reading and compares verdicts. `eval` recomputes the
// object under other readings.
template <typename Eval>
uint32_t Sensitivity(const Decision& base, const Readings& r, const Eval& eval) {
  uint32_t consulted = ConsultedDeep(base), out = 0;
  if (consulted == 0) return 0;  // the common case: nothing to flip
  for (const ReadingFlip& flip : Flips(r)) {
    if (!(consulted & Bit(flip.id)) || (out & Bit(flip.id))) continue;
    if (!SameVerdicts(base, eval(flip.flipped))) out |= Bit(flip.id);
  }
  return out;
}

}  // namespace

EventDecisions DecideEvent(const Facts& f, const Readings& r, bool cli_device) {
  EventDecisions out;
  out.columns = Columns(f, r);
  AsOf as_of = AsOfDecision(f, r, cli_device, out.columns);
  out.as_of_rule_set = as_of.rule_set;
  out.as_of = std::move(as_of.decision);

  bool integration = f.user_type == UserType::integration_api_only;
  for (int i = 0; i < kRuleSetCount; ++i) {
    auto rs = static_cast<RuleSet>(i);
    Decision& d = out.columns[i];
    d.ambiguity |= Sensitivity(d, r, [&](const Readings& alt) { return Column(rs, f, alt); });
    MarkFixed(&d, integration);
  }
  out.as_of.ambiguity |= Sensitivity(out.as_of, r, [&](const Readings& alt) {
    return AsOfDecision(f, alt, cli_device, Columns(f, alt)).decision;
  });
  MarkFixed(&out.as_of, integration);
  return out;
}

}  // namespace authtrail::replay
