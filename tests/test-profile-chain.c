/* test-profile-chain.c — the credential chain a profile resolves to
 *
 * Runs every case of the cross-SDK `assume-role-tests.json`, plus the
 * cases it lacks (environment, credential_process, role settings).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "ws-aws-error.h"
#include "ws-profile-chain.h"
#include "ws-test-util.h"

#define SUITE_CASES 28

static JsonArray *suite;
static char *tmp_home;

/* Pure: the suite's profiles written as a config file. */
static char *
config_text_from_case (JsonObject *input)
{
  GString *text = g_string_new (NULL);
  const struct { const char *member; const char *prefix; } sections[] = {
    { "profiles", "profile " },
    { "sso_sessions", "sso-session " },
  };

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonObject *group;
      g_autoptr(GList) names = NULL;

      if (!json_object_has_member (input, sections[s].member))
        continue;

      group = json_object_get_object_member (input, sections[s].member);
      names = json_object_get_members (group);
      for (GList *l = names; l != NULL; l = l->next)
        {
          JsonObject *props = json_object_get_object_member (group, l->data);
          g_autoptr(GList) keys = json_object_get_members (props);

          g_string_append_printf (text, "[%s%s]\n", sections[s].prefix, (const char *) l->data);
          for (GList *k = keys; k != NULL; k = k->next)
            g_string_append_printf (text, "%s = %s\n", (const char *) k->data,
                                    json_object_get_string_member (props, k->data));
        }
    }

  return g_string_free (text, FALSE);
}

static char **
clean_environ (void)
{
  return g_environ_setenv (NULL, "HOME", tmp_home, TRUE);
}

static WsAwsConfig *
config_from_text (const char *config_text,
                  const char *credentials_text)
{
  g_autoptr(GError) error = NULL;
  WsAwsConfig *config;

  config = ws_aws_config_new_from_data (config_text, "config", credentials_text, "credentials", &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);
  return config;
}

static const char *
source_field (const WsProfileSource *source,
              const char            *name)
{
  const struct { const char *name; const char *value; } fields[] = {
    { "access_key_id", source->access_key_id },
    { "secret_access_key", source->secret_access_key },
    { "session_token", source->session_token },
    { "account_id", source->account_id },
    { "role_arn", source->role_arn },
    { "role_session_name", source->role_session_name },
    { "web_identity_token_file", source->web_identity_token_file },
    { "sso_session", source->sso_session },
    { "sso_start_url", source->sso_start_url },
    { "sso_region", source->sso_region },
    { "sso_account_id", source->sso_account_id },
    { "sso_role_name", source->sso_role_name },
    { "credential_process", source->credential_process },
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, name))
      return fields[i].value;
  g_assert_not_reached ();
}

static guint
source_field_count (const WsProfileSource *source)
{
  const char *all[] = {
    source->access_key_id, source->secret_access_key, source->session_token,
    source->account_id, source->role_arn, source->role_session_name,
    source->web_identity_token_file, source->sso_session, source->sso_start_url,
    source->sso_region, source->sso_account_id, source->sso_role_name,
    source->credential_process,
  };
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    n += all[i] != NULL;
  return n;
}

static void
assert_fields (JsonObject *expected,
               guint       actual_count,
               const char *(*lookup) (gconstpointer, const char *),
               gconstpointer link)
{
  g_autoptr(GList) keys = json_object_get_members (expected);

  for (GList *k = keys; k != NULL; k = k->next)
    g_assert_cmpstr (lookup (link, k->data), ==, json_object_get_string_member (expected, k->data));
  g_assert_cmpuint (actual_count, ==, g_list_length (keys));
}

static const char *
lookup_source (gconstpointer link,
               const char   *name)
{
  return source_field (link, name);
}

static const char *
lookup_role (gconstpointer link,
             const char   *name)
{
  const WsProfileRole *role = link;

  if (g_str_equal (name, "role_arn"))
    return role->role_arn;
  if (g_str_equal (name, "role_session_name"))
    return role->role_session_name;
  if (g_str_equal (name, "external_id"))
    return role->external_id;
  g_assert_not_reached ();
}

static guint
role_field_count (const WsProfileRole *role)
{
  return (role->role_arn != NULL) + (role->role_session_name != NULL) +
         (role->external_id != NULL) + (role->mfa_serial != NULL) +
         (role->duration_seconds != 0);
}

static void
assert_source (JsonObject            *expected,
               const WsProfileSource *source)
{
  if (json_object_has_member (expected, "AccessKey"))
    {
      g_assert_cmpint (source->kind, ==, WS_PROFILE_SOURCE_STATIC);
      assert_fields (json_object_get_object_member (expected, "AccessKey"),
                     source_field_count (source), lookup_source, source);
    }
  else if (json_object_has_member (expected, "NamedSource"))
    {
      g_assert_cmpint (source->kind, ==, WS_PROFILE_SOURCE_NAMED);
      g_assert_cmpstr (source->credential_source, ==,
                       json_object_get_string_member (expected, "NamedSource"));
    }
  else if (json_object_has_member (expected, "WebIdentityToken"))
    {
      g_assert_cmpint (source->kind, ==, WS_PROFILE_SOURCE_WEB_IDENTITY);
      assert_fields (json_object_get_object_member (expected, "WebIdentityToken"),
                     source_field_count (source), lookup_source, source);
    }
  else if (json_object_has_member (expected, "Sso"))
    {
      g_assert_cmpint (source->kind, ==, WS_PROFILE_SOURCE_SSO);
      assert_fields (json_object_get_object_member (expected, "Sso"),
                     source_field_count (source), lookup_source, source);
    }
  else
    g_assert_not_reached ();
}

