#include "tools/impact.h"

#include <algorithm>
#include <cstdio>

namespace authtrail::tools {

using replay::Decision;
using replay::ReplayLine;
using replay::Verdict;

namespace {

std::string Transition(const Decision& a, const Decision& b) {
  return std::string(replay::VerdictName(a.verdict)) + "\u2192" +
         std::string(replay::VerdictName(b.verdict));
}

// The side that denies explains a flip: allow→deny is the new rule's clause,
// deny→allow the old one's (the clause that no longer fires).
const Decision& Responsible(const Decision& a, const Decision& b) {
  return b.verdict == Verdict::kDeny || a.verdict != Verdict::kDeny ? b : a;
}

void Keep(std::vector<ImpactExample>* v, const ImpactExample& ex, size_t cap) {
  if (v->size() < cap) v->push_back(ex);
}

std::vector<FlipGroup> Ranked(std::map<std::string, FlipGroup> groups) {
  std::vector<FlipGroup> out;
  for (auto& [k, g] : groups) {
    g.key = k;
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const FlipGroup& a, const FlipGroup& b) { return a.total() > b.total(); });
  return out;
}

// Every month from the first access to the last (empty ones included, so the
// x axis is time) while they fit a readable chart (three years), else years.
std::vector<TimelineBucket> Buckets(const std::map<int, TimelineBucket>& months) {
  std::vector<TimelineBucket> out;
  if (months.empty()) return out;
  int first = months.begin()->first, last = months.rbegin()->first;
  bool by_year = last - first >= 36;
  auto label = [&](int m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, by_year ? "%04d" : "%04d-%02d", m / 12, m % 12 + 1);
    return std::string(buf);
  };
  int step = by_year ? 12 : 1;
  for (int m = by_year ? first - first % 12 : first; m <= last; m += step) {
    TimelineBucket b;
    b.label = label(m);
    for (auto it = months.lower_bound(m); it != months.end() && it->first < m + step; ++it) {
      for (size_t i = 0; i < b.allow.size(); ++i) {
        b.allow[i] += it->second.allow[i];
        b.deny[i] += it->second.deny[i];
      }
    }
    out.push_back(std::move(b));
  }
  return out;
}

void CountVerdict(const Decision& d, uint64_t* allow, uint64_t* deny) {
  if (d.verdict == Verdict::kAllow) ++*allow;
  if (d.verdict == Verdict::kDeny) ++*deny;
}

void CountFlip(const Decision& a, const Decision& b, const ImpactExample& ex, FlipGroup* g) {
  if (a.verdict == Verdict::kAllow && b.verdict == Verdict::kDeny) {
    ++g->allow_to_deny;
  } else if (a.verdict == Verdict::kDeny && b.verdict == Verdict::kAllow) {
    ++g->deny_to_allow;
  } else {
    ++g->other;
  }
  Keep(&g->examples, ex, kExamplesPerGroup);
}

}  // namespace

std::string UserLabel(const ImpactReport& r, const std::string& user) {
  auto it = r.usernames.find(user);
  if (it == r.usernames.end() || it->second == user) return user;
  return it->second + " (" + user + ")";
}

ImpactExample MakeExample(const Event& e, const ReplayLine& line, const Decision& a,
                          const Decision& b) {
  ImpactExample ex;
  ex.seq = line.seq;
  ex.ts = e.ts;
  ex.id = e.id.value_or("");
  ex.kind = std::string(KindName(e.kind));
  ex.user = e.user.value_or("");
  ex.app = e.app.value_or("");
  ex.flow = line.flow.value_or("");
  ex.before = ShortDecision(a);
  ex.after = ShortDecision(b);
  const Decision& r = Responsible(a, b);
  ex.clause = std::string(replay::ClauseName(r.clause));
  ex.reason = std::string(replay::ReasonName(r.reason));
  return ex;
}

ImpactCollector::ImpactCollector(ColumnSpec from, ColumnSpec to,
                                 std::vector<std::pair<std::string, std::string>> reading_lanes,
                                 bool has_whatif)
    : from_(std::move(from)), to_(std::move(to)) {
  r_.has_whatif = has_whatif;
  for (auto& [id, toggle] : reading_lanes) {
    ReadingImpact ri;
    ri.id = std::move(id);
    ri.toggle = std::move(toggle);
    r_.reading_impacts.push_back(std::move(ri));
  }
}

void ImpactCollector::Add(const Event& e, const ReplayLine& base,
                          const std::vector<const ReplayLine*>& flipped, const ReplayLine* whatif) {
  ++r_.accesses;
  const Decision& a = DecisionOf(base, from_);
  const Decision& b = DecisionOf(base, to_);
  CountVerdict(a, &r_.from_allow, &r_.from_deny);
  CountVerdict(b, &r_.to_allow, &r_.to_deny);
  bool flip = !replay::SameVerdicts(a, b);
  if (flip) AddFlip(e, base, MakeExample(e, base, a, b));
  bool suspect = (base.line_flags & replay::kRecordedAllowPredictedDeny) != 0;
  if (suspect) {
    ++r_.suspect_count;
    const Decision& as_of = base.decisions.as_of;
    ImpactExample ex = MakeExample(e, base, as_of, as_of);
    ex.before = "recorded success";
    Keep(&r_.suspects, ex, kMaxListed);
  }
  if (whatif != nullptr) AddWhatIf(e, base, *whatif);
  AddReadings(e, base, flipped, flip, suspect);
  AddTimeline(e, base);
}

