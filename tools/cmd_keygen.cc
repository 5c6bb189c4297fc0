// authtrail keygen: create the Ed25519 key pair that signs checkpoints.
#include <iostream>

#include "evidence/keys.h"
#include "tools/command.h"
#include "tools/exit_codes.h"

namespace po = boost::program_options;

namespace authtrail::tools {
namespace {

constexpr HelpText kHelp = {
    "keygen", "authtrail keygen --out PREFIX",
    "Create an Ed25519 key pair for signing checkpoints (the Merkle root of the\n"
    "store at a given size), so that a third party can check evidence without\n"
    "access to the store and without authtrail:\n\n"
    "  PREFIX.key      the private key, PKCS#8 PEM (RFC 8410), created with mode\n"
    "                  0600; never printed, never overwritten. Whoever holds it can\n"
    "                  sign checkpoints in your name: keep it off shared disks and\n"
    "                  out of backups that others read. authtrail refuses to use a\n"
    "                  private key file that group or others can read.\n"
    "  PREFIX.pub.pem  the public key, SubjectPublicKeyInfo PEM (OID 1.3.101.112).\n"
    "                  Give it to auditors; OpenSSL and any X.509 toolkit read it.\n\n"
    "Prints the key's fingerprint (key_sha256 in checkpoint files): SHA-256 of the\n"
    "public key's DER. An auditor can recompute it with\n"
    "  openssl pkey -pubin -in PREFIX.pub.pem -outform DER | sha256sum\n"
    "and check a checkpoint's signature with openssl alone (docs/evidence.md):\n"
    "  openssl pkeyutl -verify -pubin -inkey PREFIX.pub.pem -rawin -in MSG -sigfile SIG\n\n"
    "A key made by `openssl genpkey -algorithm ed25519` works too.\n\n"
    "Example:\n"
    "  authtrail keygen --out /secure/acme-audit\n\n"
    "Exit codes: 0 created, 2 usage error, 5 a file already exists or cannot be\n"
    "written (nothing is left behind)."};

}  // namespace

int RunKeygen(int argc, char** argv) {
  std::string prefix;
  po::options_description options("Options");
  options.add_options()("out", po::value(&prefix)->required()->value_name("PREFIX"),
                        "write PREFIX.key and PREFIX.pub.pem");
  po::variables_map vm;
  if (auto code = ParseCommandLine(kHelp, options, nullptr, argc, argv, &vm)) return *code;
  if (prefix.empty()) return ReportError("keygen", Status::InvalidArgument("--out is empty"));

  auto key = evidence::SigningKey::Generate();
  if (!key.ok()) return ReportError("keygen", key.status());
  Status written = evidence::WriteKeyPair(prefix, *key);
  if (!written.ok()) return ReportError("keygen", written);
  std::cout << "private key: " << prefix << ".key (mode 0600; keep it secret)\n"
            << "public key:  " << prefix << ".pub.pem\n"
            << "key_sha256:  " << evidence::KeyFingerprint(key->public_key()) << "\n";
  return kExitOk;
}

}  // namespace authtrail::tools
