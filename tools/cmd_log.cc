// authtrail log: list stored events as JSONL in fold order, or the ingest
// batch records (--batches).
#include <cstdio>
#include <iostream>
#include <optional>

#include "common/sfid.h"
#include "schemas/canonical.h"
#include "store/store.h"
#include "tools/command.h"
#include "tools/exit_codes.h"
#include "tools/filters.h"
#include "tools/output.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "log", "authtrail log [--db DIR] [filters] [--unmapped | --batches]",
    "List stored events as JSON Lines in fold order (by time; at equal times state\n"
    "changes before accesses, in the order of the spec's events.md tables). Each\n"
    "line is {\"seq\":N, then the event's normalized fields}: ids in 18-character\n"
    "form, times in UTC. Two stores holding the same records print the same lines\n"
    "but for seq, whatever order the files were ingested in.\n\n"
    "--unmapped lists only the records an export adapter could not map to an event\n"
    "(kind \"unmapped\": a Setup Audit Trail action or login type authtrail has no\n"
    "rule for), with the source's action, section and display text. Replay ignores\n"
    "them; they are kept so nothing an export said is lost. Same as --kind unmapped.\n\n"
    "--batches lists the ingest batch records instead: when each ingest ran, which\n"
    "inputs it read (size and SHA-256), and what it stored; an ingest that was\n"
    "interrupted shows \"complete\":false.\n\n"
    "Examples:\n"
    "  authtrail log --org 00D5g000004Sxyz --kind oauth.authorize\n"
    "  authtrail log --user 0055g00000AbCdE --since 2025-09-01T00:00:00Z\n"
    "  authtrail log --unmapped --since 2025-01-01T00:00:00Z\n"
    "  authtrail log --batches\n\n"
    "Exit codes: 0 done, 2 bad filter, 4 a record fails verification on read,\n"
    "5 store unavailable."};

// Common fields first, then the kind's own fields in events.md order.
constexpr Field kCommonFields[] = {Field::kTs,    Field::kOrg,    Field::kKind,    Field::kId,
                                   Field::kActor, Field::kSource, Field::kOutcome, Field::kStatus};

void AppendEventLine(uint64_t seq, const Event& e, std::string* out) {
  *out += "{\"seq\":";
  *out += std::to_string(seq);
  auto put = [&](Field f) {
    size_t mark = out->size();
    *out += ",\"";
    *out += FieldName(f);
    *out += "\":";
    if (!AppendFieldJson(e, f, TimeStyle::kOutput, out)) out->resize(mark);
  };
  for (Field f : kCommonFields) put(f);
  for (const FieldRule& r : KindSpec(e.kind)) put(r.field);
  *out += "}\n";
}

void AppendBatchLine(const BatchBeginInfo& b, uint64_t begin_seq, const BatchEndInfo* end,
                     std::string* out) {
  *out += "{\"batch\":" + std::to_string(b.number) + ",\"seq\":" + std::to_string(begin_seq) +
          ",\"started_at\":\"" + FormatOutput(b.started_at) + "\"";
  if (end != nullptr) *out += ",\"ended_at\":\"" + FormatOutput(end->ended_at) + "\"";
  *out += ",\"version\":";
  AppendJsonString(b.version, out);
  *out += ",\"inputs\":[";
  for (size_t i = 0; i < b.inputs.size(); ++i) {
    if (i) *out += ',';
    *out += "{\"name\":";
    AppendJsonString(b.inputs[i], out);
    if (end != nullptr && i < end->inputs.size()) {
      *out += ",\"size\":" + std::to_string(end->inputs[i].size) + ",\"sha256\":\"" +
              Hex(end->inputs[i].sha256) + "\"";
    }
    *out += '}';
  }
  *out += ']';
  if (end != nullptr) {
    *out += ",\"read\":" + std::to_string(end->read) +
            ",\"stored\":" + std::to_string(end->stored) +
            ",\"duplicates\":" + std::to_string(end->duplicates) +
            ",\"rejected\":" + std::to_string(end->rejected);
  }
  *out += std::string(",\"complete\":") + (end != nullptr ? "true" : "false") + "}\n";
}

Status ListBatches(store::Store* st, OutputBuffer* out) {
  std::optional<std::pair<uint64_t, BatchBeginInfo>> open;
  auto flush_open = [&](const BatchEndInfo* end) {
    if (open) AppendBatchLine(open->second, open->first, end, out->buffer());
    open.reset();
  };
  AT_RETURN_IF_ERROR(st->ScanBatches([&](uint64_t seq, const StoredRecord& r) -> Status {
    if (const auto* b = std::get_if<BatchBeginInfo>(&r.body)) {
      flush_open(nullptr);
      open.emplace(seq, *b);
    } else if (const auto* e = std::get_if<BatchEndInfo>(&r.body)) {
      if (open && open->second.number == e->number) flush_open(e);
    }
    return out->MaybeFlush();
  }));
  flush_open(nullptr);
  return out->Flush();
}

}  // namespace

int RunLog(int argc, char** argv) {
  std::string db;
  FilterOptions filter_options;
  po::options_description options("Options");
  AddDbOption(&options, &db);
  AddFilterOptions(&options, &filter_options);
  options.add_options()("batches", "list the ingest batch records instead of events")(
      "unmapped", "list only records stored as unmapped (same as --kind unmapped)");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (vm.count("unmapped")) {
    if (!filter_options.kind.empty() && filter_options.kind != "unmapped") {
      return ReportError(
          "log", Status::InvalidArgument("--unmapped contradicts --kind " + filter_options.kind));
    }
    filter_options.kind = "unmapped";
  }
  auto filter = BuildFilter(filter_options);
  if (!filter.ok()) return ReportError("log", filter.status());

  auto opened = store::Store::Open(db, store::StoreOptions{});
  if (!opened.ok()) return ReportError("log", opened.status());
  OutputBuffer out(stdout);
  if (vm.count("batches")) {
    Status s = ListBatches(opened->get(), &out);
    return s.ok() ? kExitOk : ReportError("log", s);
  }
  Status s = (*opened)->ScanEvents(*filter, [&](uint64_t seq, const Event& e) {
    AppendEventLine(seq, e, out.buffer());
    return out.MaybeFlush();
  });
  if (s.ok()) s = out.Flush();
  return s.ok() ? kExitOk : ReportError("log", s);
}

}  // namespace authtrail::tools
