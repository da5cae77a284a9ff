/* test-credentials.c — the credential provider against the fake STS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ws-aws-error.h"
#include "ws-credential-process.h"
#include "ws-credentials-provider.h"
#include "ws-fake-aws.h"
#include "ws-sts.h"
#include "ws-test-util.h"

#define BASE_KEY    "AKIDBASE"
#define BASE_SECRET "base-secret"
#define ROLE_A      "arn:aws:iam::123456789012:role/RoleA"
#define ROLE_B      "arn:aws:iam::123456789012:role/RoleB"

typedef struct
{
  char         *home;
  WsFakeAws    *fake;
  WsAwsClient  *client;
  char        **envp;
  GHashTable   *last_form;    /* what STS last received */
  guint         sts_calls;
  guint         issued;
  GTimeSpan     lifetime;     /* of the credentials STS hands out */
  guint         mfa_prompts;
  GTask        *mfa_held;     /* a prompt left unanswered */
  const char  **mfa_codes;    /* what the scripted prompt answers, in turn */
  GPtrArray    *mfa_previous; /* the previous error each prompt saw ("" for none) */
  GPtrArray    *mfa_finished; /* each mfa-finished: its error message, or "" */
} Fixture;

#define MFA_SERIAL "arn:aws:iam::123456789012:mfa/alice"
#define GOOD_CODE  "123456"

/* STS */

static char *
format_time (GDateTime *time)
{
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

/* Answers AssumeRole and AssumeRoleWithWebIdentity with fresh keys, which
 * the fake then accepts (so a chained hop's signature is checked too). */
static void
sts_handler (WsFakeAws         *fake,
             SoupServerMessage *msg,
             const char        *body,
             gpointer           user_data)
{
  Fixture *fixture = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) expiration = g_date_time_add (now, fixture->lifetime);
  g_autofree char *expiration_text = format_time (expiration);
  g_autofree char *key = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *token = NULL;
  g_autofree char *xml = NULL;
  const char *action;

  g_clear_pointer (&fixture->last_form, g_hash_table_unref);
  fixture->last_form = g_uri_parse_params (body, -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (fixture->last_form);
  fixture->sts_calls++;

  /* STS's answer to a wrong code. */
  if (g_hash_table_contains (fixture->last_form, "TokenCode") &&
      g_strcmp0 (g_hash_table_lookup (fixture->last_form, "TokenCode"), GOOD_CODE) != 0)
    {
      static const char denied[] =
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
        "<Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message></Error>"
        "<RequestId>r</RequestId></ErrorResponse>";

      soup_server_message_set_status (msg, 403, NULL);
      soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_STATIC, denied, strlen (denied));
      return;
    }

  fixture->issued++;

  key = g_strdup_printf ("ASIAISSUED%u", fixture->issued);
  secret = g_strdup_printf ("issued-secret-%u", fixture->issued);
  token = g_strdup_printf ("issued/token+%u=", fixture->issued);
  ws_fake_aws_add_credentials (fake, key, secret, token);

  action = g_hash_table_lookup (fixture->last_form, "Action");
  xml = g_markup_printf_escaped ("<%sResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                                 "<%sResult><Credentials>"
                                 "<AccessKeyId>%s</AccessKeyId><SecretAccessKey>%s</SecretAccessKey>"
                                 "<SessionToken>%s</SessionToken><Expiration>%s</Expiration>"
                                 "</Credentials></%sResult>"
                                 "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
                                 "</%sResponse>",
                                 action, action, key, secret, token, expiration_text, action, action);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/xml", SOUP_MEMORY_COPY, xml, strlen (xml));
}

static const char *
form_value (Fixture    *fixture,
            const char *name)
{
  g_assert_nonnull (fixture->last_form);
  return g_hash_table_lookup (fixture->last_form, name);
}

