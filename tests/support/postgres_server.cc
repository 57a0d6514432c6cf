#include "support/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace fleetgate::testing {
namespace {

constexpr char kBinDir[] = "/usr/lib/postgresql/15/bin/";

int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error("cannot find a free loopback port");
  }
  close(fd);
  return ntohs(addr.sin_port);
}

// Forks and execs `argv` as uid/gid with stdout and stderr appended to `log`.
pid_t Spawn(const std::vector<std::string>& argv, uid_t uid, gid_t gid, const std::string& cwd,
            const std::string& log) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid > 0) return pid;
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (out >= 0) {
    dup2(out, 1);
    dup2(out, 2);
  }
  setpgid(0, 0);
  if (getuid() == 0 && (setgid(gid) != 0 || setuid(uid) != 0)) _exit(126);
  if (chdir(cwd.c_str()) != 0) _exit(126);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int WaitFor(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

}  // namespace

PostgresServer::PostgresServer() {
  std::string pattern = (std::filesystem::temp_directory_path() / "fleetgate-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  uid_ = getuid();
  gid_ = getgid();
  if (uid_ == 0) {
    const passwd* nobody = getpwnam("nobody");
    if (nobody == nullptr) throw std::runtime_error("no user `nobody` to run PostgreSQL as");
    uid_ = nobody->pw_uid;
    gid_ = nobody->pw_gid;
    if (chown(dir_.c_str(), uid_, gid_) != 0) throw std::runtime_error("cannot chown " + dir_);
  }
  pid_t initdb = Spawn({std::string(kBinDir) + "initdb", "-D", dir_ + "/data", "-U", "fleetgate",
                        "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                       uid_, gid_, dir_, dir_ + "/initdb.log");
  int status = WaitFor(initdb);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("initdb failed: " + Log());
  }
  port_ = FreeLoopbackPort();
}

PostgresServer::~PostgresServer() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void PostgresServer::Start(std::chrono::milliseconds timeout) {
  if (running()) return;
  pid_ =
      Spawn({std::string(kBinDir) + "postgres", "-D", dir_ + "/data", "-h", "127.0.0.1", "-p",
             std::to_string(port_), "-k", dir_, "-c", "fsync=off", "-c", "synchronous_commit=off",
             "-c", "full_page_writes=off", "-c", "max_connections=200"},
            uid_, gid_, dir_, dir_ + "/postgres.log");
  const std::string conninfo = "host=127.0.0.1 port=" + std::to_string(port_) +
                               " user=fleetgate dbname=postgres connect_timeout=2";
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (PQping(conninfo.c_str()) != PQPING_OK) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("postgres exited at start-up: " + Log());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Stop();
      throw std::runtime_error("postgres not ready in time: " + Log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void PostgresServer::Stop() {
  if (!running()) return;
  kill(pid_, SIGINT);
  WaitFor(pid_);
  pid_ = -1;
}

std::string PostgresServer::Url(const std::string& database) const {
  return "postgresql://fleetgate@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

std::string PostgresServer::CreateDatabase(const std::string& name) const {
  std::unique_ptr<PGconn, void (*)(PGconn*)> conn(PQconnectdb(Url().c_str()), PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("cannot connect: ") + PQerrorMessage(conn.get()));
  }
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  for (const std::string& sql : {"DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)",
                                 "CREATE DATABASE \"" + name + "\""}) {
    PGresult* result = PQexec(conn.get(), sql.c_str());
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) throw std::runtime_error(sql + ": " + PQerrorMessage(conn.get()));
  }
  return Url(name);
}

std::string PostgresServer::Log() const {
  std::ostringstream out;
  for (const char* file : {"/initdb.log", "/postgres.log"}) {
    std::ifstream in(dir_ + file);
    out << in.rdbuf();
  }
  return out.str();
}

PostgresServer& SharedPostgres() {
  static PostgresServer* server = [] {
    auto* s = new PostgresServer();
    s->Start();
    std::atexit([] { delete server; });
    return s;
  }();
  return *server;
}

}  // namespace fleetgate::testing
