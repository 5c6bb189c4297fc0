// authtrail explain: one stored event (or a hypothetical request) under every
// rule set, with the clause that fired and the stored events behind each fact.
#include <charconv>
#include <iostream>
#include <map>

#include "common/sfid.h"
#include "schemas/canonical.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/explain.h"
#include "tools/output.h"
#include "tools/replay_output.h"
#include "tools/replay_source.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "explain",
    "authtrail explain --event ID_OR_SEQ [--format text|json]\n"
    "       authtrail explain --org O --user U --app A --kind K [--flow F|--grant G] --at TS",
    "Explain one access event: the rule set in force at its time, the decision under\n"
    "each rule set with the clause that fired (docs/rules.md), and every fact the\n"
    "rules read with the stored event that established it (seq, time, kind, actor,\n"
    "source id) and the ingest batch it arrived in (file and time).\n\n"
    "The second form asks about a request that never happened: 'could this user have\n"
    "done this then, and why?'. The org's history is folded up to TS and the request\n"
    "is decided without being recorded.\n\n"
    "Speed: the org is folded from its nearest replay snapshot (`authtrail\n"
    "snapshot`, kept up to date by re-running it after ingests); without one, from\n"
    "the org's first event, which takes seconds for an org of millions of events.\n\n"
    "Examples:\n"
    "  authtrail explain --event 0Ya5g00001XyZab\n"
    "  authtrail explain --event 42 --format json\n"
    "  authtrail explain --org 00D5g000004Sxyz --user 0055g00000AbCdE --app 3MVG9x \\\n"
    "      --kind oauth.authorize --flow device --at 2025-09-20T10:00:00Z\n\n"
    "Exit codes: 0 done, 2 usage error or no such event, 4 integrity failure,\n"
    "5 store unavailable."};

struct Args {
  std::string db, event, org, user, app, kind, flow, grant, at, format;
  std::vector<std::string> readings;
};

Result<Event> HypotheticalEvent(const Args& a) {
  Event e;
  if (a.org.empty() || a.user.empty() || a.kind.empty() || a.at.empty()) {
    return Status::InvalidArgument("give --event, or all of --org, --user, --kind and --at");
  }
  AT_ASSIGN_OR_RETURN(e.org, NormalizeSalesforceId(a.org));
  AT_ASSIGN_OR_RETURN(std::string user, NormalizeIdOrName(a.user));
  e.user = user;
  AT_ASSIGN_OR_RETURN(e.ts, ParseRfc3339(a.at));
  auto kind = KindFromName(a.kind);
  if (!kind || !IsAccessKind(*kind) || *kind == Kind::kOauthRevoke) {
    return Status::InvalidArgument(
        "--kind: expected login.ui, oauth.authorize, oauth.token, api.call or soap.login");
  }
  e.kind = *kind;
  if (!a.app.empty()) e.app = a.app;
  auto pick = [](Field f, const std::string& v) -> std::optional<uint8_t> {
    auto names = EnumNames(f);
    for (size_t i = 0; i < names.size(); ++i) {
      if (v == names[i]) return static_cast<uint8_t>(i);
    }
    return std::nullopt;
  };
  if (e.kind == Kind::kOauthAuthorize) {
    auto f = pick(Field::kFlow, a.flow.empty() ? "web_server" : a.flow);
    if (!f) return Status::InvalidArgument("--flow: expected web_server, user_agent or device");
    e.flow = static_cast<Flow>(*f);
  }
  if (e.kind == Kind::kOauthToken) {
    auto g = pick(Field::kGrant, a.grant.empty() ? "refresh_token" : a.grant);
    if (!g) return Status::InvalidArgument("--grant: unknown grant '" + a.grant + "'");
    e.grant = static_cast<Grant>(*g);
  }
  if ((e.kind == Kind::kOauthAuthorize || e.kind == Kind::kOauthToken) && !e.app) {
    return Status::InvalidArgument("--app is required for " + a.kind);
  }
  return e;
}

