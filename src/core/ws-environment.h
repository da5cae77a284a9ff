/* ws-environment.h — one MWAA environment as the catalog knows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "ws-mwaa-protocol.h"

G_BEGIN_DECLS

#define WS_TYPE_ENVIRONMENT (ws_environment_get_type ())

G_DECLARE_FINAL_TYPE (WsEnvironment, ws_environment, WS, ENVIRONMENT, GObject)

/* Properties (all read-only after construction, except status fields and
 * the problem, which a refresh updates and notifies):
 *   profile, region, name, arn, account-id (from the ARN), status,
 *   airflow-version, webserver-hostname, access-mode, last-error,
 *   pinned (added by hand in settings), problem (a translated sentence
 *   when the environment cannot be opened right now, else NULL). */
WsEnvironment *ws_environment_new               (const char *profile,
                                                 const char *region,
                                                 const char *name);
WsEnvironment *ws_environment_new_from_mwaa     (const char              *profile,
                                                 const char              *region,
                                                 const WsMwaaEnvironment *mwaa);

const char    *ws_environment_get_profile            (WsEnvironment *self);
const char    *ws_environment_get_region             (WsEnvironment *self);
const char    *ws_environment_get_name               (WsEnvironment *self);
const char    *ws_environment_get_arn                (WsEnvironment *self);
const char    *ws_environment_get_account_id         (WsEnvironment *self);
const char    *ws_environment_get_status             (WsEnvironment *self);
const char    *ws_environment_get_airflow_version    (WsEnvironment *self);
const char    *ws_environment_get_webserver_hostname (WsEnvironment *self);
const char    *ws_environment_get_access_mode        (WsEnvironment *self);
const char    *ws_environment_get_last_error         (WsEnvironment *self);
gboolean       ws_environment_get_pinned             (WsEnvironment *self);
void           ws_environment_set_pinned             (WsEnvironment *self,
                                                      gboolean       pinned);
const char    *ws_environment_get_problem            (WsEnvironment *self);
void           ws_environment_set_problem            (WsEnvironment *self,
                                                      const char    *problem);
/* Copies the GetEnvironment fields (status, version, host, …) from @mwaa,
 * notifying the ones that changed. */
void           ws_environment_update_from_mwaa       (WsEnvironment           *self,
                                                      const WsMwaaEnvironment *mwaa);

/* "profile/region/name": the ENV reference actions and the CLI take. */
char          *ws_environment_dup_ref                (WsEnvironment *self);
/* Pure: the same reference from its parts. */
char          *ws_environment_format_ref             (const char    *profile,
                                                      const char    *region,
                                                      const char    *name);

/* Pure: whether a status allows opening the Airflow UI (AVAILABLE,
 * UPDATING, UPDATE_FAILED, MAINTENANCE, ROLLING_BACK, CREATING_SNAPSHOT,
 * unknown/NULL status: yes; CREATING, CREATE_FAILED, DELETING, DELETED,
 * UNAVAILABLE, PENDING: no). When not, @reason gets a translated reason. */
gboolean       ws_environment_status_is_usable       (const char  *status,
                                                      char       **reason);
/* Usable = no problem and a usable status; @reason as above. */
gboolean       ws_environment_is_usable              (WsEnvironment *self,
                                                      char         **reason);
/* A translated, human status word ("Available", "Updating", …; unknown
 * values as sent). */
const char    *ws_environment_status_to_label        (const char    *status);

/* Cache form: a JSON object of the persistent fields (no problem). */
JsonObject    *ws_environment_to_json                (WsEnvironment *self);
/* NULL (with @error) when required fields are missing or invalid. */
WsEnvironment *ws_environment_new_from_json          (JsonObject    *object,
                                                      GError       **error);

G_END_DECLS