/* Fixture */

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->home = g_dir_make_tmp ("test-credentials-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->fake = ws_fake_aws_new ();
  ws_fake_aws_add_credentials (fixture->fake, BASE_KEY, BASE_SECRET, NULL);
  /* @data asks for an STS that takes unsigned requests (web identity). */
  ws_fake_aws_set_handler (fixture->fake, "POST", "/", data == NULL, sts_handler, fixture);
  fixture->client = ws_aws_client_new ();
  fixture->lifetime = G_TIME_SPAN_HOUR;
  fixture->mfa_previous = g_ptr_array_new_with_free_func (g_free);
  fixture->mfa_finished = g_ptr_array_new_with_free_func (g_free);

  fixture->envp = g_environ_setenv (NULL, "HOME", fixture->home, TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "PATH", "/usr/bin:/bin", TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_ENDPOINT_URL_STS",
                                    ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_DISABLE_HOST_PREFIX_INJECTION", "true", TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_REGION", "eu-west-1", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  ws_test_remove_tree (fixture->home);

  g_clear_pointer (&fixture->last_form, g_hash_table_unref);
  g_clear_pointer (&fixture->mfa_previous, g_ptr_array_unref);
  g_clear_pointer (&fixture->mfa_finished, g_ptr_array_unref);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->fake);
  /* Lets the closed keep-alive connections be freed. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_pointer (&fixture->envp, g_strfreev);
  g_free (fixture->home);
}

static void
fixture_setenv (Fixture    *fixture,
                const char *name,
                const char *value)
{
  fixture->envp = g_environ_setenv (fixture->envp, name, value, TRUE);
}

static WsCredentialsProvider *
fixture_provider (Fixture    *fixture,
                  const char *config_text,
                  const char *credentials_text)
{
  g_autoptr(WsAwsConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  config = ws_aws_config_new_from_data (config_text, "config", credentials_text, "credentials", &error);
  g_assert_no_error (error);
  return ws_credentials_provider_new (fixture->client, config, (const char * const *) fixture->envp);
}

/* Writes an executable script into the temporary home; returns its path. */
static char *
fixture_script (Fixture    *fixture,
                const char *name,
                const char *body)
{
  g_autofree char *path = g_build_filename (fixture->home, name, NULL);
  g_autofree char *text = g_strconcat ("#!/bin/sh\n", body, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0700, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&path);
}

static void
on_result (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static WsCredentials *
get_credentials (WsCredentialsProvider  *provider,
                 const char             *profile,
                 GError                **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  ws_credentials_provider_get_async (provider, profile, NULL, on_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return ws_credentials_provider_get_finish (provider, result, error);
}

static void
assert_credentials (WsCredentials *credentials,
                    const char    *access_key_id,
                    const char    *secret_access_key,
                    const char    *session_token,
                    const char    *source)
{
  g_assert_nonnull (credentials);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, access_key_id);
  g_assert_cmpstr (ws_credentials_get_secret_access_key (credentials), ==, secret_access_key);
  g_assert_cmpstr (ws_credentials_get_session_token (credentials), ==, session_token);
  g_assert_cmpstr (ws_credentials_get_source (credentials), ==, source);
}

#define BASE_PROFILE \
  "[profile base]\n" \
  "aws_access_key_id = " BASE_KEY "\n" \
  "aws_secret_access_key = " BASE_SECRET "\n"

static const char base_profile[] = BASE_PROFILE;

/* A role assumed with the base profile's keys. */
static const char admin_config[] =
  "[profile admin]\n"
  "role_arn = " ROLE_A "\n"
  "source_profile = base\n"
  BASE_PROFILE;

/* Environment and files */

static void
test_env_keys (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setenv (fixture, "AWS_ACCESS_KEY_ID", "AKIDENV");
  fixture_setenv (fixture, "AWS_SECRET_ACCESS_KEY", "env-secret");
  fixture_setenv (fixture, "AWS_SESSION_TOKEN", "env-token");
  provider = fixture_provider (fixture, NULL, NULL);

  credentials = get_credentials (provider, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDENV", "env-secret", "env-token", "environment");
  g_assert_null (ws_credentials_get_expiration (credentials));
}

static void
test_env_partial (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setenv (fixture, "AWS_ACCESS_KEY_ID", "AKIDENV");
  provider = fixture_provider (fixture, base_profile, NULL);

  credentials = get_credentials (provider, NULL, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, "AWS_SECRET_ACCESS_KEY"));
  g_assert_null (credentials);
}

static void
test_explicit_profile_negates_env (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) explicit = NULL;
  g_autoptr(WsCredentials) implicit = NULL;
  g_autoptr(GError) error = NULL;

  fixture_setenv (fixture, "AWS_ACCESS_KEY_ID", "AKIDENV");
  fixture_setenv (fixture, "AWS_SECRET_ACCESS_KEY", "env-secret");
  fixture_setenv (fixture, "AWS_PROFILE", "base");
  provider = fixture_provider (fixture, base_profile, NULL);

  explicit = get_credentials (provider, "base", &error);
  g_assert_no_error (error);
  assert_credentials (explicit, BASE_KEY, BASE_SECRET, NULL, "credentials file");

  /* AWS_PROFILE selects a profile but does not hide the environment's keys. */
  implicit = get_credentials (provider, NULL, &error);
  g_assert_no_error (error);
  assert_credentials (implicit, "AKIDENV", "env-secret", NULL, "environment");
}

static void
test_static_keys (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) from_config = NULL;
  g_autoptr(WsCredentials) from_credentials = NULL;
  g_autoptr(GError) error = NULL;

  provider = fixture_provider (fixture,
                               "[profile in-config]\n"
                               "aws_access_key_id = AKIDCONFIG\n"
                               "aws_secret_access_key = config-secret\n",
                               "[in-credentials]\n"
                               "aws_access_key_id = AKIDCREDS\n"
                               "aws_secret_access_key = creds-secret\n"
                               "aws_session_token = creds-token\n");

  from_config = get_credentials (provider, "in-config", &error);
  g_assert_no_error (error);
  assert_credentials (from_config, "AKIDCONFIG", "config-secret", NULL, "credentials file");

  from_credentials = get_credentials (provider, "in-credentials", &error);
  g_assert_no_error (error);
  assert_credentials (from_credentials, "AKIDCREDS", "creds-secret", "creds-token", "credentials file");
}

static void
test_unknown_profile (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, base_profile, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = g_build_filename (fixture->home, ".aws", "config", NULL);

  credentials = get_credentials (provider, "nope", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE);
  g_assert_nonnull (strstr (error->message, "nope"));
  g_assert_nonnull (strstr (error->message, config_path));
  g_assert_null (credentials);
}

static void
test_no_credentials (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, NULL, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (provider, NULL, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_CREDENTIALS);
  g_assert_nonnull (strstr (error->message, "aws configure"));
  g_assert_null (credentials);
}

/* credential_process */

static WsCredentials *
process_credentials (Fixture     *fixture,
                     const char  *script,
                     GError     **error)
{
  g_autofree char *path = fixture_script (fixture, "creds.sh", script);
  g_autofree char *config = g_strdup_printf ("[profile proc]\ncredential_process = %s --flag \"two words\"\n",
                                             path);
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, config, NULL);

  ws_credentials_provider_set_process_timeout (provider, 300);
  return get_credentials (provider, "proc", error);
}

/* Runs @script as a credential_process that must fail; returns the error. */
static GError *
process_error (Fixture    *fixture,
               const char *script)
{
  g_autoptr(WsCredentials) credentials = NULL;
  GError *error = NULL;

  credentials = process_credentials (fixture, script, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
  g_assert_null (credentials);
  return error;
}

static void
test_process_success (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) expected = g_date_time_new_utc (2031, 11, 9, 13, 34, 41);

  /* The arguments arrive split as a shell would, without a shell. */
  credentials = process_credentials (fixture,
                                     "[ \"$2\" = \"two words\" ] || exit 9\n"
                                     "echo 'some progress' >&2\n"
                                     "cat <<EOF\n"
                                     "{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"proc-secret\",\n"
                                     " \"SessionToken\": \"proc-token\", \"Expiration\": \"2031-11-09T13:34:41Z\"}\n"
                                     "EOF",
                                     &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "AKIDPROC", "proc-secret", "proc-token", "credential_process");
  g_assert_true (g_date_time_equal (ws_credentials_get_expiration (credentials), expected));
}

