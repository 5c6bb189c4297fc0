#include "tools/impact_run.h"

#include <algorithm>
#include <map>

#include "common/sha256.h"
#include "ingest/jsonl.h"
#include "schemas/canonical.h"
#include "tools/replay_source.h"

namespace authtrail::tools {

bool FoldBefore(const Event& a, const Event& b) {
  if (a.ts != b.ts) return a.ts < b.ts;
  if (a.kind != b.kind) return KindFoldRank(a.kind) < KindFoldRank(b.kind);
  return Canonical(a) < Canonical(b);
}

Result<std::vector<Event>> LoadAssumed(const std::string& path) {
  auto opened = ingest::LineReader::Open(path);
  if (!opened.ok() && opened.status().code() == StatusCode::kNotFound) {
    return Status::InvalidArgument("--assume: " + opened.status().message());
  }
  AT_ASSIGN_OR_RETURN(auto reader, std::move(opened));
  ingest::JsonlParser parser;
  std::vector<Event> out;
  std::string_view line;
  uint64_t no = 0;
  while (reader->Next(&line, &no)) {
    if (ingest::IsBlank(line)) continue;
    Event e;
    ingest::LineError err;
    std::string where = "--assume " + path + ":" + std::to_string(no) + ": ";
    if (!parser.Parse(line, &e, &err)) {
      return Status::InvalidArgument(where + (err.field.empty() ? "" : err.field + ": ") +
                                     err.reason);
    }
    if (IsAccessKind(e.kind) && e.kind != Kind::kOauthRevoke) {
      return Status::InvalidArgument(where + "kind: " + std::string(KindName(e.kind)) +
                                     " is an access event; --assume takes state events "
                                     "(org.setting, app.install, permset.assign, ...) and "
                                     "oauth.revoke");
    }
    out.push_back(std::move(e));
  }
  AT_RETURN_IF_ERROR(reader->status());
  std::stable_sort(out.begin(), out.end(), FoldBefore);
  return out;
}

namespace {

// One replayer and, for the what-if lane, the assumed events it still has to fold.
struct Lane {
  explicit Lane(replay::Replayer r) : replayer(std::move(r)) {}

  replay::Replayer replayer;
  const std::vector<Event>* overlay = nullptr;
  size_t next = 0;
  std::optional<replay::ReplayLine> line;

  // Folds the assumed events that come before `e` (all of them when e is null).
  void Drain(const Event* e) {
    if (overlay == nullptr) return;
    while (next < overlay->size() && (e == nullptr || FoldBefore((*overlay)[next], *e))) {
      (void)replayer.Process(0, (*overlay)[next++]);  // state kinds: no line
    }
  }
};

using Constants = std::unordered_map<std::string, replay::OrgConstants>;

// The sensitivity lanes: every flipped toggle, then the other A7 values.
std::vector<std::pair<std::string, replay::Readings>> ReadingLanes(const replay::Readings& base) {
  std::vector<std::pair<std::string, replay::Readings>> out;
  std::vector<replay::ReadingFlip> flips = replay::Flips(base);
  for (size_t i = 0; i < flips.size(); ++i) {
    out.push_back({replay::DescribeReadings(flips[i].flipped)[i], flips[i].flipped});
  }
  for (auto mode : {replay::T3Unknown::kIndeterminate, replay::T3Unknown::kAssumeStart,
                    replay::T3Unknown::kAssumeEnd}) {
    if (mode == base.t3_unknown) continue;
    replay::Readings alt = base;
    alt.t3_unknown = mode;
    out.push_back({replay::DescribeReadings(alt).back(), alt});
  }
  return out;
}

std::pair<std::string, std::string> SplitLabel(const std::string& label) {
  size_t sp = label.find(' ');
  return {label.substr(0, sp), label.substr(sp + 1)};
}

// The what-if lane's constants: the store's plus those the assumed events set.
Constants WithAssumed(Constants c, const std::vector<Event>& assumed) {
  for (const Event& e : assumed) c[e.org].Observe(e, 0);
  return c;
}

// Lane 0 is the base, lanes 1..labels->size() the readings, then the what-if.
std::vector<Lane> MakeLanes(const ImpactOptions& options, const Constants& constants,
                            std::vector<std::pair<std::string, std::string>>* labels) {
  auto make = [](const replay::Readings& r, const Constants& c) {
    replay::ReplayOptions ro;
    ro.readings = r;
    return Lane(replay::Replayer(ro, c));
  };
  std::vector<Lane> lanes;
  lanes.push_back(make(options.readings, constants));
  for (const auto& [label, readings] : ReadingLanes(options.readings)) {
    labels->push_back(SplitLabel(label));
    lanes.push_back(make(readings, constants));
  }
  if (options.whatif) {
    lanes.push_back(make(options.readings, WithAssumed(constants, options.assumed)));
    lanes.back().overlay = &options.assumed;
  }
  return lanes;
}

}  // namespace

Status AnalyzeImpact(store::Store* st, const store::ScanFilter& filter,
                     const ImpactOptions& options, Progress* progress, ImpactReport* report) {
  // A read-only store is a fixed view: this head is what the scan covers.
  const store::Head head = st->head();
  AT_ASSIGN_OR_RETURN(Constants constants, LoadOrgConstants(st, filter.org));
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<Lane> lanes = MakeLanes(options, constants, &labels);
  ImpactCollector collector(options.from, options.to, labels, options.whatif);
  std::vector<const replay::ReplayLine*> flipped(labels.size());
  std::map<std::string, std::string> usernames;

  store::ScanFilter fold;
  fold.org = filter.org;  // state needs every event of the org
  fold.until = filter.until;
  fold.read_ahead = true;
  Status s = st->ScanEvents(fold, [&](uint64_t seq, const Event& e) -> Status {
    if (progress->Due()) {
      progress->Show("impact: seq " + std::to_string(seq) + " of " + std::to_string(head.seq) +
                     " (" + std::to_string(lanes.size()) + " replays)");
    }
    if (e.kind == Kind::kUserUpsert && e.username) usernames[*e.user] = *e.username;
    for (Lane& lane : lanes) {
      lane.Drain(&e);
      lane.line = lane.replayer.Process(seq, e);
    }
    if (!lanes[0].line || !MatchesFilter(filter, e)) return Status::Ok();
    for (size_t i = 0; i < flipped.size(); ++i) flipped[i] = &*lanes[i + 1].line;
    collector.Add(e, *lanes[0].line, flipped, options.whatif ? &*lanes.back().line : nullptr);
    return Status::Ok();
  });
  progress->Clear();
  AT_RETURN_IF_ERROR(s);
  *report = collector.Finish();
  report->usernames = std::move(usernames);
  report->store_id = st->store_id();
  report->head_seq = head.seq;
  report->head_hash = Hex(head.hash);
  return Status::Ok();
}

}  // namespace authtrail::tools
