#pragma once
// GET /api/v1/events: the live event stream (text/event-stream) served by an SseHub.

#include "events/sse_hub.h"
#include "http/router.h"

namespace fleetgate::events {

// `hub` must outlive the router.
void AddEventRoutes(http::Router& router, SseHub& hub);

}  // namespace fleetgate::events
