// authtrail: event-sourced audit log and replay for Salesforce login, OAuth and
// setup-change history. This file only dispatches to the subcommand table.
#include <malloc.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <string_view>

#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/version.h"

namespace {

void PrintUsage(std::ostream& out) {
  out << "authtrail " << authtrail::tools::kVersion
      << " — tamper-evident audit log and replay of Salesforce login, OAuth and setup history\n\n"
      << "Usage: authtrail <command> [options]\n\nCommands:\n";
  // Names padded to the longest one (a fixed width underflowed once a name outgrew it).
  size_t width = 0;
  for (const auto& c : authtrail::tools::Commands()) width = std::max(width, c.name.size());
  for (const auto& c : authtrail::tools::Commands()) {
    out << "  " << c.name << std::string(width + 2 - c.name.size(), ' ') << c.summary << "\n";
  }
  out << "\nRun 'authtrail <command> --help' for a command's options and examples.\n"
         "Exit codes: 0 done, 2 usage error, 3 input rejected, 4 integrity failure,\n"
         "5 store unavailable (locked, missing, corrupt, newer format).\n";
}

}  // namespace

int main(int argc, char** argv) {
  // RocksDB allocates its memtable arenas in blocks of megabytes. glibc serves
  // those with fresh mmap()s and unmaps them on free, so every memtable paid
  // for its pages again (page faults were ~8 % of ingest, perf). Keeping them
  // in the heap lets the next memtable reuse the pages.
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);
  if (argc < 2) {
    PrintUsage(std::cerr);
    return authtrail::tools::kExitUsage;
  }
  std::string_view cmd = argv[1];
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    PrintUsage(std::cout);
    return 0;
  }
  if (cmd == "--version") {
    std::cout << "authtrail " << authtrail::tools::kVersion << "\n";
    return 0;
  }
  for (const auto& c : authtrail::tools::Commands()) {
    if (c.name == cmd) return c.run(argc - 1, argv + 1);
  }
  std::cerr << "authtrail: unknown command '" << cmd << "'\n\n";
  PrintUsage(std::cerr);
  return authtrail::tools::kExitUsage;
}
