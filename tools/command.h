// The authtrail subcommand table (ninja's kTools[] idea): each command is one
// file under tools/, registered here with a one-line summary; `authtrail
// --help` is generated from the table.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace authtrail::tools {

// argv[0] is the command name; returns the process exit code.
using CommandFn = int (*)(int argc, char** argv);

struct Command {
  std::string_view name;
  std::string_view summary;
  CommandFn run;
};

std::span<const Command> Commands();

int RunIngest(int argc, char** argv);
int RunVerify(int argc, char** argv);
int RunLog(int argc, char** argv);
int RunReplay(int argc, char** argv);
int RunDiff(int argc, char** argv);
int RunExplain(int argc, char** argv);
int RunGen(int argc, char** argv);
int RunSources(int argc, char** argv);
int RunDemo(int argc, char** argv);
int RunSnapshot(int argc, char** argv);
int RunKeygen(int argc, char** argv);
int RunImpact(int argc, char** argv);
int RunCheckpoint(int argc, char** argv);
int RunEvidence(int argc, char** argv);
int RunVerifyEvidence(int argc, char** argv);

// What a command's --help prints above its options.
struct HelpText {
  const char* name;   // "ingest"
  const char* usage;  // "authtrail ingest [options] FILE..."
  const char* about;  // paragraphs: what it does, examples, exit codes
};

// Parses a command's options. Returns an exit code to stop with (0 after
// --help, 2 with a message on a usage error), or nullopt to go on.
std::optional<int> ParseCommandLine(
    const HelpText& help, const boost::program_options::options_description& options,
    const boost::program_options::positional_options_description* positional, int argc, char** argv,
    boost::program_options::variables_map* vm);

// The --db option every store command takes (default ./authtrail.db).
void AddDbOption(boost::program_options::options_description* options, std::string* db);

}  // namespace authtrail::tools
