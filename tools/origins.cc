#include "tools/origins.h"

#include <algorithm>
#include <tuple>

namespace authtrail::tools {
namespace {

bool IsSnapshot(std::string_view source) { return source.starts_with("snapshot:"); }

// A record of what the state was (not of a change): a snapshot, or a prior
// state reconstructed from the Setup Audit Trail. One that differs from the
// value on record before it shows a change missing in between.
bool IsBaseline(std::string_view source) {
  return IsSnapshot(source) || source.ends_with(":reconstructed");
}

// A first event that is a gap, and which one.
std::optional<FactGap::What> GapOfFirst(std::string_view source) {
  if (IsSnapshot(source)) return FactGap::What::kNoKnownOrigin;
  if (source == "SetupAuditTrail") return FactGap::What::kUnknownBefore;
  return std::nullopt;
}

FactGap GapAt(FactGap::What what, const Event& e, const Fact& fact, const std::string& source) {
  FactGap g;
  g.what = what, g.org = e.org, g.fact = fact, g.known_from = e.ts, g.source = source, g.id = e.id;
  return g;
}

}  // namespace

std::string_view GapName(FactGap::What what) {
  switch (what) {
    case FactGap::What::kNoKnownOrigin:
      return "no_known_origin";
    case FactGap::What::kUnknownBefore:
      return "unknown_before";
    default:
      return "unseen_change";
  }
}

void Origins::Add(const Event& e) {
  std::string source = e.source.value_or("");
  for (Fact& fact : FactsOf(e)) {
    auto [it, inserted] = facts_.try_emplace({e.org, fact.Key()});
    OnRecord& r = it->second;
    if (inserted) {
      std::optional<FactGap::What> gap = GapOfFirst(source);
      r.first_is_gap = gap.has_value();
      r.first = GapAt(gap.value_or(FactGap::What::kNoKnownOrigin), e, fact, source);
    } else if (IsBaseline(source) && fact.value != r.value) {
      FactGap g = GapAt(FactGap::What::kUnseenChange, e, fact, source);
      g.before_value = r.value, g.before_ts = r.ts, g.before_source = r.source;
      unseen_.push_back(std::move(g));
    }
    r.value = std::move(fact.value);
    r.source = source;
    r.ts = e.ts;
  }
}

std::vector<FactGap> Origins::Gaps() const {
  std::vector<FactGap> out;
  for (const auto& [key, r] : facts_) {
    if (r.first_is_gap) out.push_back(r.first);
  }
  out.insert(out.end(), unseen_.begin(), unseen_.end());
  // Fold order already orders unseen_ by time; sort all by org, fact, time.
  std::stable_sort(out.begin(), out.end(), [](const FactGap& a, const FactGap& b) {
    return std::forward_as_tuple(a.org, a.fact.Key(), a.known_from) <
           std::forward_as_tuple(b.org, b.fact.Key(), b.known_from);
  });
  return out;
}

}  // namespace authtrail::tools