static void
test_process_failure (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = process_error (fixture,
                                           "echo '  Your session expired; run vault login.  ' >&2\n"
                                           "exit 3");

  g_assert_nonnull (strstr (error->message, "“proc”"));
  g_assert_nonnull (strstr (error->message, ": Your session expired; run vault login."));
}

static void
test_process_failure_silent (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = process_error (fixture, "exit 1");

  g_assert_nonnull (strstr (error->message, "printed nothing on stderr"));
}

static void
test_process_stderr_bounded (Fixture       *fixture,
                             gconstpointer  data)
{
  /* 100 kB on stderr: drained (the child does not block) but cut short. */
  g_autoptr(GError) error = process_error (fixture,
                                           "yes 'not valid: \\377' | head -c 100000 >&2\n"
                                           "exit 1");

  g_assert_cmpuint (strlen (error->message), <, 2048);
}

static void
test_process_garbage (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = process_error (fixture, "echo 'AKID=foo'");

  g_assert_nonnull (strstr (error->message, "JSON"));
}

static void
test_process_version_2 (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = process_error (fixture,
                                           "echo '{\"Version\": 2, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"S\"}'");

  g_assert_nonnull (strstr (error->message, "Version"));
}

static void
test_process_too_large (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = process_error (fixture, "head -c 2000000 /dev/zero");

  g_assert_nonnull (strstr (error->message, "1 MiB"));
}

static void
test_process_timeout (Fixture       *fixture,
                      gconstpointer  data)
{
  /* The sleep is a grandchild holding stdout open: it must be killed too. */
  g_autoptr(GError) error = process_error (fixture, "sleep 60; echo '{}'");

  g_assert_nonnull (strstr (error->message, "did not finish"));
}

static void
test_process_timeout_orphan (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *marker = g_build_filename (fixture->home, "survived", NULL);

  /* The command exits before the timeout, leaving a background job that
   * holds stdout open: on timeout that job is killed too, though its
   * parent is gone. */
  error = process_error (fixture, "(sleep 1; touch \"$HOME/survived\") &\nsleep 0.1");
  g_assert_nonnull (strstr (error->message, "did not finish"));

  ws_test_run_for (1500);
  g_assert_false (g_file_test (marker, G_FILE_TEST_EXISTS));
}

/* AssumeRole */

static void
test_assume_role (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *config = g_strconcat ("[profile admin]\n"
                                         "role_arn = " ROLE_A "\n"
                                         "source_profile = base\n"
                                         "external_id = ext-42\n"
                                         "duration_seconds = 1800\n"
                                         "role_session_name = alice@example\n",
                                         base_profile, NULL);
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, config, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;

  credentials = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIAISSUED1", "issued-secret-1", "issued/token+1=",
                      "assume role " ROLE_A);
  g_assert_nonnull (ws_credentials_get_expiration (credentials));

  g_assert_cmpuint (fixture->sts_calls, ==, 1);
  g_assert_cmpstr (form_value (fixture, "Action"), ==, "AssumeRole");
  g_assert_cmpstr (form_value (fixture, "Version"), ==, "2011-06-15");
  g_assert_cmpstr (form_value (fixture, "RoleArn"), ==, ROLE_A);
  g_assert_cmpstr (form_value (fixture, "RoleSessionName"), ==, "alice@example");
  g_assert_cmpstr (form_value (fixture, "ExternalId"), ==, "ext-42");
  g_assert_cmpstr (form_value (fixture, "DurationSeconds"), ==, "1800");
  g_assert_null (form_value (fixture, "SerialNumber"));

  /* Signed (and verified by the fake) with the source profile's keys. */
  authorization = ws_fake_aws_get_last_header (fixture->fake, "/", "Authorization");
  g_assert_nonnull (strstr (authorization, "Credential=" BASE_KEY "/"));
  g_assert_nonnull (strstr (authorization, "/eu-west-1/sts/aws4_request"));
}

static void
test_chained_roles (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autofree char *config = g_strconcat ("[profile a]\n"
                                         "role_arn = " ROLE_A "\n"
                                         "source_profile = b\n"
                                         "[profile b]\n"
                                         "role_arn = " ROLE_B "\n"
                                         "source_profile = base\n",
                                         base_profile, NULL);
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, config, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;

  credentials = get_credentials (provider, "a", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIAISSUED2", "issued-secret-2", "issued/token+2=",
                      "assume role " ROLE_A);
  g_assert_cmpuint (fixture->sts_calls, ==, 2);

  /* The last hop: role A, signed with what role B handed out. */
  g_assert_cmpstr (form_value (fixture, "RoleArn"), ==, ROLE_A);
  g_assert_true (g_str_has_prefix (form_value (fixture, "RoleSessionName"), "windsock-"));
  g_assert_null (form_value (fixture, "DurationSeconds"));
  g_assert_null (form_value (fixture, "ExternalId"));
  authorization = ws_fake_aws_get_last_header (fixture->fake, "/", "Authorization");
  g_assert_nonnull (strstr (authorization, "Credential=ASIAISSUED1/"));
}

