/* ws-catalog.h — every MWAA environment the user can reach, as a
 * GListModel of WsEnvironment, discovered over profiles × regions and
 * cached on disk so it is complete the instant a process starts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ws-aws-context.h"
#include "ws-environment.h"

G_BEGIN_DECLS

#define WS_TYPE_CATALOG (ws_catalog_get_type ())

G_DECLARE_FINAL_TYPE (WsCatalog, ws_catalog, WS, CATALOG, GObject)

/* The cache file (also read by the picker process), JSON:
 *   { "version": 1, "updated": <g_get_real_time() µs of the discovery>,
 *     "environments": [ ws_environment_to_json() objects: "profile",
 *        "region", "name", "arn", "status", "airflow_version",
 *        "webserver_hostname", "access_mode", "last_error", "pinned" ],
 *     "profiles": [ { "name", "uses_sso", "error" (message, optional),
 *        "error_code" (WsAwsError, optional) } ] }
 * A missing, unreadable or malformed cache is an empty catalog, never an
 * error; it is written atomically with mode 0600. */

/* What discovery learnt about one profile. */
typedef struct
{
  char     *name;
  gboolean  uses_sso;   /* sso_session / sso_start_url: "Sign in…" can fix it */
  GError   *error;      /* why its environments could not be listed, or NULL */
} WsCatalogProfile;

/**
 * ws_catalog_new:
 * @context: (nullable): the AWS set-up to discover with; %NULL for a
 *   read-only catalog that only loads the cache (the picker's)
 * @settings: (nullable): io.github.windsock.Windsock settings (profiles,
 *   extra-regions, pinned-environments); %NULL scans every profile
 * @cache_path: (nullable): the cache file; %NULL for
 *   $XDG_CACHE_HOME/windsock/catalog.json
 *
 * Loads the cache synchronously (it is small); does not start discovery.
 * Items are sorted by profile (config order, default first), region, name.
 */
WsCatalog              *ws_catalog_new               (WsAwsContext *context,
                                                      GSettings    *settings,
                                                      const char   *cache_path);
/* Starts discovery in the background unless one is running; the list is
 * updated in place (stable items, items-changed for what changed) and the
 * cache rewritten atomically (0600) when it ends. */
void                    ws_catalog_refresh           (WsCatalog    *self);
/* Refreshes when the last discovery is older than @max_age_seconds. */
void                    ws_catalog_refresh_if_stale  (WsCatalog    *self,
                                                      guint         max_age_seconds);
gboolean                ws_catalog_get_refreshing    (WsCatalog    *self);
/* Wall-clock time (g_get_real_time) of the last finished discovery (or of
 * the cache), 0 when never. */
gint64                  ws_catalog_get_last_refresh  (WsCatalog    *self);
/* (element-type WsCatalogProfile): the profiles scanned, in order. */
GPtrArray              *ws_catalog_get_profiles      (WsCatalog    *self);
const WsCatalogProfile *ws_catalog_get_profile       (WsCatalog    *self,
                                                      const char   *name);
/**
 * ws_catalog_lookup:
 * @ref: "profile/region/name", an environment ARN, or a bare name
 *
 * Returns: (transfer full): the environment; a bare name must be unique
 * (else WS_AWS_ERROR_INVALID_ARGUMENT listing the candidates); not found is
 * WS_AWS_ERROR_NOT_FOUND.
 */
WsEnvironment          *ws_catalog_lookup            (WsCatalog    *self,
                                                      const char   *ref,
                                                      GError      **error);
/* The cache file this catalog reads (and, with a context, writes). */
const char             *ws_catalog_get_cache_path    (WsCatalog    *self);
/* At most this many ListEnvironments/GetEnvironment chains in flight
 * (default 8). */
void                    ws_catalog_set_max_parallel  (WsCatalog    *self,
                                                      guint         max_parallel);
/* Tests inject a monitor; default g_network_monitor_get_default(). */
void                    ws_catalog_set_network_monitor (WsCatalog       *self,
                                                        GNetworkMonitor *monitor);

/* Properties: refreshing (b), last-refresh (x).
 * Signals: profiles-changed (void) after each discovery. */

G_END_DECLS