struct SourceInfo {
  uint64_t seq;
  std::string fact;
  Event event;
  uint32_t batch;
};

Result<std::vector<SourceInfo>> LoadSources(store::Store* st, const replay::ReplayLine& line) {
  std::vector<SourceInfo> out;
  std::map<uint64_t, StoredRecord> cache;
  for (const auto& s : line.sources) {
    if (!cache.count(s.seq)) {
      AT_ASSIGN_OR_RETURN(StoredRecord r, st->Get(s.seq));
      cache.emplace(s.seq, std::move(r));
    }
    const StoredRecord& r = cache.at(s.seq);
    if (const auto* e = std::get_if<Event>(&r.body)) out.push_back({s.seq, s.fact, *e, r.batch});
  }
  return out;
}

Result<std::map<uint32_t, BatchBeginInfo>> LoadBatches(store::Store* st) {
  std::map<uint32_t, BatchBeginInfo> out;
  AT_RETURN_IF_ERROR(st->ScanBatches([&](uint64_t, const StoredRecord& r) {
    if (const auto* b = std::get_if<BatchBeginInfo>(&r.body)) out[b->number] = *b;
    return Status::Ok();
  }));
  return out;
}

std::string BatchText(const std::map<uint32_t, BatchBeginInfo>& batches, uint32_t n) {
  auto it = batches.find(n);
  if (it == batches.end()) return "batch " + std::to_string(n);
  std::string inputs;
  for (const auto& i : it->second.inputs) inputs += (inputs.empty() ? "" : ", ") + i;
  return "batch " + std::to_string(n) + " (" + inputs + ", ingested " +
         FormatOutput(it->second.started_at) + ")";
}

void PrintText(const Event& e, const replay::ReplayLine& line, const std::vector<SourceInfo>& src,
               const std::map<uint32_t, BatchBeginInfo>& batches, std::string* out) {
  *out += line.seq ? "event seq " + std::to_string(line.seq) : std::string("hypothetical request");
  if (e.id) *out += " (id " + *e.id + ")";
  *out += ": " + FormatOutput(e.ts) + " " + std::string(KindName(e.kind)) + " org " + e.org;
  if (e.user) *out += " user " + *e.user;
  if (e.app) *out += " app " + *e.app;
  if (line.flow) *out += " flow " + std::string(*line.flow);
  if (e.outcome) *out += std::string(" recorded ") + fb::EnumNameOutcome(*e.outcome);
  auto rs = line.decisions.as_of_rule_set;
  *out += "\nrule set in force: " +
          (rs ? std::string(replay::RuleSetName(*rs)) : "indeterminate (rollout window)") + "\n\n";
  const std::vector<ColumnSpec> columns = *ParseRules("as-of,pre2014,api2014,sep2025,dec2025");
  for (const ColumnSpec& c : columns) {
    const replay::Decision& d = DecisionOf(line, c);
    *out += "  " + c.name + std::string(9 - c.name.size(), ' ') + ShortDecision(d);
    if (d.clause != replay::Clause::kNone)
      *out += "  (clause " + std::string(replay::ClauseName(d.clause)) + ")";
    std::string json;
    AppendDecisionJson(d, &json);
    *out += "\n           " + json + "\n";
  }
  *out += "\nfacts read, and the stored events behind them:\n";
  if (src.empty()) *out += "  (none: defaults only)\n";
  for (const SourceInfo& s : src) {
    *out += "  " + s.fact + ": seq " + std::to_string(s.seq) + ", " + FormatOutput(s.event.ts) +
            " " + std::string(KindName(s.event.kind));
    if (s.event.actor) *out += ", actor " + *s.event.actor;
    if (s.event.id) *out += ", id " + *s.event.id;
    *out += ", " + BatchText(batches, s.batch) + "\n";
  }
}