void ImpactCollector::AddFlip(const Event& e, const ReplayLine& base, const ImpactExample& ex) {
  const Decision& a = DecisionOf(base, from_);
  const Decision& b = DecisionOf(base, to_);
  ++r_.transitions[Transition(a, b)];
  CountFlip(a, b, ex, &apps_[e.app.value_or("(no app: SOAP/session)")]);
  CountFlip(a, b, ex, &users_[e.user.value_or("?")]);
}

void ImpactCollector::AddWhatIf(const Event& e, const ReplayLine& base, const ReplayLine& w) {
  const Decision& a = DecisionOf(base, to_);
  const Decision& b = DecisionOf(w, to_);
  if (replay::SameVerdicts(a, b)) return;
  ++r_.whatif_changed;
  bool loses = b.verdict != Verdict::kAllow && a.verdict == Verdict::kAllow;
  bool gains = b.verdict == Verdict::kAllow && a.verdict != Verdict::kAllow;
  if (!loses && !gains) loses = b.verdict == Verdict::kDeny;  // e.g. indeterminate→deny
  ImpactExample ex = MakeExample(e, w, a, b);
  std::string user = e.user.value_or("?"), app = e.app.value_or("(no app: SOAP/session)");
  std::pair<const char*, std::string> keys[] = {
      {"user", user}, {"app", app}, {"integration", user + " via " + app}};
  for (const auto& [principal, key] : keys) {
    WhatIfChange& c = whatif_[{std::string(loses ? "0" : "1") + principal, key}];
    if (c.events == 0) {
      c.principal = principal;
      c.key = key;
      c.loses = loses;
      c.first = ex;
    }
    ++c.events;
    Keep(&c.examples, ex, kExamplesPerGroup);
  }
}

void ImpactCollector::AddReadings(const Event& e, const ReplayLine& base,
                                  const std::vector<const ReplayLine*>& flipped, bool flip,
                                  bool suspect) {
  for (size_t i = 0; i < flipped.size(); ++i) {
    const ReplayLine& alt = *flipped[i];
    bool from_changed = !replay::SameVerdicts(DecisionOf(base, from_), DecisionOf(alt, from_));
    bool to_changed = !replay::SameVerdicts(DecisionOf(base, to_), DecisionOf(alt, to_));
    if (!from_changed && !to_changed) continue;
    ReadingImpact& ri = r_.reading_impacts[i];
    ++ri.changed;
    ri.flips_touched += flip;
    ri.suspects_touched += suspect;
    const ColumnSpec& col = to_changed ? to_ : from_;
    Keep(&ri.events, MakeExample(e, alt, DecisionOf(base, col), DecisionOf(alt, col)), kMaxListed);
    sensitive_.insert(base.seq);
  }
}

void ImpactCollector::AddTimeline(const Event& e, const ReplayLine& base) {
  std::string ym = FormatOutput(e.ts);  // "YYYY-MM-..."
  TimelineBucket& b = buckets_[std::stoi(ym.substr(0, 4)) * 12 + std::stoi(ym.substr(5, 2)) - 1];
  auto count = [&](size_t i, const Decision& d) {
    if (d.verdict == Verdict::kAllow) ++b.allow[i];
    if (d.verdict == Verdict::kDeny) ++b.deny[i];
  };
  count(0, base.decisions.as_of);
  for (size_t i = 0; i < replay::kRuleSetCount; ++i) count(i + 1, base.decisions.columns[i]);
}

ImpactReport ImpactCollector::Finish() {
  ImpactReport r = std::move(r_);
  r.apps = Ranked(std::move(apps_));
  r.users = Ranked(std::move(users_));
  for (auto& [k, c] : whatif_) r.whatif.push_back(std::move(c));
  // Losses first; integrations (what breaks), then users, then apps; earliest first.
  auto rank = [](const WhatIfChange& c) {
    return c.principal == "integration" ? 0 : c.principal == "user" ? 1 : 2;
  };
  std::stable_sort(r.whatif.begin(), r.whatif.end(),
                   [&](const WhatIfChange& a, const WhatIfChange& b) {
                     if (a.loses != b.loses) return a.loses;
                     if (rank(a) != rank(b)) return rank(a) < rank(b);
                     return a.first.seq < b.first.seq;
                   });
  r.robust = r.accesses - sensitive_.size();
  r.timeline = Buckets(buckets_);
  return r;
}

}  // namespace authtrail::tools