static void
test_credential_source_environment (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;

  fixture_setenv (fixture, "AWS_ACCESS_KEY_ID", BASE_KEY);
  fixture_setenv (fixture, "AWS_SECRET_ACCESS_KEY", BASE_SECRET);
  provider = fixture_provider (fixture,
                               "[profile ci]\n"
                               "role_arn = " ROLE_A "\n"
                               "credential_source = Environment\n",
                               NULL);

  /* Explicit: the environment's keys are not the answer, only the source. */
  credentials = get_credentials (provider, "ci", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIAISSUED1", "issued-secret-1", "issued/token+1=",
                      "assume role " ROLE_A);
  authorization = ws_fake_aws_get_last_header (fixture->fake, "/", "Authorization");
  g_assert_nonnull (strstr (authorization, "Credential=" BASE_KEY "/"));
}

static void
test_access_denied (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, admin_config, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  ws_fake_aws_push_response (fixture->fake, "POST", "/", 403, NULL, "text/xml",
                             "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                             "<Error><Type>Sender</Type><Code>AccessDenied</Code>"
                             "<Message>User: arn:aws:iam::123456789012:user/alice is not authorized "
                             "to perform: sts:AssumeRole</Message></Error>"
                             "<RequestId>r</RequestId></ErrorResponse>");

  credentials = get_credentials (provider, "admin", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, ROLE_A));
  g_assert_nonnull (strstr (error->message, "“admin”"));
  g_assert_null (credentials);
}

/* MFA */

static const char mfa_config[] =
  "[profile mfa]\n"
  "role_arn = " ROLE_A "\n"
  "source_profile = base\n"
  "mfa_serial = " MFA_SERIAL "\n"
  BASE_PROFILE;

static gboolean
answer_mfa (gpointer user_data)
{
  GTask *reply = user_data;

  g_task_return_pointer (reply, g_strdup (GOOD_CODE), g_free);
  g_object_unref (reply);
  return G_SOURCE_REMOVE;
}

/* Answers later, as a dialog would. */
static void
mfa_prompt (const char *profile,
            const char *mfa_serial,
            GTask      *reply,
            gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->mfa_prompts++;
  g_assert_cmpstr (profile, ==, "mfa");
  g_assert_cmpstr (mfa_serial, ==, "arn:aws:iam::123456789012:mfa/alice");
  g_idle_add (answer_mfa, g_object_ref (reply));
}

static void
test_mfa_prompt (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, mfa_config, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  ws_credentials_provider_set_mfa_prompt (provider, mfa_prompt, fixture, NULL);
  credentials = get_credentials (provider, "mfa", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "ASIAISSUED1");
  g_assert_cmpuint (fixture->mfa_prompts, ==, 1);
  g_assert_cmpstr (form_value (fixture, "SerialNumber"), ==, "arn:aws:iam::123456789012:mfa/alice");
  g_assert_cmpstr (form_value (fixture, "TokenCode"), ==, "123456");
}

static void
test_mfa_without_prompt (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, mfa_config, NULL);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (provider, "mfa", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED);
  g_assert_nonnull (strstr (error->message, "arn:aws:iam::123456789012:mfa/alice"));
  g_assert_null (credentials);
  g_assert_cmpuint (fixture->sts_calls, ==, 0);
}

/* Holds the first prompt; answers the others at once. */
static void
mfa_prompt_hold_first (const char *profile,
                       const char *mfa_serial,
                       GTask      *reply,
                       gpointer    user_data)
{
  Fixture *fixture = user_data;

  if (fixture->mfa_prompts++ == 0)
    fixture->mfa_held = g_object_ref (reply);
  else
    g_idle_add (answer_mfa, g_object_ref (reply));
}

static void
test_mfa_queued_cancel (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autofree char *config = g_strconcat (mfa_config,
                                         "[profile mfa2]\n"
                                         "role_arn = " ROLE_B "\n"
                                         "source_profile = base\n"
                                         "mfa_serial = " MFA_SERIAL "\n",
                                         NULL);
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, config, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) first_result = NULL;
  g_autoptr(GAsyncResult) queued_result = NULL;
  g_autoptr(WsCredentials) first = NULL;
  g_autoptr(WsCredentials) queued = NULL;
  g_autoptr(GError) first_error = NULL;
  g_autoptr(GError) queued_error = NULL;

  ws_credentials_provider_set_mfa_prompt (provider, mfa_prompt_hold_first, fixture, NULL);
  ws_credentials_provider_get_async (provider, "mfa", NULL, on_result, &first_result);
  ws_credentials_provider_get_async (provider, "mfa2", cancellable, on_result, &queued_result);
  /* Each looks in the AWS CLI's cache first. */
  while (fixture->mfa_prompts == 0)
    g_main_context_iteration (NULL, TRUE);

  /* Cancelled while it waits for the device: it is never prompted for. */
  g_cancellable_cancel (cancellable);
  answer_mfa (g_steal_pointer (&fixture->mfa_held));
  while (first_result == NULL || queued_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  first = ws_credentials_provider_get_finish (provider, first_result, &first_error);
  g_assert_no_error (first_error);
  g_assert_cmpstr (form_value (fixture, "RoleArn"), ==, ROLE_A);
  queued = ws_credentials_provider_get_finish (provider, queued_result, &queued_error);
  g_assert_error (queued_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (queued);
  g_assert_cmpuint (fixture->mfa_prompts, ==, 1);
  g_assert_cmpuint (fixture->sts_calls, ==, 1);
}

/* Answers the scripted codes, in turn, or cancels when they run out. */
static void
mfa_prompt_scripted (const char *profile,
                     const char *mfa_serial,
                     GTask      *reply,
                     gpointer    user_data)
{
  Fixture *fixture = user_data;
  const GError *previous = ws_mfa_prompt_get_previous_error (reply);
  const char *code = fixture->mfa_codes[fixture->mfa_prompts++];

  g_assert_cmpstr (mfa_serial, ==, MFA_SERIAL);
  g_ptr_array_add (fixture->mfa_previous, g_strdup (previous != NULL ? previous->message : ""));
  if (code != NULL)
    g_task_return_pointer (reply, g_strdup (code), g_free);
  else
    g_task_return_new_error (reply, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
}

static void
on_mfa_finished (WsCredentialsProvider *provider,
                 const char            *mfa_serial,
                 const GError          *error,
                 Fixture               *fixture)
{
  g_assert_cmpstr (mfa_serial, ==, MFA_SERIAL);
  g_ptr_array_add (fixture->mfa_finished, g_strdup (error != NULL ? error->message : ""));
}

static WsCredentialsProvider *
fixture_mfa_provider (Fixture     *fixture,
                      const char  *config,
                      const char **codes)
{
  WsCredentialsProvider *provider = fixture_provider (fixture, config, NULL);

  fixture->mfa_codes = codes;
  ws_credentials_provider_set_mfa_prompt (provider, mfa_prompt_scripted, fixture, NULL);
  g_signal_connect (provider, "mfa-finished", G_CALLBACK (on_mfa_finished), fixture);
  return provider;
}

static void
test_mfa_retry (Fixture       *fixture,
                gconstpointer  data)
{
  const char *codes[] = { "111111", GOOD_CODE, NULL };
  g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, mfa_config, codes);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (provider, "mfa", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "ASIAISSUED1");

  /* Asked again in the same turn, told why; finished once, well. */
  g_assert_cmpuint (fixture->mfa_prompts, ==, 2);
  g_assert_cmpuint (fixture->sts_calls, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fixture->mfa_previous, 0), ==, "");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (fixture->mfa_previous, 1), "That code was not accepted"));
  g_assert_cmpuint (fixture->mfa_finished->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->mfa_finished, 0), ==, "");
}

