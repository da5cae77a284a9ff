/* ws-mwaa.h — the MWAA operations Windsock needs, with profile, region and
 * credentials resolved, and errors phrased for the person who asked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-client.h"
#include "ws-credentials-provider.h"
#include "ws-mwaa-protocol.h"

G_BEGIN_DECLS

#define WS_TYPE_MWAA (ws_mwaa_get_type ())
G_DECLARE_FINAL_TYPE (WsMwaa, ws_mwaa, WS, MWAA, GObject)

WsMwaa    *ws_mwaa_new                     (WsAwsClient           *client,
                                            WsCredentialsProvider *provider,
                                            const char * const    *environ);

/**
 * ws_mwaa_create_login_url_async:
 * @profile: (nullable): an explicit profile, or %NULL for AWS_PROFILE / default
 * @region: (nullable): an explicit region (--region, an ARN), or %NULL
 * @name: the environment name
 * @airflow_version: (nullable): the version when known (from a catalog);
 *   when %NULL, GetEnvironment runs in parallel with CreateWebLoginToken so
 *   Airflow 3 environments get their URL without an extra round trip
 *
 * Mints a web login token and builds the Airflow sign-in URL (valid 60 s).
 */
void       ws_mwaa_create_login_url_async  (WsMwaa                *self,
                                            const char            *profile,
                                            const char            *region,
                                            const char            *name,
                                            const char            *airflow_version,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
char      *ws_mwaa_create_login_url_finish (WsMwaa                *self,
                                            GAsyncResult          *result,
                                            GError               **error);

/* Every page of ListEnvironments, then GetEnvironment for each (a few at a
 * time). Returns: (element-type WsMwaaEnvironment): sorted by name. An
 * environment whose GetEnvironment fails keeps its name and a NULL status. */
void       ws_mwaa_list_environments_async (WsMwaa                *self,
                                            const char            *profile,
                                            const char            *region,
                                            GCancellable          *cancellable,
                                            GAsyncReadyCallback    callback,
                                            gpointer               user_data);
GPtrArray *ws_mwaa_list_environments_finish (WsMwaa               *self,
                                            GAsyncResult          *result,
                                            GError               **error);

/* Opens the connection a login URL for @profile in @region will use (the
 * env. endpoint), so the click that follows skips DNS, TCP and TLS. Best
 * effort: a failure only means the click connects itself. */
void       ws_mwaa_preconnect              (WsMwaa                *self,
                                            const char            *profile,
                                            const char            *region,
                                            GCancellable          *cancellable);

G_END_DECLS
