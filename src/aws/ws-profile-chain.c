/* ws-profile-chain.c — which credential sources a profile resolves to
 *
 * The walk follows the cross-SDK suite (smithy-rs `assume-role-tests.json`)
 * and, where the AWS CLI (botocore credentials.py) disagrees, the AWS CLI:
 *
 *  - a profile with only `sso_session` (no sso_account_id/sso_role_name) is
 *    not a credential source for the CLI (the Rust SDK treats it as SSO);
 *  - a source profile with static keys still goes through the CLI's profile
 *    providers (web identity, SSO, static keys, credential_process), where
 *    the Rust SDK takes its static keys first;
 *  - `credential_source` only counts next to `role_arn`;
 *  - a profile may name itself as source_profile only when it has static keys.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-profile-chain.h"

#include <glib/gi18n.h>

#include "ws-aws-error.h"

typedef enum
{
  OUTCOME_NOT_CONFIGURED,
  OUTCOME_FOUND,
  OUTCOME_FAILED,
} Outcome;

typedef struct
{
  WsAwsConfig        *config;
  const char * const *envp;
  WsProfileChain     *chain;
} Resolver;

/* An empty value counts as unset, as the SDKs' `key in profile` checks
 * would otherwise accept `aws_access_key_id =` as a key. */
static char *
config_path (Resolver *r)
{
  return ws_aws_config_resolve_file_path (r->envp, FALSE);
}

static gboolean
has_static_keys (Resolver   *r,
                 const char *profile)
{
  return ws_aws_config_get_profile_setting (r->config, profile, "aws_access_key_id") != NULL ||
         ws_aws_config_get_profile_setting (r->config, profile, "aws_secret_access_key") != NULL;
}

/* Web identity profiles carry a role_arn too, but are a base source. */
static gboolean
is_role_profile (Resolver   *r,
                 const char *profile)
{
  return ws_aws_config_get_profile_setting (r->config, profile, "role_arn") != NULL &&
         ws_aws_config_get_profile_setting (r->config, profile, "web_identity_token_file") == NULL;
}

static Outcome
try_web_identity (Resolver         *r,
                  const char       *profile,
                  gboolean          use_env,
                  WsProfileSource  *source,
                  GError          **error)
{
  const char *env_token_file = NULL;
  const char *token_file = NULL;
  const char *role_arn = NULL;
  const char *session_name = NULL;

  /* The environment wins unless a profile was chosen explicitly. */
  if (use_env)
    {
      token_file = env_token_file = ws_aws_config_getenv (r->envp, "AWS_WEB_IDENTITY_TOKEN_FILE");
      role_arn = ws_aws_config_getenv (r->envp, "AWS_ROLE_ARN");
      session_name = ws_aws_config_getenv (r->envp, "AWS_ROLE_SESSION_NAME");
    }
  if (profile != NULL)
    {
      token_file = token_file ? token_file
                              : ws_aws_config_get_profile_setting (r->config, profile, "web_identity_token_file");
      role_arn = role_arn ? role_arn : ws_aws_config_get_profile_setting (r->config, profile, "role_arn");
      session_name = session_name ? session_name
                                  : ws_aws_config_get_profile_setting (r->config, profile, "role_session_name");
    }

  if (token_file == NULL)
    return OUTCOME_NOT_CONFIGURED;

  if (role_arn == NULL && env_token_file != NULL)
    {
      g_set_error_literal (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                           _("AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set both or neither."));
      return OUTCOME_FAILED;
    }
  if (role_arn == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” has a web_identity_token_file but no role_arn; add role_arn to it or set AWS_ROLE_ARN."),
                   profile);
      return OUTCOME_FAILED;
    }

  source->kind = WS_PROFILE_SOURCE_WEB_IDENTITY;
  source->profile = profile;
  source->web_identity_token_file = token_file;
  source->role_arn = role_arn;
  source->role_session_name = session_name;
  return OUTCOME_FOUND;
}

/* With an sso-session, sso_start_url and sso_region belong to the session;
 * a profile may repeat them only with the same value. */
static gboolean
check_sso_session_key (Resolver    *r,
                       const char  *profile,
                       const char  *session,
                       const char  *key,
                       GError     **error)
{
  const char *in_profile = ws_aws_config_get_profile_setting (r->config, profile, key);
  const char *in_session = ws_aws_config_get_sso_session_value (r->config, session, key);
  g_autofree char *path = NULL;

  if (in_profile == NULL || g_strcmp0 (in_profile, in_session) == 0)
    return TRUE;

  path = config_path (r);
  if (in_session == NULL)
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                 _("Profile “%s” sets %s, which belongs in [sso-session %s]; move it there in %s."),
                 profile, key, session, path);
  else
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                 _("Profile “%s” and [sso-session %s] set different values for %s; keep one in %s."),
                 profile, session, key, path);
  return FALSE;
}

