/* test-aws-config.c — the ~/.aws/config and credentials parser
 *
 * Runs the AWS SDKs' shared suites (tests/data/aws-sdk-config-tests/) and
 * hand-written cases for what they leave out: error locations, CRLF, huge
 * and binary files, loading real files, the getters.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <glib/gstdio.h>
#include <glib-unix.h>
#include <json-glib/json-glib.h>

#include <fcntl.h>
#include <pwd.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ws-aws-config.h"
#include "ws-aws-error.h"
#include "ws-test-util.h"

static char *tmp_home;

static JsonArray *
load_suite (const char  *name,
            JsonParser **parser_out)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "aws-sdk-config-tests", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *tests;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  tests = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "tests");
  g_assert_nonnull (tests);
  *parser_out = g_steal_pointer (&parser);

  return tests;
}

static const char *
get_string_or_null (JsonObject *object,
                    const char *member)
{
  return json_object_has_member (object, member) ? json_object_get_string_member (object, member) : NULL;
}

/* @expected is { name: { key: value } }; @names and @keys_of tell what we have. */
static void
assert_sections (WsAwsConfig *config,
                 JsonObject  *expected,
                 GStrv        names,
                 GStrv      (*keys_of) (WsAwsConfig *, const char *),
                 const char *(*value_of) (WsAwsConfig *, const char *, const char *))
{
  g_autoptr(GList) members = json_object_get_members (expected);

  g_assert_cmpuint (g_strv_length (names), ==, g_list_length (members));

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      JsonObject *properties = json_object_get_object_member (expected, name);
      g_autoptr(GList) keys = json_object_get_members (properties);
      g_auto(GStrv) actual_keys = keys_of (config, name);

      g_assert_true (g_strv_contains ((const char * const *) names, name));
      g_assert_cmpuint (g_strv_length (actual_keys), ==, g_list_length (keys));
      for (GList *k = keys; k != NULL; k = k->next)
        g_assert_cmpstr (value_of (config, name, k->data), ==,
                         json_object_get_string_member (properties, k->data));
    }
}

static void
run_profile_parser_case (JsonObject *test_case)
{
  JsonObject *input = json_object_get_object_member (test_case, "input");
  JsonObject *output = json_object_get_object_member (test_case, "output");
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *expected;
  g_auto(GStrv) profile_names = NULL;
  g_auto(GStrv) session_names = NULL;

  g_test_message ("case: %s", json_object_get_string_member (test_case, "name"));

  config = ws_aws_config_new_from_data (get_string_or_null (input, "configFile"), "~/.aws/config",
                                        get_string_or_null (input, "credentialsFile"), "~/.aws/credentials",
                                        &error);

  if (json_object_has_member (output, "errorContaining"))
    {
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
      g_assert_null (config);
      g_assert_nonnull (strstr (error->message, json_object_get_string_member (output, "errorContaining")));
      return;
    }

  g_assert_no_error (error);
  expected = json_object_get_object_member (output, "config");
  /* A future suite with more members (services…) must fail here, not pass unchecked. */
  g_assert_cmpuint (json_object_get_size (expected), ==,
                    1 + json_object_has_member (expected, "sso_sessions"));

  profile_names = ws_aws_config_get_profile_names (config);
  assert_sections (config, json_object_get_object_member (expected, "profiles"), profile_names,
                   ws_aws_config_get_profile_keys, ws_aws_config_get_profile_value);

  session_names = ws_aws_config_get_sso_session_names (config);
  if (json_object_has_member (expected, "sso_sessions"))
    assert_sections (config, json_object_get_object_member (expected, "sso_sessions"), session_names,
                     ws_aws_config_get_sso_session_keys, ws_aws_config_get_sso_session_value);
  else
    g_assert_cmpuint (g_strv_length (session_names), ==, 0);
}

/* Every case of the cross-SDK suite. We follow it, not botocore, where the
 * two disagree (inline comments, [profile default] over [default],
 * duplicate sections merging); the AWS CLI writes files on which both agree. */
