/* ws-profile-chain.h — which credential sources a profile resolves to
 * (pure: config + environment in, an ordered chain out, no I/O)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-config.h"

G_BEGIN_DECLS

typedef enum
{
  WS_PROFILE_SOURCE_STATIC,       /* aws_access_key_id + aws_secret_access_key */
  WS_PROFILE_SOURCE_NAMED,        /* credential_source = Environment | Ec2InstanceMetadata | EcsContainer */
  WS_PROFILE_SOURCE_WEB_IDENTITY, /* web_identity_token_file + role_arn */
  WS_PROFILE_SOURCE_SSO,          /* sso_account_id + sso_role_name (+ sso-session) */
  WS_PROFILE_SOURCE_PROCESS,      /* credential_process */
} WsProfileSourceKind;

/**
 * WsProfileSource:
 * @profile: the profile it was found in; %NULL when it comes from the
 *   environment (AWS_WEB_IDENTITY_TOKEN_FILE)
 *
 * The first link of a chain. Only the fields of @kind are set; the strings
 * are borrowed from the config (or the environ) given to the resolver.
 */
typedef struct
{
  WsProfileSourceKind  kind;
  const char          *profile;
  /* STATIC */
  const char          *access_key_id;
  const char          *secret_access_key;
  const char          *session_token;
  const char          *account_id;
  /* NAMED */
  const char          *credential_source;
  /* WEB_IDENTITY */
  const char          *web_identity_token_file;
  const char          *role_arn;
  const char          *role_session_name;
  /* SSO */
  const char          *sso_session;
  const char          *sso_start_url;
  const char          *sso_region;
  const char          *sso_account_id;
  const char          *sso_role_name;
  /* PROCESS */
  const char          *credential_process;
} WsProfileSource;

/* One AssumeRole hop, signed with the credentials of the link before it. */
typedef struct
{
  const char *profile;
  const char *role_arn;
  const char *role_session_name;
  const char *external_id;
  const char *mfa_serial;
  guint       duration_seconds;  /* 0: not set, STS's default applies */
} WsProfileRole;

/**
 * WsProfileChain:
 * @profile: the selected profile's name
 * @source: where the first credentials come from
 * @roles: (element-type WsProfileRole): the roles to assume, in order
 */
typedef struct
{
  char            *profile;
  WsProfileSource  source;
  GArray          *roles;
  /*< private >*/
  WsAwsConfig     *config;
} WsProfileChain;

/**
 * ws_profile_chain_resolve:
 * @config: the parsed config files
 * @profile: (nullable): an explicit profile, or %NULL for AWS_PROFILE /
 *   AWS_DEFAULT_PROFILE / "default"; only then is AWS_WEB_IDENTITY_TOKEN_FILE
 *   (with AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME) read from @environ
 * @environ: the environment; it must outlive the returned chain
 *
 * Errors: WS_AWS_ERROR_UNKNOWN_PROFILE (a named profile does not exist),
 * WS_AWS_ERROR_NO_CREDENTIALS (the selected profile names no credentials),
 * WS_AWS_ERROR_INVALID_CONFIG (anything inconsistent: partial keys, loops,
 * a missing source profile or sso-session…).
 */
WsProfileChain *ws_profile_chain_resolve (WsAwsConfig        *config,
                                          const char         *profile,
                                          const char * const *environ,
                                          GError            **error);
void            ws_profile_chain_free    (WsProfileChain     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (WsProfileChain, ws_profile_chain_free)

G_END_DECLS