static Outcome
try_sso (Resolver         *r,
         const char       *profile,
         WsProfileSource  *source,
         GError          **error)
{
  const char *session = ws_aws_config_get_profile_setting (r->config, profile, "sso_session");
  const char *account = ws_aws_config_get_profile_setting (r->config, profile, "sso_account_id");
  const char *role = ws_aws_config_get_profile_setting (r->config, profile, "sso_role_name");
  const char *start_url;
  const char *region;
  g_autofree char *path = config_path (r);

  if (session != NULL)
    {
      if (!ws_aws_config_has_sso_session (r->config, session))
        {
          g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                       _("Profile “%s” refers to sso-session “%s”, which is not in %s; add an [sso-session %s] section."),
                       profile, session, path, session);
          return OUTCOME_FAILED;
        }
      if (!check_sso_session_key (r, profile, session, "sso_start_url", error) ||
          !check_sso_session_key (r, profile, session, "sso_region", error))
        return OUTCOME_FAILED;
    }

  if (account == NULL && role == NULL)
    return OUTCOME_NOT_CONFIGURED;

  if (account == NULL || role == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” needs both sso_account_id and sso_role_name; add the missing one in %s."),
                   profile, path);
      return OUTCOME_FAILED;
    }

  if (session != NULL)
    {
      start_url = ws_aws_config_get_sso_session_value (r->config, session, "sso_start_url");
      region = ws_aws_config_get_sso_session_value (r->config, session, "sso_region");
    }
  else
    {
      start_url = ws_aws_config_get_profile_setting (r->config, profile, "sso_start_url");
      region = ws_aws_config_get_profile_setting (r->config, profile, "sso_region");
    }

  if (start_url == NULL || region == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” uses IAM Identity Center but has no %s; run `aws configure sso --profile %s` or add it in %s."),
                   profile, start_url == NULL ? "sso_start_url" : "sso_region", profile, path);
      return OUTCOME_FAILED;
    }

  source->kind = WS_PROFILE_SOURCE_SSO;
  source->profile = profile;
  source->sso_session = session;
  source->sso_start_url = start_url;
  source->sso_region = region;
  source->sso_account_id = account;
  source->sso_role_name = role;
  return OUTCOME_FOUND;
}

static Outcome
try_static (Resolver         *r,
            const char       *profile,
            WsProfileSource  *source,
            GError          **error)
{
  const char *access_key_id = ws_aws_config_get_profile_setting (r->config, profile, "aws_access_key_id");
  const char *secret_access_key = ws_aws_config_get_profile_setting (r->config, profile, "aws_secret_access_key");
  const char *token;

  if (access_key_id == NULL && secret_access_key == NULL)
    return OUTCOME_NOT_CONFIGURED;

  if (access_key_id == NULL || secret_access_key == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” has %s but no %s; add it or run `aws configure --profile %s`."),
                   profile,
                   access_key_id ? "aws_access_key_id" : "aws_secret_access_key",
                   access_key_id ? "aws_secret_access_key" : "aws_access_key_id",
                   profile);
      return OUTCOME_FAILED;
    }

  /* botocore reads the legacy name first. */
  token = ws_aws_config_get_profile_setting (r->config, profile, "aws_security_token");
  if (token == NULL)
    token = ws_aws_config_get_profile_setting (r->config, profile, "aws_session_token");

  source->kind = WS_PROFILE_SOURCE_STATIC;
  source->profile = profile;
  source->access_key_id = access_key_id;
  source->secret_access_key = secret_access_key;
  source->session_token = token;
  source->account_id = ws_aws_config_get_profile_setting (r->config, profile, "aws_account_id");
  return OUTCOME_FOUND;
}

static Outcome
try_process (Resolver        *r,
             const char      *profile,
             WsProfileSource *source)
{
  const char *command = ws_aws_config_get_profile_setting (r->config, profile, "credential_process");

  if (command == NULL)
    return OUTCOME_NOT_CONFIGURED;

  source->kind = WS_PROFILE_SOURCE_PROCESS;
  source->profile = profile;
  source->credential_process = command;
  return OUTCOME_FOUND;
}

