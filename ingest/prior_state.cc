#include "ingest/prior_state.h"

#include <algorithm>

#include "ingest/adapter_internal.h"

namespace authtrail::ingest {

void PriorStates::SawRow(MicrosUtc ts) {
  if (!first_row_ || ts < *first_row_) first_row_ = ts;
}

void PriorStates::Unreadable(const std::string& family, MicrosUtc ts) {
  SawRow(ts);
  unreadable_.emplace(family, ts);
}

void PriorStates::Changed(Change change, MicrosUtc ts, std::string_view row_id,
                          const SourceRecord& row) {
  SawRow(ts);
  auto [it, inserted] = oldest_.try_emplace(change.fact);
  Oldest& o = it->second;
  if (!inserted && ts > o.ts) return;
  if (!inserted && ts == o.ts) {  // same instant: which came first is unknown
    o.tied = true;
    return;
  }
  o = Oldest{ts,
             std::move(change.family),
             std::move(change.prior),
             std::string(row_id),
             row.pos,
             row.raw,
             false};
}

std::optional<MicrosUtc> PriorStates::BarrierBefore(const std::string& family, MicrosUtc ts,
                                                    bool* at_ts) const {
  std::optional<MicrosUtc> latest;
  *at_ts = false;
  auto [begin, end] = unreadable_.equal_range(family);
  for (auto it = begin; it != end; ++it) {
    if (it->second == ts) *at_ts = true;
    if (it->second < ts && (!latest || it->second > *latest)) latest = it->second;
  }
  return latest;
}

std::vector<DerivedEvent> PriorStates::Finish() {
  std::vector<DerivedEvent> out;
  for (const auto& [fact, o] : oldest_) {
    if (!o.prior || o.tied) continue;
    bool barrier_at_row = false;
    std::optional<MicrosUtc> barrier = BarrierBefore(o.family, o.ts, &barrier_at_row);
    if (barrier_at_row) continue;
    // Just before the coverage starts, so that it folds before the oldest
    // row even when that row changes this very fact; or from the unreadable
    // row on, which may have set the value this row started from.
    MicrosUtc at = barrier ? *barrier : *first_row_ - 1;
    std::string ts = FormatCanonical(at);
    adapter_internal::EventJson e(o.prior->kind, ts, org_);
    e.Str("id", o.row_id + ":before:" + ts).Str("source", "SetupAuditTrail:reconstructed");
    e.Fields(o.prior->fields);
    out.push_back({std::move(e).Done(), o.pos, o.raw});
  }
  first_row_.reset();
  oldest_.clear();
  unreadable_.clear();
  return out;
}

}  // namespace authtrail::ingest