static void
test_mfa_three_wrong (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *codes[] = { "111111", "222222", "333333", GOOD_CODE, NULL };
  g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, mfa_config, codes);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (provider, "mfa", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_nonnull (strstr (error->message, "“mfa” 3 times"));
  g_assert_nonnull (strstr (error->message, MFA_SERIAL));
  g_assert_null (credentials);
  g_assert_cmpuint (fixture->mfa_prompts, ==, WS_MFA_MAX_ATTEMPTS);
  g_assert_cmpuint (fixture->mfa_finished->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (fixture->mfa_finished, 0), ==, error->message);
}

static void
test_mfa_cancel (Fixture       *fixture,
                 gconstpointer  data)
{
  const char *codes[] = { NULL };
  g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, mfa_config, codes);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  credentials = get_credentials (provider, "mfa", &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (credentials);
  g_assert_cmpuint (fixture->sts_calls, ==, 0);
  g_assert_cmpuint (fixture->mfa_finished->len, ==, 1);
}

/* ~/.aws/cli/cache/<SHA-1 of the AWS CLI's key for mfa_config>.json:
 * hashlib.sha1(json.dumps({"RoleArn": ROLE_A, "SerialNumber": MFA_SERIAL},
 * sort_keys=True).encode()).hexdigest() */
static char *
fixture_cli_cache_path (Fixture *fixture)
{
  return g_build_filename (fixture->home, ".aws", "cli", "cache",
                           "1916d4ccefd31fdfca57839f73b08e6431952dc0.json", NULL);
}

static JsonObject *
read_cache_credentials (const char *path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  entry = json_node_get_object (json_parser_get_root (parser));
  return json_object_ref (json_object_get_object_member (entry, "Credentials"));
}

static void
test_mfa_cache_file (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *codes[] = { GOOD_CODE, NULL };
  g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, mfa_config, codes);
  g_autoptr(WsCredentialsProvider) next = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(WsCredentials) again = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = fixture_cli_cache_path (fixture);
  GStatBuf st;

  credentials = get_credentials (provider, "mfa", &error);
  g_assert_no_error (error);
  g_assert_true (ws_credentials_provider_can_resolve_silently (provider, "mfa"));

  /* The AWS CLI's file, private. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  fields = read_cache_credentials (path);
  g_assert_cmpstr (json_object_get_string_member (fields, "AccessKeyId"), ==, "ASIAISSUED1");
  g_assert_cmpstr (json_object_get_string_member (fields, "SecretAccessKey"), ==, "issued-secret-1");
  g_assert_cmpstr (json_object_get_string_member (fields, "SessionToken"), ==, "issued/token+1=");
  g_assert_nonnull (json_object_get_string_member (fields, "Expiration"));

  /* The next process reads it: no prompt (none is even set), no STS. */
  next = fixture_provider (fixture, mfa_config, NULL);
  again = get_credentials (next, "mfa", &error);
  g_assert_no_error (error);
  assert_credentials (again, "ASIAISSUED1", "issued-secret-1", "issued/token+1=", "assume role " ROLE_A);
  g_assert_cmpuint (fixture->mfa_prompts, ==, 1);
  g_assert_cmpuint (fixture->sts_calls, ==, 1);
}

static void
test_mfa_cache_stale (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *codes[] = { GOOD_CODE, GOOD_CODE, NULL };
  const char *stale[] = {
    /* Expired, as botocore writes the time. */
    "{\"Credentials\": {\"AccessKeyId\": \"ASIAOLD\", \"SecretAccessKey\": \"s\", "
    "\"SessionToken\": \"t\", \"Expiration\": \"2020-01-01T00:00:00UTC\"}}",
    /* Cut short. */
    "{\"Credentials\": {\"AccessKeyId\": ",
  };
  g_autofree char *path = fixture_cli_cache_path (fixture);
  g_autofree char *dir = g_path_get_dirname (path);

  fixture->mfa_codes = codes;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (stale); i++)
    {
      g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, mfa_config, codes);
      g_autoptr(WsCredentials) credentials = NULL;
      g_autoptr(JsonObject) fields = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *issued = NULL;

      g_file_set_contents (path, stale[i], -1, &error);
      g_assert_no_error (error);

      /* Not used, asked for again, replaced. */
      credentials = get_credentials (provider, "mfa", &error);
      g_assert_no_error (error);
      issued = g_strdup_printf ("ASIAISSUED%u", i + 1);
      g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, issued);
      g_assert_cmpuint (fixture->mfa_prompts, ==, i + 1);
      fields = read_cache_credentials (path);
      g_assert_cmpstr (json_object_get_string_member (fields, "AccessKeyId"), ==, issued);
    }
}