static void
set_no_source_error (Resolver    *r,
                     const char  *profile,
                     gboolean     selected,
                     GError     **error)
{
  g_autofree char *path = config_path (r);
  const char *session = ws_aws_config_get_profile_setting (r->config, profile, "sso_session");

  if (session != NULL)
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                 _("Profile “%s” uses sso-session “%s” but has no sso_account_id and sso_role_name; add both in %s."),
                 profile, session, path);
  else if (selected)
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_CREDENTIALS,
                 _("Profile “%s” has no credentials. Run `aws configure --profile %s` or `windsock login %s`."),
                 profile, profile, profile);
  else
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                 _("Source profile “%s” has no credentials; add keys, SSO or a credential_process to it in %s."),
                 profile, path);
}

/* The AWS CLI's profile providers, in their order: web identity, SSO,
 * static keys, credential_process. botocore puts keys of the credentials
 * file before credential_process and keys of the config file after it; the
 * merged config cannot tell them apart, so keys win (the common case). */
static gboolean
resolve_base (Resolver    *r,
              const char  *profile,
              gboolean     selected,
              gboolean     use_env,
              GError     **error)
{
  WsProfileSource *source = &r->chain->source;
  Outcome outcome;

  outcome = try_web_identity (r, profile, use_env, source, error);
  if (outcome == OUTCOME_NOT_CONFIGURED)
    outcome = try_sso (r, profile, source, error);
  if (outcome == OUTCOME_NOT_CONFIGURED)
    outcome = try_static (r, profile, source, error);
  if (outcome == OUTCOME_NOT_CONFIGURED)
    outcome = try_process (r, profile, source);
  if (outcome == OUTCOME_NOT_CONFIGURED)
    set_no_source_error (r, profile, selected, error);

  return outcome == OUTCOME_FOUND;
}

static gboolean
add_role (Resolver    *r,
          const char  *profile,
          GError     **error)
{
  WsProfileRole role = { 0 };
  const char *duration;

  role.profile = profile;
  role.role_arn = ws_aws_config_get_profile_setting (r->config, profile, "role_arn");
  role.role_session_name = ws_aws_config_get_profile_setting (r->config, profile, "role_session_name");
  role.external_id = ws_aws_config_get_profile_setting (r->config, profile, "external_id");
  role.mfa_serial = ws_aws_config_get_profile_setting (r->config, profile, "mfa_serial");

  duration = ws_aws_config_get_profile_setting (r->config, profile, "duration_seconds");
  if (duration != NULL)
    {
      guint64 seconds;

      /* STS's own limits: 15 minutes to the role's maximum of at most 12 hours. */
      if (!g_ascii_string_to_unsigned (duration, 10, 900, 43200, &seconds, NULL))
        {
          g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                       _("Profile “%s” has duration_seconds = %s; use a number of seconds from 900 to 43200."),
                       profile, duration);
          return FALSE;
        }
      role.duration_seconds = seconds;
    }

  /* The walk meets the outermost role first; roles are applied innermost
   * first. */
  g_array_prepend_val (r->chain->roles, role);
  return TRUE;
}

static gboolean
is_known_credential_source (const char *name)
{
  /* Compared case-sensitively, as botocore does. */
  return g_str_equal (name, "Environment") ||
         g_str_equal (name, "Ec2InstanceMetadata") ||
         g_str_equal (name, "EcsContainer");
}

/* Reads where the role of @profile takes its credentials from: sets
 * *next to a source profile, or fills the chain's source and sets NULL. */
static gboolean
role_source (Resolver     *r,
             const char   *profile,
             const char  **next,
             GError      **error)
{
  const char *source_profile = ws_aws_config_get_profile_setting (r->config, profile, "source_profile");
  const char *credential_source = ws_aws_config_get_profile_setting (r->config, profile, "credential_source");
  g_autofree char *path = config_path (r);

  *next = NULL;

  if (source_profile != NULL && credential_source != NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” has both source_profile and credential_source; keep only one in %s."),
                   profile, path);
      return FALSE;
    }

  if (credential_source != NULL)
    {
      if (!is_known_credential_source (credential_source))
        {
          g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                       _("Profile “%s” has credential_source = %s; use Environment, Ec2InstanceMetadata or EcsContainer."),
                       profile, credential_source);
          return FALSE;
        }
      r->chain->source.kind = WS_PROFILE_SOURCE_NAMED;
      r->chain->source.profile = profile;
      r->chain->source.credential_source = credential_source;
      return TRUE;
    }

  if (source_profile == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” has a role_arn but no source_profile or credential_source; add one in %s."),
                   profile, path);
      return FALSE;
    }

  if (!ws_aws_config_has_profile (r->config, source_profile))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("Profile “%s” names source_profile “%s”, which is not in %s; add it or fix the name."),
                   profile, source_profile, path);
      return FALSE;
    }

  *next = source_profile;
  return TRUE;
}

