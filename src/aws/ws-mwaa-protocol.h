/* ws-mwaa-protocol.h — MWAA wire facts as pure functions: names, paths,
 * response parsing, the login URL
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define WS_TYPE_MWAA_ENVIRONMENT (ws_mwaa_environment_get_type ())

/* What GetEnvironment tells about one environment; any field may be NULL. */
typedef struct
{
  char *name;
  char *arn;
  char *status;              /* "AVAILABLE", … (unknown values kept) */
  char *airflow_version;     /* "2.10.3", "3.0.6" */
  char *webserver_hostname;  /* WebserverUrl without https:// */
  char *access_mode;         /* WebserverAccessMode */
  char *environment_class;
  char *last_error;          /* LastUpdate.Error.ErrorMessage */
} WsMwaaEnvironment;

GType              ws_mwaa_environment_get_type (void) G_GNUC_CONST;
WsMwaaEnvironment *ws_mwaa_environment_copy     (const WsMwaaEnvironment *self);
void               ws_mwaa_environment_free     (WsMwaaEnvironment *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsMwaaEnvironment, ws_mwaa_environment_free)

/* Pattern [a-zA-Z][0-9a-zA-Z-_]*, 1–80 characters. */
gboolean  ws_mwaa_validate_environment_name (const char  *name,
                                             GError     **error);
/* ENV argument: "name", "profile/region/name", or
 * "arn:PARTITION:airflow:REGION:ACCOUNT:environment/NAME" (sets region). */
gboolean  ws_mwaa_parse_environment_ref     (const char  *ref,
                                             char       **profile,
                                             char       **region,
                                             char       **name,
                                             GError     **error);
/* The Airflow UI sign-in URL, with the /pluginsv2 form for Airflow 3 and
 * later; %NULL when @hostname is not a valid host or @web_token is empty.
 * The result holds the token: wipe it before freeing. */
char     *ws_mwaa_build_login_url           (const char  *hostname,
                                             const char  *web_token,
                                             const char  *airflow_version);
/* "MaxResults=25[&NextToken=…]", encoded. */
char     *ws_mwaa_list_environments_query   (const char  *next_token,
                                             guint        max_results);
gboolean  ws_mwaa_parse_web_login_token     (GBytes      *body,
                                             char       **hostname,
                                             char       **web_token,
                                             GError     **error);
/* Returns: (element-type utf8): environment names; @next_token NULL at the end. */
GPtrArray *ws_mwaa_parse_list_environments  (GBytes      *body,
                                             char       **next_token,
                                             GError     **error);
WsMwaaEnvironment *ws_mwaa_parse_get_environment (GBytes *body,
                                             GError     **error);

/* A web server host name as MWAA reports it ("host", "https://host/")
 * reduced to the bare host; anything with a port, path, spaces or a
 * scheme other than https is WS_AWS_ERROR_INVALID_ARGUMENT. */
char     *ws_mwaa_normalize_hostname        (const char  *hostname,
                                             GError     **error);
G_END_DECLS
