// authtrail verify: recompute the integrity chain and check every index and
// the Merkle tree; with --since, also that the log extends a signed checkpoint.
#include <iostream>

#include "evidence/checkpoint.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/progress.h"
#include "tools/signing.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "verify", "authtrail verify [--db DIR] [--since CHECKPOINT --pubkey KEY.pub.pem]",
    "Recompute the store's SHA-256 integrity chain over every record (events and\n"
    "ingest batch records), check that sequence numbers are contiguous up to the\n"
    "recorded head, that every index entry matches its record, and that the stored\n"
    "Merkle tree is the one of the log (the first bad leaf or node is named).\n"
    "Catches records changed, deleted, inserted or reordered, also by tools writing\n"
    "to RocksDB directly. Works while another process is ingesting (it checks up to\n"
    "the head it sees at open).\n\n"
    "The chain alone cannot catch someone who rewrites the log AND recomputes the\n"
    "chain. A checkpoint signed earlier (authtrail checkpoint) can: with\n"
    "  --since CHECKPOINT --pubkey KEY.pub.pem\n"
    "verify also checks the checkpoint's signature with the public key, that it\n"
    "names this store, and an RFC 6962 consistency proof from the checkpoint's\n"
    "tree to the current one: records 1..tree_size are byte for byte those the\n"
    "checkpoint signed, and everything since was appended after them.\n\n"
    "Prints: OK records=N events=N batches=N head_seq=N head_hash=HEX tree_root=HEX\n"
    "(tree_root=none for a store opened read-only before its tree was built), and\n"
    "with --since a second line: OK consistent with checkpoint tree_size=N root=HEX\n\n"
    "Example:\n"
    "  authtrail verify --db ./authtrail.db --since cp-2025-06-01.json \\\n"
    "      --pubkey acme-audit.pub.pem\n\n"
    "Exit codes: 0 verified, 2 usage error or bad public key file, 4 integrity\n"
    "failure (the first bad seq is named; with --since also: bad signature, another\n"
    "store's checkpoint, a log shorter than the checkpoint or not its extension),\n"
    "5 store or file unavailable (missing, unreadable, newer format)."};

Result<evidence::Checkpoint> ReadCheckpoint(const std::string& path, const std::string& pubkey) {
  AT_ASSIGN_OR_RETURN(const std::string text, ReadTextFile(path));
  AT_ASSIGN_OR_RETURN(const std::string pem, ReadTextFile(pubkey));
  Result<evidence::Checkpoint> cp = evidence::VerifyCheckpointFile(text, pem);
  if (!cp.ok()) return cp.status().WithContext("checkpoint " + path);
  return cp;
}

// The store's tree must extend the checkpoint's (RFC 6962 consistency).
Status CheckExtends(store::Store& s, const evidence::Checkpoint& cp) {
  if (cp.store_id != s.store_id()) {
    return Status::Corruption("the checkpoint is for store " + cp.store_id + ", not this store (" +
                              s.store_id() + ")");
  }
  AT_ASSIGN_OR_RETURN(const store::TreeHead now, s.TreeHeadAt());
  if (cp.tree_size > now.size) {
    return Status::Corruption("the checkpoint covers " + std::to_string(cp.tree_size) +
                              " records but the store holds " + std::to_string(now.size) +
                              " (records were removed)");
  }
  AT_ASSIGN_OR_RETURN(const std::vector<Digest> proof, s.ConsistencyProof(cp.tree_size, now.size));
  if (!evidence::VerifyConsistency(cp.tree_size, now.size, cp.root, now.root, proof)) {
    return Status::Corruption("records 1.." + std::to_string(cp.tree_size) +
                              " are not those the checkpoint signed (its root " + Hex(cp.root) +
                              " is not a prefix of the current tree, size " +
                              std::to_string(now.size) + " root " + Hex(now.root) + ")");
  }
  return Status::Ok();
}

Result<store::VerifyReport> VerifyStore(store::Store& s) {
  Progress progress;
  auto report = s.Verify([&](uint64_t done, uint64_t total) {
    if (progress.Due()) {
      progress.Show("verify: " + std::to_string(done) + " / " + std::to_string(total) + " records");
    }
  });
  progress.Clear();
  return report;
}

int Failed(const Status& s) {
  std::cerr << "authtrail verify: FAILED: " << s.message() << "\n";
  return ExitCodeFor(s);
}

}  // namespace

int RunVerify(int argc, char** argv) {
  std::string db, since, pubkey;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  options.add_options()("since", po::value(&since)->value_name("CHECKPOINT"),
                        "also check that the log extends this signed checkpoint")(
      "pubkey", po::value(&pubkey)->value_name("KEY.pub.pem"),
      "the public key the checkpoint must be signed with (required with --since)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (since.empty() != pubkey.empty()) {
    return ReportError("verify", Status::InvalidArgument("--since and --pubkey go together"));
  }

  std::optional<evidence::Checkpoint> cp;
  if (!since.empty()) {
    Result<evidence::Checkpoint> read = ReadCheckpoint(since, pubkey);
    if (!read.ok()) return Failed(read.status());
    cp = *read;
  }
  auto opened = store::Store::Open(db, store::StoreOptions{});
  if (!opened.ok()) return ReportError("verify", opened.status());
  auto report = VerifyStore(**opened);
  if (!report.ok()) return Failed(report.status());
  std::cout << "OK records=" << report->records << " events=" << report->events
            << " batches=" << report->batches << " head_seq=" << report->head.seq
            << " head_hash=" << Hex(report->head.hash)
            << " tree_root=" << (report->tree_root ? Hex(*report->tree_root) : "none") << "\n";
  if (!cp) return kExitOk;
  if (Status s = CheckExtends(**opened, *cp); !s.ok()) return Failed(s);
  std::cout << "OK consistent with checkpoint tree_size=" << cp->tree_size
            << " root=" << Hex(cp->root) << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