static gboolean
visited_contains (GPtrArray  *visited,
                  const char *profile)
{
  return g_ptr_array_find_with_equal_func (visited, profile, g_str_equal, NULL);
}

static gboolean
set_loop_error (Resolver   *r,
                GPtrArray  *visited,
                const char *profile,
                GError    **error)
{
  g_autoptr(GString) names = g_string_new (NULL);

  for (guint i = 0; i < visited->len; i++)
    g_string_append_printf (names, "%s → ", (const char *) g_ptr_array_index (visited, i));
  g_string_append (names, profile);

  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
               _("The source_profile settings form a loop (%s); break it so one profile has its own credentials."),
               names->str);
  return FALSE;
}

/* Walks source_profile links from the selected profile down to a base
 * source, collecting the roles on the way (innermost first). */
static gboolean
walk (Resolver    *r,
      const char  *selected,
      gboolean     use_env,
      GError     **error)
{
  g_autoptr(GPtrArray) visited = g_ptr_array_new ();
  const char *profile = selected;

  for (;;)
    {
      const char *next;
      gboolean first = visited->len == 0;

      g_ptr_array_add (visited, (gpointer) profile);

      /* A source profile with keys, or without a role, is a base source. */
      if (!is_role_profile (r, profile) || (!first && has_static_keys (r, profile)))
        return resolve_base (r, profile, first, first && use_env, error);

      if (!add_role (r, profile, error) || !role_source (r, profile, &next, error))
        return FALSE;

      if (next == NULL)
        return TRUE;

      /* Lets one profile hold both the keys and the role to assume with them. */
      if (g_str_equal (next, profile) && has_static_keys (r, profile))
        return try_static (r, profile, &r->chain->source, error) == OUTCOME_FOUND;

      if (visited_contains (visited, next))
        return set_loop_error (r, visited, next, error);

      profile = next;
    }
}

static gboolean
profile_named_by_env (Resolver *r)
{
  return ws_aws_config_getenv (r->envp, "AWS_PROFILE") != NULL ||
         ws_aws_config_getenv (r->envp, "AWS_DEFAULT_PROFILE") != NULL;
}

static gboolean
resolve_missing_profile (Resolver    *r,
                         gboolean     explicit_profile,
                         GError     **error)
{
  const char *name = r->chain->profile;
  g_autofree char *path = config_path (r);

  /* Outside a profile (in CI, say) the environment alone may be enough. */
  if (!explicit_profile)
    {
      Outcome outcome = try_web_identity (r, NULL, TRUE, &r->chain->source, error);

      if (outcome != OUTCOME_NOT_CONFIGURED)
        return outcome == OUTCOME_FOUND;
    }

  if (explicit_profile || profile_named_by_env (r))
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE,
                 _("There is no profile “%s” in %s; create it with `aws configure --profile %s`."),
                 name, path, name);
  else
    g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_CREDENTIALS,
                 _("No AWS credentials found. Run `aws configure` or `windsock login PROFILE`, or set AWS_PROFILE."));
  return FALSE;
}

WsProfileChain *
ws_profile_chain_resolve (WsAwsConfig        *config,
                          const char         *profile,
                          const char * const *envp,
                          GError            **error)
{
  g_autoptr(WsProfileChain) chain = NULL;
  GError *local_error = NULL;
  Resolver r;
  gboolean explicit_profile = profile != NULL;
  gboolean ok;

  g_return_val_if_fail (WS_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (envp != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  chain = g_new0 (WsProfileChain, 1);
  chain->config = g_object_ref (config);
  chain->roles = g_array_new (FALSE, TRUE, sizeof (WsProfileRole));
  chain->profile = g_strdup (explicit_profile ? profile
                                              : ws_aws_config_get_default_profile_name (envp));

  r.config = config;
  r.envp = envp;
  r.chain = chain;

  if (ws_aws_config_has_profile (config, chain->profile))
    ok = walk (&r, chain->profile, !explicit_profile, &local_error);
  else
    ok = resolve_missing_profile (&r, explicit_profile, &local_error);

  if (!ok)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }

  return g_steal_pointer (&chain);
}

void
ws_profile_chain_free (WsProfileChain *self)
{
  if (self == NULL)
    return;

  g_clear_pointer (&self->roles, g_array_unref);
  g_clear_object (&self->config);
  g_free (self->profile);
  g_free (self);
}
