// authtrail snapshot: build the replay checkpoints that let `explain` and
// org-filtered replays start near their target (tools/checkpoints.h).
#include <iostream>

#include "store/store.h"
#include "tools/checkpoints.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/progress.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "snapshot", "authtrail snapshot [--db DIR] [--every N]",
    "Fold the whole store once and keep each org's replay state every N of its\n"
    "events (zstd-compressed FlatBuffers in the store). `explain` and replays\n"
    "filtered to one org with --from then fold from the nearest checkpoint\n"
    "instead of the org's first event; results are identical either way.\n"
    "Re-running replaces every checkpoint. An ingest of events older than a\n"
    "checkpoint (or of org.created / org.enforcement) deletes the checkpoints it\n"
    "makes stale; run snapshot again after large ingests. Checkpoints are not\n"
    "evidence: they are outside the integrity chain and are checked (zstd\n"
    "checksum, FlatBuffers verifier, fingerprint) before use.\n\n"
    "Prints: events=N checkpoints=N state_bytes=N\n\n"
    "Example:\n"
    "  authtrail snapshot --db ./authtrail.db --every 2000\n\n"
    "Exit codes: 0 done, 2 usage error, 5 store unavailable (locked by a writer,\n"
    "missing, newer format)."};

}  // namespace

int RunSnapshot(int argc, char** argv) {
  std::string db;
  uint64_t every = 2000;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  options.add_options()("every", po::value(&every)->default_value(2000)->value_name("N"),
                        "events of an org between two of its checkpoints (smaller: faster "
                        "explain, bigger store)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (every == 0) {
    std::cerr << "authtrail snapshot: --every must be at least 1\n";
    return kExitUsage;
  }
  store::StoreOptions so;
  so.writable = true;
  auto opened = store::Store::Open(db, so);
  if (!opened.ok()) return ReportError("snapshot", opened.status());
  Progress progress;
  CheckpointStats stats;
  Status s = BuildCheckpoints(
      opened->get(), every,
      [&](uint64_t events) {
        if (progress.Due()) progress.Show("snapshot: " + std::to_string(events) + " events");
      },
      &stats);
  progress.Clear();
  if (!s.ok()) return ReportError("snapshot", s);
  std::cout << "events=" << stats.events << " checkpoints=" << stats.checkpoints
            << " state_bytes=" << stats.bytes << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
