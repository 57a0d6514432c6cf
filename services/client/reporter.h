#pragma once
// The 0.x header of the client library, kept for one release: include "client/report_client.h"
// and use fleetgate::client::ReportClient (fleetgate::Reporter is its deprecated alias).

#include "client/report_client.h"
