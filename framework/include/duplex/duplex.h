/// @file
/// duplex: Express-style HTTP + WebSocket for C++20 on libuv. Include this one header.
#pragma once

#include "duplex/app.h"
#include "duplex/body.h"
#include "duplex/cluster.h"
#include "duplex/client.h"
#include "duplex/cookies.h"
#include "duplex/error.h"
#include "duplex/event_loop.h"
#include "duplex/http_options.h"
#include "duplex/json.h"
#include "duplex/request.h"
#include "duplex/response.h"
#include "duplex/router.h"
#include "duplex/static_files.h"
#include "duplex/session.h"
#include "duplex/websocket.h"
#include "duplex/ws_server.h"