static void
test_profile_parser_suite (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *tests = load_suite ("profile-parser-tests.json", &parser);
  guint n_run = 0;

  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      run_profile_parser_case (json_array_get_object_element (tests, i));
      n_run++;
    }

  g_assert_cmpuint (n_run, ==, json_array_get_length (tests));
  g_assert_cmpuint (n_run, ==, 65);
}

static char *
passwd_home (void)
{
  struct passwd *entry = getpwuid (getuid ());

  g_assert_nonnull (entry);
  return g_strdup (entry->pw_dir);
}

/* Windows cases expect '\' separators and homes from USERPROFILE or
 * HOMEDRIVE+HOMEPATH. On this platform the path is the same with '/'
 * after the home, and those variables are ignored: without HOME (or the
 * AWS_* override) the home comes from the password database. */
static void
assert_location (const char *actual,
                 const char *expected,
                 const char *platform,
                 gboolean    named_by_environment,
                 const char *file)
{
  g_autofree char *home = NULL;
  g_autofree char *fallback = NULL;

  if (g_str_equal (platform, "linux"))
    {
      g_assert_cmpstr (actual, ==, expected);
      return;
    }

  g_assert_cmpstr (platform, ==, "windows");
  if (named_by_environment)
    {
      g_autoptr(GString) windows = g_string_new (actual);

      g_string_replace (windows, "/", "\\", 0);
      g_assert_cmpstr (windows->str, ==, expected);
      return;
    }

  home = passwd_home ();
  fallback = g_build_filename (home, ".aws", file, NULL);
  g_assert_cmpstr (actual, ==, fallback);
}

static void
test_file_location_suite (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *tests = load_suite ("file-location-tests.json", &parser);
  guint n_run = 0;

  for (guint i = 0; i < json_array_get_length (tests); i++)
    {
      JsonObject *test_case = json_array_get_object_element (tests, i);
      JsonObject *environment = json_object_get_object_member (test_case, "environment");
      const char *platform = json_object_get_string_member (test_case, "platform");
      g_autoptr(GList) variables = json_object_get_members (environment);
      g_auto(GStrv) envp = NULL;
      g_autofree char *config_path = NULL;
      g_autofree char *credentials_path = NULL;
      gboolean has_home;

      g_test_message ("case: %s", json_object_get_string_member (test_case, "name"));

      for (GList *l = variables; l != NULL; l = l->next)
        envp = g_environ_setenv (envp, l->data, json_object_get_string_member (environment, l->data), TRUE);

      config_path = ws_aws_config_resolve_file_path ((const char * const *) envp, FALSE);
      credentials_path = ws_aws_config_resolve_file_path ((const char * const *) envp, TRUE);
      has_home = json_object_has_member (environment, "HOME");
      assert_location (config_path, json_object_get_string_member (test_case, "configLocation"), platform,
                       has_home || json_object_has_member (environment, "AWS_CONFIG_FILE"), "config");
      assert_location (credentials_path, json_object_get_string_member (test_case, "credentialsLocation"), platform,
                       has_home || json_object_has_member (environment, "AWS_SHARED_CREDENTIALS_FILE"), "credentials");

      if (json_object_has_member (test_case, "profile"))
        g_assert_cmpstr (ws_aws_config_get_default_profile_name ((const char * const *) envp), ==,
                         json_object_get_string_member (test_case, "profile"));
      n_run++;
    }

  g_assert_cmpuint (n_run, ==, json_array_get_length (tests));
  g_assert_cmpuint (n_run, ==, 9);
}

static void
assert_parse_error (const char *config_text,
                    const char *credentials_text,
                    const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;

  config = ws_aws_config_new_from_data (config_text, "/home/u/.aws/config",
                                        credentials_text, "/home/u/.aws/credentials",
                                        &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_null (config);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, expected));
}

