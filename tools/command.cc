#include "tools/command.h"

#include <iostream>

#include "tools/exit_codes.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr Command kCommands[] = {
    {"demo", "generate a sample history, replay it, print the impact of each rule change", RunDemo},
    {"ingest", "append events from files (or - for standard input) to the store", RunIngest},
    {"verify",
     "recompute the integrity chain, check every index and the Merkle tree (--since: "
     "a signed checkpoint)",
     RunVerify},
    {"log", "list stored events as JSONL in fold order (or --batches: the ingest batches)", RunLog},
    {"replay", "decide every access event under the as-of rule set and the four rule sets",
     RunReplay},
    {"diff", "list the access events whose decision differs between two rule sets", RunDiff},
    {"explain", "one event (or a hypothetical request): every rule set's decision and why",
     RunExplain},
    {"sources", "per org and source: what the imported history covers, and what it cannot show",
     RunSources},
    {"gen", "write a realistic generated org history as JSONL", RunGen},
    {"snapshot", "keep replay state snapshots in the store so explain starts near its event",
     RunSnapshot},
    {"keygen", "create the Ed25519 key pair that signs checkpoints (PEM, private file 0600)",
     RunKeygen},
    {"impact", "what a rule change, a what-if setting or another reading would change; HTML report",
     RunImpact},
    {"checkpoint", "sign the store's Merkle tree head (size, root, time) with the keygen key",
     RunCheckpoint},
    {"evidence",
     "one access event as a signed bundle (decisions, facts, proofs) checkable without the store",
     RunEvidence},
    {"verify-evidence",
     "check an evidence bundle offline: signatures, proofs, and re-evaluate its decisions",
     RunVerifyEvidence},
};

void PrintHelp(const HelpText& help, const po::options_description& options) {
  std::cout << "Usage: " << help.usage << "\n\n" << help.about << "\n\n" << options << "\n";
}

}  // namespace

std::span<const Command> Commands() { return kCommands; }

void AddDbOption(po::options_description* options, std::string* db) {
  options->add_options()("db", po::value(db)->default_value("./authtrail.db")->value_name("DIR"),
                         "the store directory");
}

std::optional<int> ParseCommandLine(const HelpText& help, const po::options_description& options,
                                    const po::positional_options_description* positional, int argc,
                                    char** argv, po::variables_map* vm) {
  po::options_description all = options;
  all.add_options()("help,h", "show this help and exit");
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(all);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), *vm);
    if (vm->count("help")) {
      PrintHelp(help, all);
      return kExitOk;
    }
    po::notify(*vm);
  } catch (const po::error& e) {
    std::cerr << "authtrail " << help.name << ": " << e.what() << "\n"
              << "Usage: " << help.usage << "\n"
              << "Run 'authtrail " << help.name << " --help' for the options.\n";
    return kExitUsage;
  }
  return std::nullopt;
}

}  // namespace authtrail::tools
