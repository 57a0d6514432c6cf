#include "trust_material.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <vector>

namespace fleetgate::testing {
namespace {

// Runs `openssl args...` with its output discarded; true when it exits 0.
bool Openssl(std::vector<std::string> args) {
  args.insert(args.begin(), "openssl");
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, STDIN_FILENO);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execvp("openssl", argv.data());
    _exit(127);
  }
  int status = 0;
  return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

const std::vector<std::string> kNewKey = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                          "-nodes"};

}  // namespace

KeyAndCertificate MakeCa(const std::string& dir, const std::string& name) {
  KeyAndCertificate ca{dir + "/" + name + ".key", dir + "/" + name + ".pem"};
  std::vector<std::string> args = {"req", "-x509"};
  args.insert(args.end(), kNewKey.begin(), kNewKey.end());
  args.insert(args.end(),
              {"-keyout", ca.key, "-out", ca.cert, "-days", "2", "-subj", "/CN=" + name});
  return Openssl(args) ? ca : KeyAndCertificate{};
}

KeyAndCertificate MakeCertificate(const std::string& dir, const std::string& name,
                                  const KeyAndCertificate& ca, const std::string& san) {
  const std::string base = dir + "/" + name;
  KeyAndCertificate made{base + ".key", base + ".pem"};
  std::ofstream(base + ".ext") << "subjectAltName=" << san << "\n";
  std::vector<std::string> request = {"req"};
  request.insert(request.end(), kNewKey.begin(), kNewKey.end());
  request.insert(request.end(),
                 {"-keyout", made.key, "-out", base + ".csr", "-subj", "/CN=" + name});
  const bool signed_ok =
      Openssl(request) &&
      Openssl({"x509", "-req", "-in", base + ".csr", "-CA", ca.cert, "-CAkey", ca.key,
               "-CAcreateserial", "-out", made.cert, "-days", "2", "-extfile", base + ".ext"});
  return signed_ok ? made : KeyAndCertificate{};
}

std::string Sha256Hex(std::string_view token) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), digest);
  std::string hex;
  char byte[3];
  for (unsigned char c : digest) {
    std::snprintf(byte, sizeof byte, "%02x", c);
    hex += byte;
  }
  return hex;
}

}  // namespace fleetgate::testing