static void
test_error_locations (void)
{
  assert_parse_error ("# comment\n[profile a]\nregion = eu-west-1\n\nnot a property\n", NULL,
                      "/home/u/.aws/config, line 5: Expected an '=' sign defining a property");
  assert_parse_error ("[profile a]\r\n\r\n[profile b\r\n", NULL,
                      "/home/u/.aws/config, line 3: Profile definition must end with ']'");
  assert_parse_error ("[profile a]\n", "[a]\ns3 =\n  = x\n",
                      "/home/u/.aws/credentials, line 3: Sub-property did not have a name");
  assert_parse_error ("[profile a]\ns3 =\n  addressing_style = path\n  oops\n", NULL,
                      "/home/u/.aws/config, line 4: Expected an '=' sign defining a sub-property");
  assert_parse_error ("[profile a]\nregion = eu-\xff\n", NULL,
                      "/home/u/.aws/config, line 2: The text is not valid UTF-8");
}

/* A mistyped secret line must not end up in a message shown or logged. */
static void
test_error_hides_line (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;

  config = ws_aws_config_new_from_data (NULL, NULL,
                                        "[default]\naws_secret_access_key: wJalrXUtnFEMI/K7MDENG\n", "credentials",
                                        &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_null (strstr (error->message, "wJalrXUtnFEMI"));
  g_assert_nonnull (strstr (error->message, "credentials, line 2:"));
}

static void
test_crlf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;

  config = ws_aws_config_new_from_data ("[profile a]\r\nregion = eu-west-1 \r\ns3 =\r\n  addressing_style = path\r\n"
                                        "[services local]\r\nmwaa =\r\n  endpoint_url = http://127.0.0.1:4566\r\n",
                                        "config", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "a", "region"), ==, "eu-west-1");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "a", "s3"), ==, "\naddressing_style = path");
  g_assert_cmpstr (ws_aws_config_get_profile_sub_value (config, "a", "s3", "addressing_style"), ==, "path");
  g_assert_cmpstr (ws_aws_config_get_services_value (config, "local", "mwaa", "endpoint_url"), ==,
                   "http://127.0.0.1:4566");
}

static void
test_getters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;
  const char *config_text =
    "[profile b]\n"
    "Region = eu-west-1\n"
    "services = local\n"
    "s3 =\n"
    "  Addressing_Style = path ; comment\n"
    "  max_attempts=3\n"
    "[default]\n"
    "region = us-east-1\n"
    "[profile a]\n"
    "sso_session = corp\n"
    "[profile b]\n"
    "output = json\n"
    "[sso-session corp]\n"
    "sso_start_url = https://corp.awsapps.com/start\n"
    "SSO_Region = eu-central-1\n"
    "[services local]\n"
    "MWAA =\n"
    "  endpoint_url = http://127.0.0.1:4566\n"
    "sts =\n"
    "  endpoint_url = http://127.0.0.1:4567\n";
  const char *credentials_text =
    "[c]\n"
    "aws_access_key_id = AKIDC\n"
    "[b]\n"
    "region = ap-south-1\n";

  config = ws_aws_config_new_from_data (config_text, "config", credentials_text, "credentials", &error);
  g_assert_no_error (error);

  /* File order, each name once, the credentials file's new ones last. */
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpstrv (names, ((const char * const []) { "b", "default", "a", "c", NULL }));
  g_assert_true (ws_aws_config_has_profile (config, "c"));
  g_assert_false (ws_aws_config_has_profile (config, "B"));
  g_assert_false (ws_aws_config_has_profile (config, "corp"));

  /* Keys are case-insensitive; the credentials file wins. */
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "b", "REGION"), ==, "ap-south-1");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "b", "output"), ==, "json");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "default", "region"), ==, "us-east-1");
  g_assert_null (ws_aws_config_get_profile_value (config, "a", "region"));
  g_assert_null (ws_aws_config_get_profile_value (config, "nope", "region"));

  /* Like botocore and the Rust SDK, a sub-property's value is the rest of
   * its line, comments included, as in any continuation line. */
  g_assert_cmpstr (ws_aws_config_get_profile_sub_value (config, "b", "S3", "addressing_style"), ==,
                   "path ; comment");
  g_assert_cmpstr (ws_aws_config_get_profile_sub_value (config, "b", "s3", "max_attempts"), ==, "3");
  g_assert_null (ws_aws_config_get_profile_sub_value (config, "b", "s3", "nope"));
  g_assert_null (ws_aws_config_get_profile_sub_value (config, "b", "region", "nope"));

  g_assert_true (ws_aws_config_has_sso_session (config, "corp"));
  g_assert_false (ws_aws_config_has_sso_session (config, "a"));
  g_assert_cmpstr (ws_aws_config_get_sso_session_value (config, "corp", "sso_region"), ==, "eu-central-1");
  g_assert_null (ws_aws_config_get_sso_session_value (config, "nope", "sso_region"));

  g_assert_cmpstr (ws_aws_config_get_services_value (config, "local", "mwaa", "ENDPOINT_URL"), ==,
                   "http://127.0.0.1:4566");
  g_assert_cmpstr (ws_aws_config_get_services_value (config, "local", "sts", "endpoint_url"), ==,
                   "http://127.0.0.1:4567");
  g_assert_null (ws_aws_config_get_services_value (config, "local", "s3", "endpoint_url"));
  g_assert_null (ws_aws_config_get_services_value (config, "other", "mwaa", "endpoint_url"));
}

