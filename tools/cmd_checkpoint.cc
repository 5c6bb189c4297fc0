// authtrail checkpoint: sign the store's current Merkle tree head.
#include <iostream>

#include "evidence/checkpoint.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/signing.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "checkpoint", "authtrail checkpoint --db DIR --key PREFIX.key [--out FILE]",
    "Sign a checkpoint: \"store S held N records whose Merkle root is R, at time T\",\n"
    "with the Ed25519 key made by `authtrail keygen`. The tree is RFC 6962 over every\n"
    "record (leaf seq-1 = the record's canonical bytes; docs/evidence.md), kept by\n"
    "the store at each append, so this reads O(log N) nodes, not the log.\n\n"
    "Keep the checkpoint somewhere the store's operators cannot rewrite (send it to\n"
    "the auditor, commit it elsewhere). Later,\n"
    "  authtrail verify --since CHECKPOINT --pubkey PREFIX.pub.pem\n"
    "proves that the records the checkpoint covers are still exactly those, and\n"
    "an auditor can check its signature with openssl alone (docs/evidence.md).\n"
    "Works while another process ingests (signs the head it sees at open).\n\n"
    "Writes the checkpoint file (one JSON line) to FILE, or to standard output.\n\n"
    "Example:\n"
    "  authtrail checkpoint --db ./authtrail.db --key /secure/acme-audit.key \\\n"
    "      --out cp-2025-06-01.json\n\n"
    "Exit codes: 0 written, 2 usage error or bad key file, 4 the store's tree is\n"
    "damaged, 5 store or key unavailable (missing, private key readable by others,\n"
    "store without a Merkle tree yet: open it for writing once, e.g. with ingest)."};

Result<evidence::SignedCheckpoint> SignHead(const std::string& db, const std::string& key_path) {
  AT_ASSIGN_OR_RETURN(const evidence::SigningKey key, evidence::ReadSigningKey(key_path));
  AT_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s,
                      store::Store::Open(db, store::StoreOptions{}));
  return SignTreeHead(s.get(), key);
}

}  // namespace

int RunCheckpoint(int argc, char** argv) {
  std::string db, key, out;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  options.add_options()("key", po::value(&key)->required()->value_name("PREFIX.key"),
                        "the private key (authtrail keygen; mode 0600)")(
      "out", po::value(&out)->value_name("FILE"),
      "write the checkpoint here (replaced if it exists); default standard output");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;

  Result<evidence::SignedCheckpoint> signed_cp = SignHead(db, key);
  if (!signed_cp.ok()) return ReportError("checkpoint", signed_cp.status());
  const std::string text = evidence::FormatCheckpointFile(*signed_cp);
  if (out.empty()) {
    std::cout << text;
    return kExitOk;
  }
  if (Status s = WriteTextFile(out, text); !s.ok()) return ReportError("checkpoint", s);
  const evidence::Checkpoint& cp = signed_cp->checkpoint;
  std::cerr << "checkpoint: tree_size=" << cp.tree_size << " root=" << Hex(cp.root)
            << " written to " << out << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