static void
test_mfa_session_token (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *codes[] = { GOOD_CODE, NULL };
  g_autoptr(WsCredentialsProvider) provider =
    fixture_mfa_provider (fixture, "[profile keys]\n"
                                   "aws_access_key_id = " BASE_KEY "\n"
                                   "aws_secret_access_key = " BASE_SECRET "\n"
                                   "mfa_serial = " MFA_SERIAL "\n",
                          codes);
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;

  g_assert_false (ws_credentials_provider_can_resolve_silently (provider, "keys"));
  credentials = get_credentials (provider, "keys", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIAISSUED1", "issued-secret-1", "issued/token+1=", "MFA session");
  g_assert_cmpstr (form_value (fixture, "Action"), ==, "GetSessionToken");
  g_assert_cmpstr (form_value (fixture, "SerialNumber"), ==, MFA_SERIAL);
  g_assert_cmpstr (form_value (fixture, "TokenCode"), ==, GOOD_CODE);
  authorization = ws_fake_aws_get_last_header (fixture->fake, "/", "Authorization");
  g_assert_nonnull (strstr (authorization, "Credential=" BASE_KEY "/"));
  g_assert_cmpuint (fixture->mfa_finished->len, ==, 1);
  g_assert_true (ws_credentials_provider_can_resolve_silently (provider, "keys"));
}

/* Two requests for the profile and one for another profile with the same
 * role and device: one code answers them all. */
static void
test_mfa_one_prompt (Fixture       *fixture,
                     gconstpointer  data)
{
  const char *codes[] = { GOOD_CODE, NULL };
  g_autofree char *config = g_strconcat (mfa_config,
                                         "[profile same]\n"
                                         "role_arn = " ROLE_A "\n"
                                         "source_profile = base\n"
                                         "mfa_serial = " MFA_SERIAL "\n",
                                         NULL);
  g_autoptr(WsCredentialsProvider) provider = fixture_mfa_provider (fixture, config, codes);
  const char *profiles[] = { "mfa", "mfa", "same" };
  GAsyncResult *results[G_N_ELEMENTS (profiles)] = { NULL };

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    ws_credentials_provider_get_async (provider, profiles[i], NULL, on_result, &results[i]);
  while (results[0] == NULL || results[1] == NULL || results[2] == NULL)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WsCredentials) credentials = ws_credentials_provider_get_finish (provider, results[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "ASIAISSUED1");
      g_object_unref (results[i]);
    }
  g_assert_cmpuint (fixture->mfa_prompts, ==, 1);
  g_assert_cmpuint (fixture->sts_calls, ==, 1);
}

/* Web identity */

static void
test_web_identity (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autofree char *token_path = g_build_filename (fixture->home, "token.jwt", NULL);
  g_autofree char *config = g_strdup_printf ("[profile k8s]\n"
                                             "role_arn = " ROLE_B "\n"
                                             "web_identity_token_file = %s\n"
                                             "role_session_name = pod-1\n",
                                             token_path);
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *authorization = NULL;

  g_file_set_contents_full (token_path, "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl\n", -1,
                            G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error);
  g_assert_no_error (error);
  provider = fixture_provider (fixture, config, NULL);

  credentials = get_credentials (provider, "k8s", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIAISSUED1", "issued-secret-1", "issued/token+1=", "web identity");
  g_assert_cmpstr (form_value (fixture, "Action"), ==, "AssumeRoleWithWebIdentity");
  g_assert_cmpstr (form_value (fixture, "RoleArn"), ==, ROLE_B);
  g_assert_cmpstr (form_value (fixture, "RoleSessionName"), ==, "pod-1");
  g_assert_cmpstr (form_value (fixture, "WebIdentityToken"), ==, "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl");
  authorization = ws_fake_aws_get_last_header (fixture->fake, "/", "Authorization");
  g_assert_null (authorization);
}

static void
test_web_identity_huge_file (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autofree char *token_path = g_build_filename (fixture->home, "token.jwt", NULL);
  g_autofree char *config = g_strdup_printf ("[profile k8s]\n"
                                             "role_arn = " ROLE_B "\n"
                                             "web_identity_token_file = %s\n",
                                             token_path);
  g_autofree char *huge = g_strnfill (1024 * 1024, 'a');
  g_autoptr(WsCredentialsProvider) provider = NULL;
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GError) error = NULL;

  /* Not read to the end, nor sent: no token is that long (nor is
   * /dev/zero, which would never end). */
  g_file_set_contents (token_path, huge, -1, &error);
  g_assert_no_error (error);
  provider = fixture_provider (fixture, config, NULL);

  credentials = get_credentials (provider, "k8s", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (error->message, token_path));
  g_assert_null (credentials);
  g_assert_cmpuint (fixture->sts_calls, ==, 0);
}

/* Cache */

static void
test_cache_reuse (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, admin_config, NULL);
  g_autoptr(WsCredentials) first = NULL;
  g_autoptr(WsCredentials) second = NULL;
  g_autoptr(WsCredentials) third = NULL;
  g_autoptr(GError) error = NULL;

  first = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  second = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  g_assert_true (first == second);
  g_assert_cmpuint (fixture->sts_calls, ==, 1);

  ws_credentials_provider_invalidate (provider, "admin");
  third = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (third), ==, "ASIAISSUED2");
  g_assert_cmpuint (fixture->sts_calls, ==, 2);
}