static void
assert_chain (JsonArray      *expected,
              WsProfileChain *chain)
{
  g_assert_cmpuint (json_array_get_length (expected), ==, chain->roles->len + 1);
  assert_source (json_array_get_object_element (expected, 0), &chain->source);

  for (guint i = 0; i < chain->roles->len; i++)
    {
      JsonObject *link = json_array_get_object_element (expected, i + 1);
      const WsProfileRole *role = &g_array_index (chain->roles, WsProfileRole, i);

      g_assert_true (json_object_has_member (link, "AssumeRole"));
      assert_fields (json_object_get_object_member (link, "AssumeRole"),
                     role_field_count (role), lookup_role, role);
    }
}

/* The suite's error texts are the Rust SDK's; ours differ in wording, so
 * the code is what is compared. */
static gint
expected_error_code (const char *docs)
{
  if (g_str_equal (docs, "profile only contains configuration"))
    return WS_AWS_ERROR_NO_CREDENTIALS;
  if (g_str_has_prefix (docs, "missing root profile"))
    return WS_AWS_ERROR_UNKNOWN_PROFILE;
  return WS_AWS_ERROR_INVALID_CONFIG;
}

static void
test_suite_case (gconstpointer data)
{
  JsonObject *test_case = json_array_get_object_element (suite, GPOINTER_TO_UINT (data));
  JsonObject *input = json_object_get_object_member (test_case, "input");
  JsonObject *output = json_object_get_object_member (test_case, "output");
  const char *docs = json_object_get_string_member (test_case, "docs");
  g_autofree char *text = config_text_from_case (input);
  g_autoptr(WsAwsConfig) config = config_from_text (text, NULL);
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(WsProfileChain) chain = NULL;
  g_autoptr(GError) error = NULL;

  g_test_message ("%s", docs);
  chain = ws_profile_chain_resolve (config,
                                    json_object_get_string_member (input, "selected_profile"),
                                    (const char * const *) envp, &error);

  /* The AWS CLI only takes SSO credentials from a profile naming
   * sso_account_id and sso_role_name; a bare sso_session (which the Rust
   * SDK resolves to an SSO token source) gives it no credentials. */
  if (g_str_equal (docs, "SSO token profile selected"))
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
      g_assert_nonnull (strstr (error->message, "sso_account_id"));
      g_assert_null (chain);
      return;
    }

  if (json_object_has_member (output, "Error"))
    {
      g_assert_error (error, WS_AWS_ERROR, expected_error_code (docs));
      g_assert_null (chain);
      return;
    }

  g_assert_no_error (error);
  g_assert_nonnull (chain);
  g_assert_cmpstr (chain->profile, ==, json_object_get_string_member (input, "selected_profile"));
  assert_chain (json_object_get_array_member (output, "ProfileChain"), chain);
}

static void
test_suite_count (void)
{
  g_assert_cmpuint (json_array_get_length (suite), ==, SUITE_CASES);
}

static WsProfileChain *
resolve_text (const char  *config_text,
              const char  *profile,
              char       **envp,
              GError     **error)
{
  g_autoptr(WsAwsConfig) config = config_from_text (config_text, NULL);

  return ws_profile_chain_resolve (config, profile, (const char * const *) envp, error);
}

static void
test_role_settings (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;
  const WsProfileRole *role;

  chain = resolve_text ("[profile admin]\n"
                        "role_arn = arn:aws:iam::1:role/Admin\n"
                        "source_profile = base\n"
                        "mfa_serial = arn:aws:iam::1:mfa/me\n"
                        "duration_seconds = 7200\n"
                        "[profile base]\n"
                        "aws_access_key_id = AKID\n"
                        "aws_secret_access_key = SECRET\n"
                        "aws_session_token = TOKEN\n",
                        "admin", envp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chain->source.profile, ==, "base");
  g_assert_cmpstr (chain->source.session_token, ==, "TOKEN");
  g_assert_cmpuint (chain->roles->len, ==, 1);
  role = &g_array_index (chain->roles, WsProfileRole, 0);
  g_assert_cmpstr (role->profile, ==, "admin");
  g_assert_cmpstr (role->mfa_serial, ==, "arn:aws:iam::1:mfa/me");
  g_assert_cmpuint (role->duration_seconds, ==, 7200);
}

static void
test_bad_duration (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  chain = resolve_text ("[profile r]\n"
                        "role_arn = arn:aws:iam::1:role/R\n"
                        "credential_source = Environment\n"
                        "duration_seconds = 60\n",
                        "r", envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "duration_seconds"));
  g_assert_null (chain);
}

