// authtrail demo: the README's main job. Generates a small realistic history
// into a fresh embedded store, verifies it, replays it under every rule set and
// prints what each platform change would have changed, and the suspect grants.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/generator.h"
#include "tools/ingest_run.h"
#include "tools/replay_output.h"
#include "tools/replay_source.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "demo", "authtrail demo [--db DIR] [--orgs N] [--users N] [--events N] [--seed S]",
    "Build a realistic sample history (see 'authtrail gen --help') into a store,\n"
    "verify its integrity chain, replay every access under the four rule sets, and\n"
    "print the impact of each platform change: how many accesses flip, which apps\n"
    "and users flip most, and the suspect grants (recorded as allowed, although the\n"
    "rules in force say deny). The store is kept: explore it afterwards with\n"
    "log, replay, diff and explain (the commands are printed at the end)."};

using replay::RuleSet;

struct Flip {
  uint64_t allow_to_deny = 0, deny_to_allow = 0;
  std::map<std::string, uint64_t> apps, users;
};

struct Suspect {
  Event event;
  replay::ReplayLine line;
};

struct Impact {
  uint64_t accesses = 0;
  std::array<Flip, 3> flips;      // R1→R2, R2→R3, R3→R4
  std::vector<Suspect> suspects;  // recorded allowed, the rules in force say deny
  std::vector<Suspect> device;    // device-flow grants allowed then that sep2025 stops
};

void Count(const Event& e, const replay::ReplayLine& l, Impact* impact) {
  ++impact->accesses;
  const auto& cols = l.decisions.columns;
  for (int i = 0; i < 3; ++i) {
    auto before = cols[i].verdict, after = cols[i + 1].verdict;
    if (before == after) continue;
    Flip& f = impact->flips[i];
    if (before == replay::Verdict::kAllow && after == replay::Verdict::kDeny) ++f.allow_to_deny;
    if (before == replay::Verdict::kDeny && after == replay::Verdict::kAllow) ++f.deny_to_allow;
    ++f.apps[e.app.value_or("(no app: SOAP/session)")];
    ++f.users[e.user.value_or("?")];
  }
  if (e.kind != Kind::kOauthAuthorize || e.outcome == Outcome::failure) return;
  if (l.line_flags & replay::kRecordedAllowPredictedDeny) impact->suspects.push_back({e, l});
  const replay::Decision& r3 = cols[static_cast<size_t>(RuleSet::kSep2025)];
  if (l.decisions.as_of.verdict == replay::Verdict::kAllow &&
      r3.reason == replay::Reason::kDenyUninstalledDeviceFlow) {
    impact->device.push_back({e, l});
  }
}

std::string Top(const std::map<std::string, uint64_t>& m, size_t n) {
  std::vector<std::pair<uint64_t, std::string>> v;
  for (const auto& [k, c] : m) v.push_back({c, k});
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string out;
  for (size_t i = 0; i < v.size() && i < n; ++i) {
    out += (i ? ", " : "") + v[i].second + " (" + std::to_string(v[i].first) + ")";
  }
  return out.empty() ? "-" : out;
}

// The first rule set, in time order, that denies the access.
std::string StoppedBy(const replay::ReplayLine& l) {
  for (int i = 0; i < replay::kRuleSetCount; ++i) {
    const replay::Decision& d = l.decisions.columns[i];
    if (d.verdict == replay::Verdict::kDeny) {
      return std::string(replay::RuleSetName(static_cast<RuleSet>(i))) + " (" +
             std::string(replay::ReasonName(d.reason)) + ", clause " +
             std::string(replay::ClauseName(d.clause)) + ")";
    }
  }
  return "no rule set";
}

// Most recent first: the latest incidents matter most.
void PrintGrants(std::vector<Suspect> grants) {
  std::stable_sort(grants.begin(), grants.end(),
                   [](const Suspect& a, const Suspect& b) { return a.event.ts > b.event.ts; });
  for (size_t i = 0; i < grants.size() && i < 8; ++i) {
    const Suspect& s = grants[i];
    std::cout << "  " << FormatOutput(s.event.ts) << "  user " << s.event.user.value_or("?")
              << "  app " << s.event.app.value_or("?") << "  flow " << s.line.flow.value_or("?")
              << "  id " << s.event.id.value_or("-")
              << "\n      as-of: " << ShortDecision(s.line.decisions.as_of) << "; first stopped by "
              << StoppedBy(s.line) << "\n";
  }
  if (grants.size() > 8) std::cout << "  ... and " << grants.size() - 8 << " more\n";
}

