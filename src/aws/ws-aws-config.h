/* ws-aws-config.h — ~/.aws/config and ~/.aws/credentials, parsed as the AWS SDKs do
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_AWS_CONFIG (ws_aws_config_get_type ())
G_DECLARE_FINAL_TYPE (WsAwsConfig, ws_aws_config, WS, AWS_CONFIG, GObject)

/* Parse errors are WS_AWS_ERROR_INVALID_CONFIG with a message naming the
 * file, the line and why ("~/.aws/config:12: expected 'key = value'"). */

/* Pure: parse the text of both files (either may be NULL = absent); the
 * names are only used in error messages. */
WsAwsConfig *ws_aws_config_new_from_data       (const char  *config_text,
                                                const char  *config_name,
                                                const char  *credentials_text,
                                                const char  *credentials_name,
                                                GError     **error);
/* Reads the files named by @environ (AWS_CONFIG_FILE,
 * AWS_SHARED_CREDENTIALS_FILE, HOME); a missing file is an empty one. */
WsAwsConfig *ws_aws_config_load                (const char * const *environ,
                                                GError     **error);
/* Pure: where a file is, with ~ expanded ("config" or "credentials"). */
char        *ws_aws_config_resolve_file_path   (const char * const *environ,
                                                gboolean     credentials);
/* Pure: a variable of @environ, %NULL when unset or empty (the SDKs treat
 * an empty setting as none). */
const char  *ws_aws_config_getenv              (const char * const *environ,
                                                const char  *name);
/* Pure: AWS_PROFILE > AWS_DEFAULT_PROFILE > "default". */
const char  *ws_aws_config_get_default_profile_name (const char * const *environ);
/* The profile to ask the credentials provider for when a catalog row or a
 * setting names @profile: %NULL (the implicit profile, whose environment
 * keys count as for a command without --profile) when it is the default
 * one, else @profile. */
const char  *ws_aws_config_request_profile (const char * const *environ,
                                            const char         *profile);

/* Profiles of both files, merged (the credentials file wins a clash). */
GStrv        ws_aws_config_get_profile_names   (WsAwsConfig *self);
gboolean     ws_aws_config_has_profile         (WsAwsConfig *self,
                                                const char  *profile);
/* Keys are matched case-insensitively. %NULL when unset. */
const char  *ws_aws_config_get_profile_value   (WsAwsConfig *self,
                                                const char  *profile,
                                                const char  *key);
/* The same, %NULL also when empty; @self may be %NULL (no files). */
const char  *ws_aws_config_get_profile_setting (WsAwsConfig *self,
                                                const char  *profile,
                                                const char  *key);
const char  *ws_aws_config_get_profile_sub_value (WsAwsConfig *self,
                                                const char  *profile,
                                                const char  *key,
                                                const char  *sub_key);
gboolean     ws_aws_config_has_sso_session     (WsAwsConfig *self,
                                                const char  *session);
const char  *ws_aws_config_get_sso_session_value (WsAwsConfig *self,
                                                const char  *session,
                                                const char  *key);
/* [services NAME] → SERVICE = (indented) KEY = value */
const char  *ws_aws_config_get_services_value  (WsAwsConfig *self,
                                                const char  *services_name,
                                                const char  *service,
                                                const char  *key);

/* Sorted lists, for tools and tests that enumerate what a file holds
 * (empty when the profile or session does not exist). */
GStrv        ws_aws_config_get_profile_keys    (WsAwsConfig *self,
                                                const char  *profile);
GStrv        ws_aws_config_get_sso_session_names (WsAwsConfig *self);
GStrv        ws_aws_config_get_sso_session_keys (WsAwsConfig *self,
                                                const char  *session);

G_END_DECLS