static void
test_bad_credential_source (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  /* botocore compares the names case-sensitively. */
  chain = resolve_text ("[profile r]\n"
                        "role_arn = arn:aws:iam::1:role/R\n"
                        "credential_source = environment\n",
                        "r", envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_null (chain);
}

static void
test_credential_process (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  chain = resolve_text ("[profile p]\n"
                        "credential_process = /opt/bin/creds --profile \"my p\"\n",
                        "p", envp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chain->source.kind, ==, WS_PROFILE_SOURCE_PROCESS);
  g_assert_cmpstr (chain->source.credential_process, ==, "/opt/bin/creds --profile \"my p\"");
  g_assert_cmpuint (chain->roles->len, ==, 0);
}

static void
test_security_token_first (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  chain = resolve_text ("[default]\n"
                        "aws_access_key_id = AKID\n"
                        "aws_secret_access_key = SECRET\n"
                        "aws_session_token = NEW\n"
                        "aws_security_token = LEGACY\n",
                        NULL, envp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (chain->profile, ==, "default");
  g_assert_cmpstr (chain->source.session_token, ==, "LEGACY");
}

static void
test_env_web_identity (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  envp = g_environ_setenv (envp, "AWS_WEB_IDENTITY_TOKEN_FILE", "/run/token", TRUE);
  envp = g_environ_setenv (envp, "AWS_ROLE_ARN", "arn:aws:iam::1:role/Ci", TRUE);

  /* No config at all: the environment alone is enough. */
  chain = resolve_text ("", NULL, envp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chain->source.kind, ==, WS_PROFILE_SOURCE_WEB_IDENTITY);
  g_assert_null (chain->source.profile);
  g_assert_cmpstr (chain->source.web_identity_token_file, ==, "/run/token");
  g_assert_cmpstr (chain->source.role_arn, ==, "arn:aws:iam::1:role/Ci");
  g_clear_pointer (&chain, ws_profile_chain_free);

  /* The environment wins over the profile's keys… */
  chain = resolve_text ("[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
                        NULL, envp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chain->source.kind, ==, WS_PROFILE_SOURCE_WEB_IDENTITY);
  g_clear_pointer (&chain, ws_profile_chain_free);

  /* …unless the profile was chosen explicitly. */
  chain = resolve_text ("[default]\naws_access_key_id = A\naws_secret_access_key = S\n",
                        "default", envp, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chain->source.kind, ==, WS_PROFILE_SOURCE_STATIC);
  g_clear_pointer (&chain, ws_profile_chain_free);

  /* Half of it set: the message names the variables, not a profile. */
  envp = g_environ_unsetenv (envp, "AWS_ROLE_ARN");
  chain = resolve_text ("", NULL, envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "AWS_WEB_IDENTITY_TOKEN_FILE"));
  g_assert_null (strstr (error->message, "Profile"));
  g_assert_null (chain);
}

static void
test_missing_profiles (void)
{
  g_auto(GStrv) envp = clean_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(WsProfileChain) chain = NULL;

  /* Nothing configured at all. */
  chain = resolve_text ("", NULL, envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "aws configure"));
  g_assert_null (chain);
  g_clear_error (&error);

  /* A profile named by AWS_PROFILE must exist, and the message says where. */
  envp = g_environ_setenv (envp, "AWS_PROFILE", "prod", TRUE);
  chain = resolve_text ("[profile dev]\nregion = eu-west-1\n", NULL, envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE);
  g_assert_nonnull (strstr (error->message, "prod"));
  g_assert_nonnull (strstr (error->message, tmp_home));
  g_assert_null (chain);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* Never read the developer's own AWS set-up. */
  tmp_home = ws_test_isolate ("test-profile-chain");

  path = g_test_build_filename (G_TEST_DIST, "data", "aws-sdk-config-tests", "assume-role-tests.json", NULL);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  suite = json_node_get_array (json_parser_get_root (parser));

  g_test_add_func ("/profile-chain/suite/count", test_suite_count);
  for (guint i = 0; i < json_array_get_length (suite); i++)
    {
      g_autofree char *test_path = g_strdup_printf ("/profile-chain/suite/%02u", i);

      g_test_add_data_func (test_path, GUINT_TO_POINTER (i), test_suite_case);
    }
  g_test_add_func ("/profile-chain/role-settings", test_role_settings);
  g_test_add_func ("/profile-chain/bad-duration", test_bad_duration);
  g_test_add_func ("/profile-chain/bad-credential-source", test_bad_credential_source);
  g_test_add_func ("/profile-chain/credential-process", test_credential_process);
  g_test_add_func ("/profile-chain/security-token-first", test_security_token_first);
  g_test_add_func ("/profile-chain/env-web-identity", test_env_web_identity);
  g_test_add_func ("/profile-chain/missing-profiles", test_missing_profiles);

  ret = g_test_run ();

  ws_test_remove_tree (tmp_home);
  g_free (tmp_home);
  return ret;
}