/* Two requests in a row both reach STS: the first answer is not reused. */
static void
assert_not_reused (Fixture *fixture)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, admin_config, NULL);
  g_autoptr(WsCredentials) first = NULL;
  g_autoptr(WsCredentials) second = NULL;
  g_autoptr(GError) error = NULL;

  first = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  second = get_credentials (provider, "admin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (first), ==, "ASIAISSUED1");
  g_assert_cmpstr (ws_credentials_get_access_key_id (second), ==, "ASIAISSUED2");
  g_assert_cmpuint (fixture->sts_calls, ==, 2);
}

static void
test_cache_refresh (Fixture       *fixture,
                    gconstpointer  data)
{
  /* Inside the 5-minute margin from the start: never reused. */
  fixture->lifetime = 4 * G_TIME_SPAN_MINUTE;
  assert_not_reused (fixture);
}

static void
test_cache_refresh_skewed_clock (Fixture       *fixture,
                                 gconstpointer  data)
{
  /* AWS is 30 minutes ahead of us: credentials that look 33 minutes away
   * from expiring here have 3 minutes left, inside the margin. */
  ws_fake_aws_set_clock_offset (fixture->fake, 30 * G_TIME_SPAN_MINUTE);
  fixture->lifetime = 33 * G_TIME_SPAN_MINUTE;
  assert_not_reused (fixture);
}

static void
test_concurrent_coalesce (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, admin_config, NULL);
  GAsyncResult *results[3] = { NULL, };

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    ws_credentials_provider_get_async (provider, "admin", NULL, on_result, &results[i]);

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(WsCredentials) credentials = NULL;
      g_autoptr(GError) error = NULL;

      while (results[i] == NULL)
        g_main_context_iteration (NULL, TRUE);
      credentials = ws_credentials_provider_get_finish (provider, results[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ws_credentials_get_access_key_id (credentials), ==, "ASIAISSUED1");
      g_clear_object (&results[i]);
    }

  g_assert_cmpuint (fixture->sts_calls, ==, 1);
}

static void
test_cancel_one_waiter (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(WsCredentialsProvider) provider = fixture_provider (fixture, admin_config, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) cancelled_result = NULL;
  g_autoptr(GAsyncResult) kept_result = NULL;
  g_autoptr(WsCredentials) cancelled = NULL;
  g_autoptr(WsCredentials) kept = NULL;
  g_autoptr(GError) cancelled_error = NULL;
  g_autoptr(GError) kept_error = NULL;

  ws_credentials_provider_get_async (provider, "admin", cancellable, on_result, &cancelled_result);
  ws_credentials_provider_get_async (provider, "admin", NULL, on_result, &kept_result);
  g_cancellable_cancel (cancellable);

  while (cancelled_result == NULL || kept_result == NULL)
    g_main_context_iteration (NULL, TRUE);

  /* One caller giving up does not stop the other's answer. */
  cancelled = ws_credentials_provider_get_finish (provider, cancelled_result, &cancelled_error);
  g_assert_error (cancelled_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled);
  kept = ws_credentials_provider_get_finish (provider, kept_result, &kept_error);
  g_assert_no_error (kept_error);
  g_assert_cmpstr (ws_credentials_get_access_key_id (kept), ==, "ASIAISSUED1");
}

/* Pure helpers */

/* Checked against Python's hashlib.sha1(json.dumps(args, sort_keys=True)). */
static void
test_sts_cache_name (void)
{
  g_autofree char *full = ws_sts_assume_role_cache_name ("arn:aws:iam::1:role/a", "s\u00e9", 900, "x\"y", "arn:mfa");
  g_autofree char *minimal = ws_sts_assume_role_cache_name (ROLE_A, NULL, 0, NULL, MFA_SERIAL);

  g_assert_cmpstr (full, ==, "ae28e007a3450587ec48f5b2db63198da04e40be.json");
  g_assert_cmpstr (minimal, ==, "1916d4ccefd31fdfca57839f73b08e6431952dc0.json");
}

static void
test_assume_role_body (void)
{
  g_autofree char *body = NULL;

  body = ws_sts_assume_role_body ("arn:aws:iam::1:role/a b", "s/1", 900, "e&x=t", "arn:mfa", "000111");
  g_assert_cmpstr (body, ==,
                   "Action=AssumeRole&Version=2011-06-15"
                   "&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&RoleSessionName=s%2F1"
                   "&DurationSeconds=900&ExternalId=e%26x%3Dt"
                   "&SerialNumber=arn%3Amfa&TokenCode=000111");
  g_clear_pointer (&body, g_free);

  body = ws_sts_assume_role_body ("r", "s", 0, NULL, NULL, NULL);
  g_assert_cmpstr (body, ==, "Action=AssumeRole&Version=2011-06-15&RoleArn=r&RoleSessionName=s");
}

