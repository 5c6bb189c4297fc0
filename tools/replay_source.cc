#include "tools/replay_source.h"

#include "tools/checkpoints.h"

namespace po = boost::program_options;

namespace authtrail::tools {

Result<std::unordered_map<std::string, replay::OrgConstants>> LoadOrgConstants(
    store::Store* st, const std::optional<std::string>& org) {
  std::unordered_map<std::string, replay::OrgConstants> out;
  // One pass over the index for both kinds: it reads every key of the org
  // (or store) but decodes only these rare events.
  store::ScanFilter f;
  f.org = org;
  f.kinds = {Kind::kOrgCreated, Kind::kOrgEnforcement};
  AT_RETURN_IF_ERROR(st->ScanEvents(f, [&](uint64_t seq, const Event& e) {
    out[e.org].Observe(e, seq);
    return Status::Ok();
  }));
  return out;
}

bool MatchesFilter(const store::ScanFilter& f, const Event& e) {
  if (f.user && e.user != f.user) return false;
  if (f.app && e.app != f.app) return false;
  if (f.since && e.ts < *f.since) return false;
  if (f.until && e.ts >= *f.until) return false;
  if (f.kind && e.kind != *f.kind) return false;
  return true;
}

namespace {
// Folds `fold`'s events; emits the lines of those matching `filter`.
Status FoldAndEmit(store::Store* st, const store::ScanFilter& fold, const store::ScanFilter& filter,
                   replay::Replayer* replayer, const LineFn& fn) {
  return st->ScanEvents(fold, [&](uint64_t seq, const Event& e) -> Status {
    std::optional<replay::ReplayLine> line = replayer->Process(seq, e);
    if (!line || !MatchesFilter(filter, e)) return Status::Ok();
    return fn(e, *line);
  });
}
}  // namespace

Status ReplayStore(store::Store* st, const store::ScanFilter& filter,
                   const replay::ReplayOptions& options, const LineFn& fn) {
  store::ScanFilter fold;
  fold.org = filter.org;  // state needs every event of the org (or a checkpoint)
  fold.until = filter.until;
  fold.read_ahead = true;
  if (filter.org && filter.since) {
    AT_ASSIGN_OR_RETURN(FoldStart start, StartOrgFold(st, *filter.org, *filter.since, options));
    fold.since = start.since;
    return FoldAndEmit(st, fold, filter, &start.replayer, fn);
  }
  AT_ASSIGN_OR_RETURN(auto constants, LoadOrgConstants(st, filter.org));
  replay::Replayer replayer(options, std::move(constants));
  return FoldAndEmit(st, fold, filter, &replayer, fn);
}

void AddReadingOption(po::options_description* options, std::vector<std::string>* readings) {
  options->add_options()("reading", po::value(readings)->composing()->value_name("NAME=VALUE"),
                         "use another reading of a rules.md §10 ambiguity, e.g. A3=alt or "
                         "use_any_bypasses_block=true (repeatable; docs/rules.md lists them)");
}

Result<replay::Readings> ParseReadings(const std::vector<std::string>& args) {
  replay::Readings r;
  for (const auto& a : args) AT_RETURN_IF_ERROR(replay::ApplyReading(a, &r));
  return r;
}

}  // namespace authtrail::tools
