#include "alertmanager_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "http_client.h"

namespace fleetgate::testing {
namespace {

// group_wait/group_interval short so a test sees notifications quickly; the receiver has no
// integrations, so nothing leaves the machine.
constexpr char kConfig[] = R"(route:
  receiver: blackhole
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: blackhole
)";

// A port that was free a moment ago (Alertmanager cannot be told to bind port 0 and report it).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Forks and execs `args` (args[0] is the binary) with stdout+stderr appended to `log_path`.
pid_t Spawn(std::vector<std::string> args, const std::string& log_path) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  int devnull = open("/dev/null", O_RDONLY);
  dup2(devnull, STDIN_FILENO);
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

AlertmanagerProcess::AlertmanagerProcess(const std::string& webhook_url) {
  std::ofstream config(dir_.path() + "/alertmanager.yml");
  config << kConfig;
  if (!webhook_url.empty()) {
    config << "    webhook_configs:\n      - url: " << webhook_url
           << "\n        send_resolved: true\n";
  }
}

AlertmanagerProcess::~AlertmanagerProcess() { Kill(); }

bool AlertmanagerProcess::Start(std::chrono::seconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (StartOnce(until)) return true;
    Kill();
  }
  return false;
}

bool AlertmanagerProcess::StartOnce(std::chrono::steady_clock::time_point deadline) {
  port_ = FreePort();
  pid_ = Spawn(
      {ALERTMANAGER_BINARY, "--config.file=" + dir_.path() + "/alertmanager.yml",
       "--storage.path=" + dir_.path() + "/data",
       "--web.listen-address=127.0.0.1:" + std::to_string(port_), "--cluster.listen-address="},
      dir_.path() + "/alertmanager.log");
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  bool ready = Eventually([&] { return !Running() || HttpGet(url() + "/-/ready").status == 200; },
                          std::max(left, std::chrono::milliseconds(0)));
  return ready && Running();
}

bool AlertmanagerProcess::Running() {
  if (pid_ <= 0) return false;
  if (waitpid(pid_, nullptr, WNOHANG) == pid_) pid_ = -1;
  return pid_ > 0;
}

void AlertmanagerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  if (!Eventually([&] { return !Running(); }, std::chrono::seconds(5))) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_ = -1;
}

std::vector<nlohmann::json> AlertmanagerProcess::Alerts(const std::string& query) const {
  HttpResult result = HttpGet(url() + "/api/v2/alerts" + (query.empty() ? "" : "?" + query));
  if (result.status != 200) return {};
  nlohmann::json alerts = nlohmann::json::parse(result.body, nullptr, false);
  if (!alerts.is_array()) return {};
  return alerts.get<std::vector<nlohmann::json>>();
}

double AlertmanagerProcess::ReceivedAlerts(const std::string& status) const {
  HttpResult result = HttpGet(url() + "/metrics");
  std::string series =
      "alertmanager_alerts_received_total{status=\"" + status + "\",version=\"v2\"} ";
  size_t at = result.body.find(series);
  if (result.status != 200 || at == std::string::npos) return -1;
  return std::stod(result.body.substr(at + series.size()));
}

std::string AlertmanagerProcess::Log() const { return ReadFile(dir_.path() + "/alertmanager.log"); }

}  // namespace fleetgate::testing