static void
test_sections (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) sessions = NULL;

  config = ws_aws_config_new_from_data ("[default]\nregion = us-east-1\n[profile x]\n[profile default]\n"
                                        "[ sso-session corp ] ; comment\nsso_region = eu-west-1\n",
                                        "config",
                                        "[sso-session other]\nsso_region = x\n[services s]\nmwaa =\n  a = b\n"
                                        "[x]\ns3 =\n  addressing_style = virtual\n",
                                        "credentials", &error);
  g_assert_no_error (error);

  /* An empty [profile default] still hides [default], in its first place. */
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpstrv (names, ((const char * const []) { "default", "x", NULL }));
  g_assert_null (ws_aws_config_get_profile_value (config, "default", "region"));

  /* Sessions and services come from the config file only. */
  sessions = ws_aws_config_get_sso_session_names (config);
  g_assert_cmpstrv (sessions, ((const char * const []) { "corp", NULL }));
  g_assert_cmpstr (ws_aws_config_get_sso_session_value (config, "corp", "sso_region"), ==, "eu-west-1");
  g_assert_null (ws_aws_config_get_services_value (config, "s", "mwaa", "a"));
  g_assert_cmpstr (ws_aws_config_get_profile_sub_value (config, "x", "s3", "addressing_style"), ==, "virtual");
}

static void
test_default_profile_name (void)
{
  const char * const none[] = { "HOME=/home/u", NULL };
  const char * const empty[] = { "AWS_PROFILE=", NULL };
  const char * const legacy[] = { "AWS_DEFAULT_PROFILE=old", NULL };
  const char * const both[] = { "AWS_DEFAULT_PROFILE=old", "AWS_PROFILE=new", NULL };

  g_assert_cmpstr (ws_aws_config_get_default_profile_name (none), ==, "default");
  g_assert_cmpstr (ws_aws_config_get_default_profile_name (NULL), ==, "default");
  g_assert_cmpstr (ws_aws_config_get_default_profile_name (empty), ==, "default");
  g_assert_cmpstr (ws_aws_config_get_default_profile_name (legacy), ==, "old");
  /* The AWS CLI v2 order (botocore alone checks AWS_DEFAULT_PROFILE first). */
  g_assert_cmpstr (ws_aws_config_get_default_profile_name (both), ==, "new");
}

