#include "tools/signing.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace authtrail::tools {

MicrosUtc WallClockMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

Result<evidence::SignedCheckpoint> SignTreeHead(store::Store* st, const evidence::SigningKey& key) {
  AT_ASSIGN_OR_RETURN(const store::TreeHead tree, st->TreeHeadAt());
  return evidence::SignCheckpoint({st->store_id(), tree.size, tree.root, WallClockMicros()}, key);
}

std::string CheckpointPathFor(const std::string& db, uint64_t tree_size) {
  return (std::filesystem::path(db) / "checkpoints" / (std::to_string(tree_size) + ".json"))
      .string();
}

Result<std::string> KeepCheckpoint(const std::string& db, const evidence::SignedCheckpoint& cp) {
  const std::string path = CheckpointPathFor(db, cp.checkpoint.tree_size);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (ec) return Status::IOError("cannot create " + path + ": " + ec.message());
  if (std::filesystem::exists(path, ec)) return path;
  const std::string tmp = path + ".tmp";
  AT_RETURN_IF_ERROR(WriteTextFile(tmp, evidence::FormatCheckpointFile(cp)));
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::IOError("cannot rename " + tmp + ": " + ec.message());
  return path;
}

Result<std::string> ReadTextFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status::IOError("cannot read " + path);
  return text.str();
}

Status WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) return Status::IOError("cannot write " + path);
  return Status::Ok();
}

}  // namespace authtrail::tools
