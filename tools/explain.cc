#include "tools/explain.h"

#include <charconv>
#include <iostream>

#include "tools/checkpoints.h"
#include "tools/replay_source.h"

namespace authtrail::tools {

// Finds the event by seq (a number that names a stored event) or source id.
Result<std::pair<uint64_t, Event>> FindEvent(store::Store* st, const std::string& key) {
  uint64_t seq = 0;
  auto [p, ec] = std::from_chars(key.data(), key.data() + key.size(), seq);
  if (ec == std::errc() && p == key.data() + key.size() && seq > 0 && seq <= st->head().seq) {
    AT_ASSIGN_OR_RETURN(StoredRecord r, st->Get(seq));
    if (auto* e = std::get_if<Event>(&r.body)) return std::make_pair(seq, *e);
  }
  AT_ASSIGN_OR_RETURN(std::vector<uint64_t> seqs, st->FindBySourceId(key));
  if (seqs.empty())
    return Status::InvalidArgument("--event: no stored event with seq or id '" + key + "'");
  if (seqs.size() > 1) {
    std::string list;
    for (uint64_t s : seqs) list += (list.empty() ? "" : ", ") + std::to_string(s);
    return Status::InvalidArgument("--event: source id '" + key + "' is used in " +
                                   std::to_string(seqs.size()) + " orgs (seqs " + list +
                                   "); give the seq instead");
  }
  AT_ASSIGN_OR_RETURN(StoredRecord r, st->Get(seqs[0]));
  return std::make_pair(seqs[0], std::get<Event>(r.body));
}

// Folds the org up to the target, from its nearest checkpoint when there is a
// usable one, and decides it.
Result<replay::ReplayLine> ExplainDecide(store::Store* st, const Event& target, uint64_t target_seq,
                                         const replay::Readings& readings) {
  replay::ReplayOptions ro;
  ro.readings = readings;  // sources: collected for the target only (below)
  AT_ASSIGN_OR_RETURN(FoldStart start, StartOrgFold(st, target.org, target.ts, ro));
  replay::Replayer& replayer = start.replayer;
  store::ScanFilter f;
  f.org = target.org;
  f.since = start.since;
  f.until = target.ts + 1;
  std::optional<replay::ReplayLine> line;
  AT_RETURN_IF_ERROR(st->ScanEvents(f, [&](uint64_t seq, const Event& e) {
    if (line) return Status::Ok();
    if (target_seq == 0 && e.ts == target.ts && IsAccessKind(e.kind)) return Status::Ok();
    if (seq == target_seq) replayer.set_collect_sources(true);
    auto l = replayer.Process(seq, e);
    if (seq == target_seq) line = std::move(l);
    return Status::Ok();
  }));
  if (target_seq == 0) {
    replayer.set_collect_sources(true);
    return replayer.Hypothetical(target);
  }
  if (!line)
    return Status::Corruption("event seq " + std::to_string(target_seq) + " was not replayed");
  return *line;
}

}  // namespace authtrail::tools