static void
test_resolve_tilde (void)
{
  const char * const envp[] = { "HOME=/home/u", "AWS_CONFIG_FILE=~/work/config",
                                "AWS_SHARED_CREDENTIALS_FILE=~other/credentials", NULL };
  g_autofree char *config_path = ws_aws_config_resolve_file_path (envp, FALSE);
  g_autofree char *credentials_path = ws_aws_config_resolve_file_path (envp, TRUE);

  g_assert_cmpstr (config_path, ==, "/home/u/work/config");
  /* "~user" is not expanded, as in the SDKs. */
  g_assert_cmpstr (credentials_path, ==, "~other/credentials");
}

/* A fresh home under the test's temporary one, with an environment naming it. */
static GStrv
make_home (const char *name,
           char      **home_out)
{
  g_autofree char *home = g_build_filename (tmp_home, name, NULL);
  GStrv envp = g_environ_setenv (NULL, "HOME", home, TRUE);

  g_assert_cmpint (g_mkdir_with_parents (home, 0700), ==, 0);
  *home_out = g_steal_pointer (&home);

  return envp;
}

static void
test_load (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("load", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);
  g_autofree char *credentials_path = g_build_filename (home, ".aws", "credentials", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;

  ws_test_write_file (config_path, "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-east-2\n", -1, 0600);
  ws_test_write_file (credentials_path, "[default]\naws_access_key_id = AKIDEXAMPLE\nregion = eu-north-1\n", -1, 0600);

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpstrv (names, ((const char * const []) { "default", "dev", NULL }));
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "default", "aws_access_key_id"), ==, "AKIDEXAMPLE");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "default", "region"), ==, "eu-north-1");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "dev", "region"), ==, "us-east-2");
}

static void
test_load_missing (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("missing", &home);
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
}

static void
test_load_override (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("override", &home);
  g_autofree char *config_path = g_build_filename (home, "elsewhere", "config", NULL);
  g_autofree char *default_path = g_build_filename (home, ".aws", "config", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;

  ws_test_write_file (config_path, "[profile moved]\nregion = sa-east-1\n", -1, 0600);
  ws_test_write_file (default_path, "[profile ignored]\n", -1, 0600);
  envp = g_environ_setenv (envp, "AWS_CONFIG_FILE", "~/elsewhere/config", TRUE);

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "moved", "region"), ==, "sa-east-1");
  g_assert_false (ws_aws_config_has_profile (config, "ignored"));
}

/* AWS_CONFIG_FILE=/dev/null is a common way to say "no config". */
static void
test_load_dev_null (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("dev-null", &home);
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;

  envp = g_environ_setenv (envp, "AWS_CONFIG_FILE", "/dev/null", TRUE);
  envp = g_environ_setenv (envp, "AWS_SHARED_CREDENTIALS_FILE", "/dev/null", TRUE);

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
}

static void
assert_load_error (GStrv       envp,
                   const char *path,
                   const char *why)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_null (config);
  g_test_message ("error: %s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, why));
}

static void
test_load_unreadable (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("unreadable", &home);
  g_autofree char *credentials_path = g_build_filename (home, ".aws", "credentials", NULL);

  /* A directory cannot be read, even by root. */
  g_assert_cmpint (g_mkdir_with_parents (credentials_path, 0700), ==, 0);
  assert_load_error (envp, credentials_path, "Could not read");
}

static void
test_load_parse_error (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("parse-error", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);
  g_autofree char *expected = NULL;

  ws_test_write_file (config_path, "[profile a]\nregion = eu-west-1\nregion: eu-west-2\n", -1, 0600);
  expected = g_strdup_printf ("%s, line 3:", config_path);
  assert_load_error (envp, expected, "Expected an '=' sign");
}

static void
test_load_binary (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("binary", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);
  static const char binary[] = "[profile a]\nregion = eu\0west-1\n";

  ws_test_write_file (config_path, binary, sizeof binary - 1, 0600);
  assert_load_error (envp, config_path, "binary data");
}