void PrintImpact(const Impact& im, const std::string& db) {
  static const char* kChanges[] = {
      "pre2014 -> api2014  (10 Sep 2014: allowlisted apps must respect API Enabled)",
      "api2014 -> sep2025  (Sep 2025: Connected App Usage Restrictions)",
      "sep2025 -> dec2025  (Dec 2025: Use Any API Client no longer self-authorizes)"};
  std::cout << "\nImpact of each platform change on " << im.accesses << " recorded accesses\n";
  for (int i = 0; i < 3; ++i) {
    const Flip& f = im.flips[i];
    std::cout << "\n  " << kChanges[i] << "\n"
              << "    allow -> deny: " << f.allow_to_deny << "   deny -> allow: " << f.deny_to_allow
              << "\n"
              << "    apps that flip most:  " << Top(f.apps, 4) << "\n"
              << "    users that flip most: " << Top(f.users, 4) << "\n";
  }
  std::cout << "\nSuspect grants: authorizations the platform recorded as successful although the\n"
               "rules in force say deny ("
            << im.suspects.size() << ")\n";
  PrintGrants(im.suspects);
  std::cout
      << "\nDevice-flow grants of uninstalled apps (the 2025 vishing pattern), allowed then,\n"
         "stopped by the Sept 2025 rules ("
      << im.device.size() << ")\n";
  PrintGrants(im.device);
  std::string ex = im.suspects.empty() ? "1" : im.suspects[0].event.id.value_or("1");
  // Beside the store: the demo's directory is fresh, the user's may not be.
  std::filesystem::path dir = std::filesystem::path(db).parent_path();
  if (dir.empty()) dir = ".";
  const std::string keys = (dir / "demo-audit").string();
  const std::string bundle = (dir / "evidence.json").string();
  std::cout << "\nExplore the store:\n"
            << "  authtrail replay --db " << db << " --format table --since 2025-09-01T00:00:00Z\n"
            << "  authtrail diff --db " << db
            << " --from api2014 --to sep2025 --group-by app --format table\n"
            << "  authtrail explain --db " << db << " --event " << ex << "\n"
            << "  authtrail verify --db " << db << "\n"
            << "Evidence an auditor can check without the store:\n"
            << "  authtrail keygen --out " << keys << "\n"
            << "  authtrail evidence --db " << db << " --event " << ex << " --key " << keys
            << ".key --out " << bundle << "\n"
            << "  authtrail verify-evidence " << bundle << " --pubkey " << keys << ".pub.pem\n";
}

std::string DefaultDb() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "authtrail-demo-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return "./authtrail-demo.db";
  return tmpl + "/authtrail.db";
}

Status RunDemoWith(const GenOptions& g, std::string db) {
  if (db.empty()) db = DefaultDb();
  std::filesystem::create_directories(std::filesystem::path(db).parent_path().empty()
                                          ? std::filesystem::path(".")
                                          : std::filesystem::path(db).parent_path());
  std::string history = db + ".history.jsonl";
  {
    std::ofstream out(history, std::ios::binary | std::ios::trunc);
    uint64_t lines = Generate(g, out);
    if (!out) return Status::IOError("cannot write " + history);
    std::cout << "generated " << lines << " events (" << g.orgs << " orgs, " << g.users
              << " users) into " << history << "\n";
  }
  IngestOptions io;
  io.db = db;
  io.inputs = {history};
  IngestCounts counts;
  std::string rejects;
  AT_RETURN_IF_ERROR(RunBatch(io, &counts, &rejects));
  std::cout << "ingested into " << db << ": read=" << counts.read << " stored=" << counts.stored
            << " duplicates=" << counts.duplicates << " rejected=" << counts.rejected << "\n";
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(db, store::StoreOptions{}));
  AT_ASSIGN_OR_RETURN(store::VerifyReport v, st->Verify([](uint64_t, uint64_t) {}));
  std::cout << "verified: " << v.records << " records, head seq " << v.head.seq << " hash "
            << Hex(v.head.hash).substr(0, 16) << "...\n";
  Impact impact;
  AT_RETURN_IF_ERROR(
      ReplayStore(st.get(), {}, {}, [&](const Event& e, const replay::ReplayLine& l) {
        Count(e, l, &impact);
        return Status::Ok();
      }));
  PrintImpact(impact, db);
  return Status::Ok();
}

}  // namespace

int RunDemo(int argc, char** argv) {
  GenOptions g;
  std::string db;
  po::options_description options("Options");
  options.add_options()("db", po::value(&db)->value_name("DIR"),
                        "store directory (default: a new temporary directory)")(
      "orgs", po::value(&g.orgs)->default_value(g.orgs)->value_name("N"), "orgs to generate")(
      "users", po::value(&g.users)->default_value(g.users)->value_name("N"), "users in total")(
      "events", po::value(&g.events)->default_value(g.events)->value_name("N"),
      "access events in total")("seed", po::value(&g.seed)->default_value(g.seed)->value_name("S"),
                                "random seed");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (g.orgs == 0) return ReportError("demo", Status::InvalidArgument("--orgs must be at least 1"));
  Status s = RunDemoWith(g, db);
  return s.ok() ? kExitOk : ReportError("demo", s);
}

}  // namespace authtrail::tools
