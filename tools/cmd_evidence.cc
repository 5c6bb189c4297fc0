// authtrail evidence: one access event as a self-contained, signed bundle
// that a third party checks without the store (evidence_build.h).
#include <iostream>

#include "evidence/checkpoint.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/evidence_build.h"
#include "tools/exit_codes.h"
#include "tools/replay_source.h"
#include "tools/signing.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "evidence",
    "authtrail evidence --db DIR --event ID_OR_SEQ --key PREFIX.key [--checkpoint FILE]\n"
    "       [--reading NAME=VALUE]... [--out FILE]",
    "Write an evidence bundle for one stored access event: everything an auditor\n"
    "needs to check its decisions with your public key alone, without the store.\n"
    "One JSON file (docs/evidence.md §3) holding:\n"
    "  - the decision under the rule set in force (as-of) and under each of the\n"
    "    four rule sets, as `replay` prints them (clause, reason, readings, flags);\n"
    "  - every fact the rules read (the whole input of the rule engine, with the\n"
    "    readings and the T3/T4 cut-overs), each with the seqs of the stored\n"
    "    events that established it;\n"
    "  - the event and each of those events, with an RFC 6962 inclusion proof\n"
    "    against one signed checkpoint of the store's Merkle tree;\n"
    "  - the SHA-256 of each rule set's definition and this authtrail's version;\n"
    "  - an Ed25519 signature over all of it (the same key as the checkpoint).\n\n"
    "By default the checkpoint is of the store's current tree, signed now with\n"
    "--key. With --checkpoint FILE the proofs are against that checkpoint instead\n"
    "(e.g. one sent to the auditor earlier, or DIR/checkpoints/N.json written by\n"
    "`ingest --sign-key`); it must be signed with --key and cover every record\n"
    "the bundle cites. The output is then byte-for-byte reproducible.\n\n"
    "The auditor runs:\n"
    "  authtrail verify-evidence BUNDLE --pubkey PREFIX.pub.pem\n"
    "(or checks signatures and proofs with openssl and Python: docs/evidence.md).\n\n"
    "Speed: the org is folded from its nearest replay snapshot (`authtrail\n"
    "snapshot`, kept up to date by re-running it after ingests); without one, from\n"
    "the org's first event, which takes seconds for an org of millions of events.\n\n"
    "Examples:\n"
    "  authtrail evidence --db ./authtrail.db --event 0Ya5g00001XyZab \\\n"
    "      --key /secure/acme-audit.key --out evidence-0Ya5g00001XyZab.json\n"
    "  authtrail evidence --event 42 --key acme-audit.key \\\n"
    "      --checkpoint ./authtrail.db/checkpoints/1000.json --out ev42.json\n\n"
    "Exit codes: 0 written, 2 usage error, no such event, a state event, or a\n"
    "--checkpoint of another store or key or too small a tree, 4 the store or the\n"
    "checkpoint does not match the store's tree, 5 store or key unavailable."};

struct Args {
  std::string db, event, key, checkpoint, out;
  std::vector<std::string> readings;
};

Result<evidence::Bundle> Build(const Args& a) {
  EvidenceRequest request;
  request.event = a.event;
  AT_ASSIGN_OR_RETURN(request.readings, ParseReadings(a.readings));
  AT_ASSIGN_OR_RETURN(const evidence::SigningKey key, evidence::ReadSigningKey(a.key));
  if (!a.checkpoint.empty()) {
    Result<std::string> text = ReadTextFile(a.checkpoint);
    if (!text.ok()) return Status::InvalidArgument("--checkpoint: " + text.status().message());
    Result<evidence::SignedCheckpoint> cp = evidence::ParseCheckpointFile(*text);
    if (!cp.ok()) return cp.status().WithContext("--checkpoint " + a.checkpoint);
    // One key signs the checkpoint and the bundle: a verifier checks both with one public key.
    if (Status s = evidence::VerifyCheckpoint(*cp, key.public_key()); !s.ok()) {
      return Status::InvalidArgument("--checkpoint " + a.checkpoint + ": " + s.message());
    }
    request.checkpoint = *cp;
  }
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(a.db, store::StoreOptions{}));
  return BuildEvidence(st.get(), request, key);
}

}  // namespace

int RunEvidence(int argc, char** argv) {
  Args a;
  po::options_description options("Options");
  AddDbOption(&options, &a.db);
  options.add_options()("event", po::value(&a.event)->required()->value_name("ID_OR_SEQ"),
                        "the stored access event: seq or source id")(
      "key", po::value(&a.key)->required()->value_name("PREFIX.key"),
      "private key (authtrail keygen; mode 0600): signs the bundle and, without\n"
      "--checkpoint, a checkpoint of the current tree")(
      "checkpoint", po::value(&a.checkpoint)->value_name("FILE"),
      "prove against this signed checkpoint instead of signing one now")(
      "out", po::value(&a.out)->value_name("FILE"),
      "write the bundle here (replaced if it exists); default standard output");
  AddReadingOption(&options, &a.readings);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  Result<evidence::Bundle> b = Build(a);
  if (!b.ok()) return ReportError("evidence", b.status());
  const std::string text = evidence::FormatBundle(*b);
  if (a.out.empty()) {
    std::cout << text;
    return kExitOk;
  }
  if (Status s = WriteTextFile(a.out, text); !s.ok()) return ReportError("evidence", s);
  const evidence::Checkpoint& cp = b->checkpoint.checkpoint;
  std::cerr << "evidence: event seq " << b->event_seq << ", " << b->records.size()
            << " record(s) proven against checkpoint tree_size=" << cp.tree_size
            << " root=" << Hex(cp.root) << "; written to " << a.out << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