static void
test_load_too_large (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("too-large", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);
  gsize length = 10 * 1024 * 1024 + 1;
  g_autofree char *text = g_malloc (length);

  /* Valid text (comment lines): only the size is wrong. */
  memset (text, '#', length);
  for (gsize i = 79; i < length; i += 80)
    text[i] = '\n';
  ws_test_write_file (config_path, text, length, 0600);
  assert_load_error (envp, config_path, "10 MiB");
}

/* 50 MB, sparse: refused after reading 10 MiB, never loaded whole. */
static void
test_load_huge (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("huge", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);

  ws_test_write_file (config_path, "[profile a]\nregion = eu-west-1\n", -1, 0600);
  g_assert_cmpint (truncate (config_path, 50 * 1024 * 1024), ==, 0);
  assert_load_error (envp, config_path, "10 MiB");
}

static void
test_load_not_utf8 (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("not-utf8", &home);
  g_autofree char *credentials_path = g_build_filename (home, ".aws", "credentials", NULL);
  g_autofree char *expected = NULL;

  ws_test_write_file (credentials_path, "[default]\naws_access_key_id = AKID\n[caf\xe9]\n", -1, 0600);
  expected = g_strdup_printf ("%s, line 3:", credentials_path);
  assert_load_error (envp, expected, "not valid UTF-8");
}

/* Symbolic links are followed, as by the AWS CLI (dotfiles managers link
 * ~/.aws/config); one that leads nowhere is said so, not taken for "no
 * config", and a loop is an error too. */
static void
test_load_symlinks (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("symlinks", &home);
  g_autofree char *aws_dir = g_build_filename (home, ".aws", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  g_autofree char *target = g_build_filename (home, "dotfiles", "aws-config", NULL);
  g_autofree char *loop = g_build_filename (aws_dir, "loop", NULL);
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  ws_test_write_file (target, "[profile linked]\nregion = eu-west-3\n", -1, 0600);
  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);
  g_assert_cmpint (symlink (target, config_path), ==, 0);
  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "linked", "region"), ==, "eu-west-3");

  g_assert_cmpint (g_unlink (target), ==, 0);
  assert_load_error (envp, config_path, "symbolic link to a file that does not exist");

  g_assert_cmpint (symlink (loop, loop), ==, 0);
  envp = g_environ_setenv (envp, "AWS_CONFIG_FILE", loop, TRUE);
  assert_load_error (envp, loop, "Could not read");
}

/* A FIFO nobody writes to reads as empty instead of hanging; a pipe with
 * text in it (AWS_CONFIG_FILE=<(…), i.e. /dev/fd/N) is read. */
static void
test_load_fifo (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("fifo", &home);
  g_autofree char *aws_dir = g_build_filename (home, ".aws", NULL);
  g_autofree char *config_path = g_build_filename (aws_dir, "config", NULL);
  static const char text[] = "[profile piped]\nregion = ap-south-1\n";
  g_autofree char *pipe_path = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;
  int fds[2];

  g_assert_cmpint (g_mkdir_with_parents (aws_dir, 0700), ==, 0);
  g_assert_cmpint (mkfifo (config_path, 0600), ==, 0);
  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpuint (g_strv_length (names), ==, 0);
  g_clear_object (&config);

  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, NULL));
  g_assert_cmpint (write (fds[1], text, sizeof text - 1), ==, sizeof text - 1);
  g_close (fds[1], NULL);
  pipe_path = g_strdup_printf ("/proc/self/fd/%d", fds[0]);
  envp = g_environ_setenv (envp, "AWS_CONFIG_FILE", pipe_path, TRUE);
  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "piped", "region"), ==, "ap-south-1");
  g_close (fds[0], NULL);
}

/* Repeated sections merge as the SDKs define (the later value wins; in the
 * config file [profile default] beats [default]), however many there are. */
