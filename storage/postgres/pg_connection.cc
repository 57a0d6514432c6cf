#include "storage/postgres/pg_connection.h"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace fleetgate::storage {
namespace {

// Classes 08 (connection exception) and 57P (operator intervention: admin shutdown, crash) mean
// the session is gone or going.
bool SessionLost(PGconn* conn, const std::string& sqlstate) {
  return PQstatus(conn) != CONNECTION_OK || sqlstate.rfind("08", 0) == 0 ||
         sqlstate.rfind("57P", 0) == 0;
}

std::string Trimmed(const char* text) {
  std::string s = text ? text : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  static const std::regex uri_password(R"(^([a-z]+://[^:/@]*):[^@]*@)");
  static const std::regex keyword_password(R"((^|\s)password\s*=\s*('[^']*'|\S+))");
  std::string out = std::regex_replace(url, uri_password, "$1:***@");
  out = std::regex_replace(out, keyword_password, "$1password=***");
  static const std::regex query_password(R"(([?&])password=[^&]*)");
  return std::regex_replace(out, query_password, "$1password=***");
}

int64_t PgRows::Int64(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

double PgRows::Double(int row, int column) const {
  return std::strtod(PQgetvalue(result_.get(), row, column), nullptr);
}

int64_t PgRows::affected() const {
  const char* n = PQcmdTuples(result_.get());
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

PgConnection::PgConnection(const PgConnectOptions& options) : conn_(nullptr, PQfinish) {
  std::string timeout = std::to_string(options.connect_timeout_seconds);
  // TCP keepalives so a vanished server (a lost node, a cut network) breaks an idle session
  // within ~15 s instead of the kernel's two hours, and tcp_user_timeout so a session with a
  // query in flight does too (keepalives do not probe while sent data waits for its ACK; the
  // retransmissions alone take ~15 minutes): a leader cut off mid-check must not go on acting.
  std::vector<const char*> keys = {"dbname",          "connect_timeout",     "application_name",
                                   "keepalives_idle", "keepalives_interval", "keepalives_count",
                                   "tcp_user_timeout"};
  std::vector<const char*> values = {
      options.url.c_str(), timeout.c_str(), "fleetgate", "5", "2", "3", "15000"};
  if (!options.password.empty()) {
    keys.push_back("password");
    values.push_back(options.password.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK) {
    throw PgError("cannot connect to PostgreSQL at " + RedactUrl(options.url) + ": " +
                      Trimmed(conn_ ? PQerrorMessage(conn_.get()) : "out of memory"),
                  "08001", true);
  }
  PQsetNoticeProcessor(
      conn_.get(), [](void*, const char*) {}, nullptr);
}

void PgConnection::ExecScript(const std::string& sql) {
  PGresult* result = PQexec(conn_.get(), sql.c_str());
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    PQclear(result);
    return;
  }
  ThrowFor(result);
}

PgRows PgConnection::Exec(const std::string& sql, const std::vector<PgParam>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const PgParam& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* result = PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                  nullptr, values.data(), nullptr, nullptr, 0);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgRows(result);
  ThrowFor(result);
}

void PgConnection::ThrowFor(PGresult* result) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  std::string message = Trimmed(result ? PQresultErrorMessage(result) : "");
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_.get()));
  PQclear(result);
  throw PgError(message, sqlstate, SessionLost(conn_.get(), sqlstate));
}

void PgConnection::RollbackQuietly() {
  if (PQtransactionStatus(conn_.get()) == PQTRANS_INERROR ||
      PQtransactionStatus(conn_.get()) == PQTRANS_INTRANS) {
    PQclear(PQexec(conn_.get(), "ROLLBACK"));
  }
}

std::string ToParam(int64_t value) { return std::to_string(value); }

std::string ToParam(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

}  // namespace fleetgate::storage
