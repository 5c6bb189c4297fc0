// authtrail verify-evidence: check an evidence bundle offline, with the
// bundle and a public key only (evidence_check.h).
#include <iostream>

#include "evidence/bundle.h"
#include "tools/command.h"
#include "tools/evidence_check.h"
#include "tools/exit_codes.h"
#include "tools/signing.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "verify-evidence", "authtrail verify-evidence BUNDLE --pubkey KEY.pub.pem",
    "Check an evidence bundle written by `authtrail evidence`, with no store: only\n"
    "the file and the public key of whoever signed it. Checks, stopping at the\n"
    "first failure:\n"
    "  1. the checkpoint's and the bundle's Ed25519 signatures under the key;\n"
    "  2. the RFC 6962 inclusion proof of every record against the checkpoint's\n"
    "     root: these are records 'seq' of the signed log, byte for byte;\n"
    "  3. every seq a fact cites has such a record; every record is an event of\n"
    "     the event's org; the event is an access event;\n"
    "  4. each rule set's definition hash equals this authtrail's;\n"
    "  5. the facts the event alone determines (kind, time, flow, grant, origin,\n"
    "     API family) equal the event record's;\n"
    "  6. re-running the rule engine on the bundle's facts and readings gives\n"
    "     exactly each recorded decision and the recorded as-of rule set.\n"
    "What it cannot check without the store: that no event left out of the\n"
    "bundle changes a fact (docs/evidence.md says what the signature vouches for).\n\n"
    "Prints on success:\n"
    "  OK event seq N (id ...): TS KIND org O user U app A\n"
    "  as-of RULESET: VERDICT REASON; 5 decisions re-evaluated from F facts\n"
    "  R records proven in checkpoint store_id=... tree_size=N root=HEX time=TS\n\n"
    "Example:\n"
    "  authtrail verify-evidence evidence-0Ya5g00001XyZab.json --pubkey acme-audit.pub.pem\n\n"
    "Exit codes: 0 it holds, 2 usage error (a file that cannot be read, a public\n"
    "key that is not an Ed25519 PEM), 4 the bundle does not verify (the message\n"
    "names what: signature, the record whose proof fails, a decision that does\n"
    "not follow from the facts, a truncated or malformed file, ...)."};

Result<EvidenceSummary> Check(const std::string& path, const std::string& pubkey) {
  Result<std::string> pem = ReadTextFile(pubkey);
  if (!pem.ok()) return Status::InvalidArgument("--pubkey: " + pem.status().message());
  Result<evidence::PublicKey> key = evidence::PublicKeyFromPem(*pem);
  if (!key.ok())
    return Status::InvalidArgument("--pubkey " + pubkey + ": " + key.status().message());
  Result<std::string> text = ReadTextFile(path);
  if (!text.ok()) return Status::InvalidArgument(text.status().message());
  Result<evidence::Bundle> b = evidence::ParseBundle(*text);
  if (!b.ok()) return b.status().WithContext(path);
  return CheckEvidence(*b, *key);
}

}  // namespace

int RunVerifyEvidence(int argc, char** argv) {
  std::string bundle, pubkey;
  po::options_description options("Options");
  options.add_options()("pubkey", po::value(&pubkey)->required()->value_name("KEY.pub.pem"),
                        "the public key the bundle must be signed with")(
      "bundle", po::value(&bundle)->required()->value_name("BUNDLE"), "the evidence bundle");
  po::positional_options_description pos;
  pos.add("bundle", 1);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, &pos, argc, argv, &vm)) return *code;
  Result<EvidenceSummary> s = Check(bundle, pubkey);
  if (!s.ok()) {
    if (s.status().code() != StatusCode::kCorruption)
      return ReportError("verify-evidence", s.status());
    std::cerr << "authtrail verify-evidence: FAILED: " << s.status().message() << "\n";
    return kExitIntegrity;
  }
  const evidence::Checkpoint& cp = s->checkpoint;
  std::cout << "OK event " << s->event_line << "\n"
            << "as-of " << s->as_of << ": " << s->as_of_decision
            << "; 5 decisions re-evaluated from " << s->facts << " facts\n"
            << s->records << " records proven in checkpoint store_id=" << cp.store_id
            << " tree_size=" << cp.tree_size << " root=" << Hex(cp.root)
            << " time=" << FormatCanonical(cp.time) << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