static void
test_parse_sts (void)
{
  static const char xml[] =
    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
    "  <AssumeRoleResult>\n"
    "    <AssumedRoleUser><Arn>arn:x</Arn><AssumedRoleId>ARO:s</AssumedRoleId></AssumedRoleUser>\n"
    "    <Credentials>\n"
    "      <AccessKeyId>ASIA1</AccessKeyId>\n"
    "      <SecretAccessKey>s&amp;cret</SecretAccessKey>\n"
    "      <SessionToken>tok/en+=</SessionToken>\n"
    "      <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
    "    </Credentials>\n"
    "  </AssumeRoleResult>\n"
    "</AssumeRoleResponse>\n";
  g_autoptr(WsCredentials) credentials = NULL;
  g_autoptr(GDateTime) expected = g_date_time_new_utc (2019, 11, 9, 13, 34, 41);
  g_autoptr(GError) error = NULL;

  credentials = ws_sts_parse_credentials (xml, strlen (xml), "assume role arn:x", &error);
  g_assert_no_error (error);
  assert_credentials (credentials, "ASIA1", "s&cret", "tok/en+=", "assume role arn:x");
  g_assert_true (g_date_time_equal (ws_credentials_get_expiration (credentials), expected));
  g_clear_pointer (&credentials, ws_credentials_unref);

  credentials = ws_sts_parse_credentials ("<AssumeRoleResponse/>", 21, "x", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
  g_assert_null (credentials);
  g_clear_error (&error);

  credentials = ws_sts_parse_credentials ("<a><b>", 6, "x", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
  g_assert_null (credentials);
}

static void
test_parse_process_output (void)
{
  const struct { const char *json; gboolean ok; } cases[] = {
    { "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", TRUE },
    { "{\"Version\":\"1\",\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", FALSE },
    { "{\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\"}", FALSE },
    { "{\"Version\":1,\"AccessKeyId\":\"A\"}", FALSE },
    { "{\"Version\":1,\"AccessKeyId\":7,\"SecretAccessKey\":\"S\"}", FALSE },
    { "{\"Version\":1,\"AccessKeyId\":\"A\",\"SecretAccessKey\":\"S\",\"Expiration\":\"soon\"}", FALSE },
    { "[1]", FALSE },
    { "", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(WsCredentials) credentials = NULL;
      g_autoptr(GError) error = NULL;

      credentials = ws_credential_process_parse (cases[i].json, strlen (cases[i].json), "p", &error);
      if (cases[i].ok)
        {
          g_assert_no_error (error);
          assert_credentials (credentials, "A", "S", NULL, "credential_process");
          g_assert_null (ws_credentials_get_expiration (credentials));
        }
      else
        {
          g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
          g_assert_null (credentials);
        }
    }
}

#define add_fixture_test(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

/* json-glib 1.6 recurses per level: deep nesting must be refused before
 * it reaches the parser, or a hostile program crashes Windsock. */
static void
test_parse_process_output_deep (void)
{
  gsize depth = 200000;
  g_autofree char *json = g_malloc (depth + 1);
  g_autoptr(GError) error = NULL;
  WsCredentials *credentials;

  memset (json, '[', depth);
  json[depth] = '\0';
  credentials = ws_credential_process_parse (json, depth, "p", &error);
  g_assert_null (credentials);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *home = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  /* The provider only sees the environ each test builds; this keeps the
   * libraries it uses away from the developer's set-up as well. */
  home = ws_test_isolate ("test-credentials-home");

  g_test_add_func ("/credentials/sts/assume-role-body", test_assume_role_body);
  g_test_add_func ("/credentials/sts/parse", test_parse_sts);
  g_test_add_func ("/credentials/sts/cache-name", test_sts_cache_name);
  g_test_add_func ("/credentials/process/parse", test_parse_process_output);
  g_test_add_func ("/credentials/process/parse-deep", test_parse_process_output_deep);
  add_fixture_test ("/credentials/env/keys", test_env_keys);
  add_fixture_test ("/credentials/env/partial", test_env_partial);
  add_fixture_test ("/credentials/env/explicit-profile", test_explicit_profile_negates_env);
  add_fixture_test ("/credentials/files/static-keys", test_static_keys);
  add_fixture_test ("/credentials/files/unknown-profile", test_unknown_profile);
  add_fixture_test ("/credentials/files/nothing", test_no_credentials);
  add_fixture_test ("/credentials/process/success", test_process_success);
  add_fixture_test ("/credentials/process/failure", test_process_failure);
  add_fixture_test ("/credentials/process/failure-silent", test_process_failure_silent);
  add_fixture_test ("/credentials/process/stderr-bounded", test_process_stderr_bounded);
  add_fixture_test ("/credentials/process/garbage", test_process_garbage);
  add_fixture_test ("/credentials/process/version-2", test_process_version_2);
  add_fixture_test ("/credentials/process/too-large", test_process_too_large);
  add_fixture_test ("/credentials/process/timeout", test_process_timeout);
  add_fixture_test ("/credentials/process/timeout-orphan", test_process_timeout_orphan);
  add_fixture_test ("/credentials/assume-role/basic", test_assume_role);
  add_fixture_test ("/credentials/assume-role/chained", test_chained_roles);
  add_fixture_test ("/credentials/assume-role/credential-source", test_credential_source_environment);
  add_fixture_test ("/credentials/assume-role/access-denied", test_access_denied);
  add_fixture_test ("/credentials/mfa/prompt", test_mfa_prompt);
  add_fixture_test ("/credentials/mfa/no-prompt", test_mfa_without_prompt);
  add_fixture_test ("/credentials/mfa/queued-cancel", test_mfa_queued_cancel);
  add_fixture_test ("/credentials/mfa/retry", test_mfa_retry);
  add_fixture_test ("/credentials/mfa/three-wrong", test_mfa_three_wrong);
  add_fixture_test ("/credentials/mfa/cancel", test_mfa_cancel);
  add_fixture_test ("/credentials/mfa/cache-file", test_mfa_cache_file);
  add_fixture_test ("/credentials/mfa/cache-stale", test_mfa_cache_stale);
  add_fixture_test ("/credentials/mfa/session-token", test_mfa_session_token);
  add_fixture_test ("/credentials/mfa/one-prompt", test_mfa_one_prompt);
  /* AssumeRoleWithWebIdentity is unsigned. */
  g_test_add ("/credentials/web-identity", Fixture, "unsigned", fixture_set_up, test_web_identity, fixture_tear_down);
  g_test_add ("/credentials/web-identity-huge-file", Fixture, "unsigned", fixture_set_up,
              test_web_identity_huge_file, fixture_tear_down);
  add_fixture_test ("/credentials/cache/reuse", test_cache_reuse);
  add_fixture_test ("/credentials/cache/refresh", test_cache_refresh);
  add_fixture_test ("/credentials/cache/refresh-skewed-clock", test_cache_refresh_skewed_clock);
  add_fixture_test ("/credentials/cache/coalesce", test_concurrent_coalesce);
  add_fixture_test ("/credentials/cache/cancel-one", test_cancel_one_waiter);

  ret = g_test_run ();

  ws_test_remove_tree (home);
  return ret;
}