void PrintJson(const Event& e, const replay::ReplayLine& line, const std::vector<SourceInfo>& src,
               const std::map<uint32_t, BatchBeginInfo>& batches, std::string* out) {
  auto columns = *ParseRules("as-of,pre2014,api2014,sep2025,dec2025");
  AppendReplayJson(e, line, columns, out);
  out->pop_back();
  *out += ",\"facts\":[";
  for (size_t i = 0; i < src.size(); ++i) {
    if (i) *out += ',';
    *out += "{\"fact\":";
    AppendJsonString(src[i].fact, out);
    *out += ",\"seq\":" + std::to_string(src[i].seq) + ",\"ts\":\"" +
            FormatOutput(src[i].event.ts) + "\",\"kind\":\"" +
            std::string(KindName(src[i].event.kind)) + "\"";
    if (src[i].event.actor) *out += ",\"actor\":", AppendJsonString(*src[i].event.actor, out);
    if (src[i].event.id) *out += ",\"id\":", AppendJsonString(*src[i].event.id, out);
    *out += ",\"batch\":";
    AppendJsonString(BatchText(batches, src[i].batch), out);
    *out += '}';
  }
  *out += "]}\n";
}

Status RunExplainWith(const Args& a) {
  AT_ASSIGN_OR_RETURN(replay::Readings readings, ParseReadings(a.readings));
  if (a.format != "text" && a.format != "json") {
    return Status::InvalidArgument("--format: expected text or json");
  }
  Event target;
  uint64_t seq = 0;
  if (a.event.empty()) {
    AT_ASSIGN_OR_RETURN(target, HypotheticalEvent(a));
  }
  AT_ASSIGN_OR_RETURN(auto st, store::Store::Open(a.db, store::StoreOptions{}));
  if (!a.event.empty()) {
    AT_ASSIGN_OR_RETURN(auto found, FindEvent(st.get(), a.event));
    std::tie(seq, target) = found;
    if (!IsAccessKind(target.kind) || target.kind == Kind::kOauthRevoke) {
      return Status::InvalidArgument("--event: seq " + std::to_string(seq) + " is a " +
                                     std::string(KindName(target.kind)) +
                                     " (state) event; explain takes access events");
    }
  }
  AT_ASSIGN_OR_RETURN(replay::ReplayLine line, ExplainDecide(st.get(), target, seq, readings));
  AT_ASSIGN_OR_RETURN(auto sources, LoadSources(st.get(), line));
  AT_ASSIGN_OR_RETURN(auto batches, LoadBatches(st.get()));
  OutputBuffer out(stdout);
  if (a.format == "json")
    PrintJson(target, line, sources, batches, out.buffer());
  else
    PrintText(target, line, sources, batches, out.buffer());
  return out.Flush();
}

}  // namespace

int RunExplain(int argc, char** argv) {
  Args a;
  po::options_description options("Options");
  AddDbOption(&options, &a.db);
  options.add_options()("event", po::value(&a.event)->value_name("ID_OR_SEQ"),
                        "a stored access event: seq or source id")(
      "org", po::value(&a.org)->value_name("ID"), "hypothetical: the org")(
      "user", po::value(&a.user)->value_name("ID"), "hypothetical: the user")(
      "app", po::value(&a.app)->value_name("APP"), "hypothetical: the connected app")(
      "kind", po::value(&a.kind)->value_name("KIND"),
      "hypothetical: oauth.authorize, oauth.token, api.call, ...")(
      "flow", po::value(&a.flow)->value_name("F"),
      "hypothetical authorize flow: web_server, user_agent, device")(
      "grant", po::value(&a.grant)->value_name("G"),
      "hypothetical token grant: refresh_token, jwt_bearer, password, ...")(
      "at", po::value(&a.at)->value_name("TS"), "hypothetical: when (RFC 3339)")(
      "format", po::value(&a.format)->default_value("text")->value_name("F"), "text or json");
  AddReadingOption(&options, &a.readings);
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  Status s = RunExplainWith(a);
  return s.ok() ? kExitOk : ReportError("explain", s);
}

}  // namespace authtrail::tools
