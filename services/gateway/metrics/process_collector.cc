#include "metrics/process_collector.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace fleetgate::metrics {
namespace {

struct ProcStat {
  double cpu_seconds = 0;
  double start_time_seconds = 0;
  double virtual_bytes = 0;
  double resident_bytes = 0;
  double threads = 0;
};

double BootTimeSeconds() {
  std::ifstream in("/proc/stat");
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double value = 0;
      in >> value;
      return value;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

// Fields of /proc/self/stat after the command name (which may contain spaces).
ProcStat ReadProcStat() {
  ProcStat stat;
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return stat;
  auto close = line.rfind(')');
  if (close == std::string::npos) return stat;
  std::istringstream fields(line.substr(close + 2));
  std::vector<std::string> f;
  for (std::string field; fields >> field;) f.push_back(field);
  // f[0] is field 3 (state); utime=14, stime=15, num_threads=20, starttime=22, vsize=23, rss=24.
  if (f.size() < 22) return stat;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  stat.cpu_seconds = (std::stod(f[11]) + std::stod(f[12])) / ticks;
  stat.threads = std::stod(f[17]);
  stat.start_time_seconds = BootTimeSeconds() + std::stod(f[19]) / ticks;
  stat.virtual_bytes = std::stod(f[20]);
  stat.resident_bytes = std::stod(f[21]) * page;
  return stat;
}

double OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  double count = 0;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count - 1;  // the directory handle itself
}

double MaxFds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 0;
  return static_cast<double>(limit.rlim_cur);
}

}  // namespace

prometheus::MetricFamily SingleValueFamily(std::string name, std::string help,
                                           prometheus::MetricType type, double value) {
  prometheus::MetricFamily family{std::move(name), std::move(help), type, {}};
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  const ProcStat stat = ReadProcStat();
  return {
      SingleValueFamily("process_cpu_seconds_total", "Total user and system CPU time in seconds.",
                        MetricType::Counter, stat.cpu_seconds),
      SingleValueFamily("process_resident_memory_bytes", "Resident memory size in bytes.",
                        MetricType::Gauge, stat.resident_bytes),
      SingleValueFamily("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                        MetricType::Gauge, stat.virtual_bytes),
      SingleValueFamily("process_open_fds", "Number of open file descriptors.", MetricType::Gauge,
                        OpenFds()),
      SingleValueFamily("process_max_fds", "Maximum number of open file descriptors.",
                        MetricType::Gauge, MaxFds()),
      SingleValueFamily("process_start_time_seconds",
                        "Start time of the process since the Unix epoch in seconds.",
                        MetricType::Gauge, stat.start_time_seconds),
      SingleValueFamily("fleetgate_process_threads", "Threads of the fleetgate process.",
                        MetricType::Gauge, stat.threads),
  };
}

}  // namespace fleetgate::metrics
