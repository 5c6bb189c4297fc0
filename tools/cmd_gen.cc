// authtrail gen: write a realistic generated org history as JSONL.
#include <fstream>
#include <iostream>

#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/generator.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "gen", "authtrail gen [--orgs N] [--users N] [--events N] [--seed S] [--out FILE]",
    "Write a realistic, generated Salesforce org history (2013-2026) as native JSONL:\n"
    "editions from Contact Manager to Unlimited, users of every user type, allowlisted\n"
    "mobile and Outlook apps, an admin-approved app with time-limited permission sets,\n"
    "uninstalled third-party apps and the Salesforce CLI, API Access Control switched\n"
    "on over time, a vishing campaign approving a fake \"Data Loader\" (device flow,\n"
    "then web flow), and an integration user relying on Use Any API Client across the\n"
    "Dec 2025 change. About 1 % of recorded outcomes disagree with the rules.\n"
    "The same options always give the same file.\n\n"
    "Example:\n"
    "  authtrail gen --orgs 5 --users 2000 --events 1000000 --out history.jsonl\n"
    "  authtrail ingest history.jsonl"};

}  // namespace

int RunGen(int argc, char** argv) {
  GenOptions g;
  std::string out_path;
  po::options_description options("Options");
  options.add_options()("orgs", po::value(&g.orgs)->default_value(g.orgs)->value_name("N"),
                        "number of orgs (org 0 is the largest)")(
      "users", po::value(&g.users)->default_value(g.users)->value_name("N"), "users in total")(
      "events", po::value(&g.events)->default_value(g.events)->value_name("N"),
      "access events in total")("seed", po::value(&g.seed)->default_value(g.seed)->value_name("S"),
                                "random seed")("out", po::value(&out_path)->value_name("FILE"),
                                               "output file (default: standard output)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (g.orgs == 0) return ReportError("gen", Status::InvalidArgument("--orgs must be at least 1"));
  std::ofstream file;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) return ReportError("gen", Status::IOError("cannot write " + out_path));
  }
  std::ostream& out = out_path.empty() ? std::cout : file;
  uint64_t lines = Generate(g, out);
  out.flush();
  if (!out) return ReportError("gen", Status::IOError("write failed"));
  std::cerr << "authtrail gen: wrote " << lines << " events\n";
  return kExitOk;
}

}  // namespace authtrail::tools
