/* ws-fake-service.h — the service as the UI sees it: a GApplication with
 * the service's id and actions on the (private) session bus, recording
 * each activation and its platform data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_FAKE_SERVICE (ws_fake_service_get_type ())

G_DECLARE_FINAL_TYPE (WsFakeService, ws_fake_service, WS, FAKE_SERVICE, GApplication)

/* Registered on the session bus (owns APP_ID) when this returns. */
WsFakeService *ws_fake_service_new               (void);
/* Each activation as "action" or "action ref", in order. */
GPtrArray     *ws_fake_service_get_calls         (WsFakeService *self);
/* The platform data of the last activation, or NULL. */
GVariant      *ws_fake_service_get_platform_data (WsFakeService *self);

G_END_DECLS