static void
test_load_duplicate_sections (void)
{
  g_autofree char *home = NULL;
  g_auto(GStrv) envp = make_home ("duplicates", &home);
  g_autofree char *config_path = g_build_filename (home, ".aws", "config", NULL);
  g_autoptr(GString) text = g_string_new ("[default]\nregion = eu-west-1\n[profile default]\nregion = eu-west-2\n");
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) names = NULL;

  for (guint i = 0; i < 10000; i++)
    g_string_append_printf (text, "[profile dup]\nregion = r%u\n[sso-session s]\nsso_region = r%u\n", i, i);
  g_string_append (text, "[profile dup]\noutput = json\n");
  ws_test_write_file (config_path, text->str, text->len, 0600);

  config = ws_aws_config_load ((const char * const *) envp, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpstrv (names, ((const char * const []) { "default", "dup", NULL }));
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "default", "region"), ==, "eu-west-2");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "dup", "region"), ==, "r9999");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "dup", "output"), ==, "json");
  g_assert_cmpstr (ws_aws_config_get_sso_session_value (config, "s", "sso_region"), ==, "r9999");
}

/* Large but acceptable: many profiles, a long continued value. */
static void
test_large_file (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) names = NULL;
  const char *value;

  for (guint i = 0; i < 20000; i++)
    g_string_append_printf (text, "[profile p%u]\nregion = r%u\n", i, i);
  g_string_append (text, "[profile long]\nvalue = start\n");
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "  more\n");

  config = ws_aws_config_new_from_data (text->str, "config", NULL, NULL, &error);
  g_assert_no_error (error);
  names = ws_aws_config_get_profile_names (config);
  g_assert_cmpuint (g_strv_length (names), ==, 20001);
  g_assert_cmpstr (names[12345], ==, "p12345");
  g_assert_cmpstr (ws_aws_config_get_profile_value (config, "p19999", "region"), ==, "r19999");
  value = ws_aws_config_get_profile_value (config, "long", "value");
  g_assert_cmpuint (strlen (value), ==, strlen ("start") + 100000 * strlen ("\nmore"));
  g_assert_true (g_str_has_suffix (value, "more\nmore"));
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmp_home = ws_test_isolate ("test-aws-config");

  g_test_add_func ("/aws-config/suite/profile-parser", test_profile_parser_suite);
  g_test_add_func ("/aws-config/suite/file-location", test_file_location_suite);
  g_test_add_func ("/aws-config/parse/error-locations", test_error_locations);
  g_test_add_func ("/aws-config/parse/error-hides-line", test_error_hides_line);
  g_test_add_func ("/aws-config/parse/crlf", test_crlf);
  g_test_add_func ("/aws-config/parse/large-file", test_large_file);
  g_test_add_func ("/aws-config/parse/sections", test_sections);
  g_test_add_func ("/aws-config/getters", test_getters);
  g_test_add_func ("/aws-config/default-profile-name", test_default_profile_name);
  g_test_add_func ("/aws-config/resolve-tilde", test_resolve_tilde);
  g_test_add_func ("/aws-config/load/files", test_load);
  g_test_add_func ("/aws-config/load/missing", test_load_missing);
  g_test_add_func ("/aws-config/load/override", test_load_override);
  g_test_add_func ("/aws-config/load/dev-null", test_load_dev_null);
  g_test_add_func ("/aws-config/load/unreadable", test_load_unreadable);
  g_test_add_func ("/aws-config/load/parse-error", test_load_parse_error);
  g_test_add_func ("/aws-config/load/binary", test_load_binary);
  g_test_add_func ("/aws-config/load/too-large", test_load_too_large);
  g_test_add_func ("/aws-config/load/huge", test_load_huge);
  g_test_add_func ("/aws-config/load/not-utf8", test_load_not_utf8);
  g_test_add_func ("/aws-config/load/symlinks", test_load_symlinks);
  g_test_add_func ("/aws-config/load/fifo", test_load_fifo);
  g_test_add_func ("/aws-config/load/duplicate-sections", test_load_duplicate_sections);

  ret = g_test_run ();

  ws_test_remove_tree (tmp_home);
  g_free (tmp_home);

  return ret;
}
