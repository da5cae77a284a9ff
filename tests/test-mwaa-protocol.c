/* test-mwaa-protocol.c — MWAA names, references, login URLs, queries and
 * response parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-mwaa-protocol.h"
#include "ws-test-util.h"

static void
test_name_valid (void)
{
  static const char *names[] = { "MyEnv", "a", "Z", "A-b_c9", "my-airflow-env_2" };
  g_autofree char *longest = g_strnfill (80, 'x');

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_true (ws_mwaa_validate_environment_name (names[i], &error));
      g_assert_no_error (error);
    }

  g_assert_true (ws_mwaa_validate_environment_name (longest, NULL));
}

typedef struct
{
  const char *input;
  const char *reason; /* a fragment of the error message */
} InvalidCase;

static void
test_name_invalid (void)
{
  static const InvalidCase cases[] = {
    { "", "empty" },
    { "1abc", "start with a letter" },
    { "-abc", "start with a letter" },
    { "_abc", "start with a letter" },
    { "bad name", "only contain" },
    { "bad/name", "only contain" },
    { "bad.name", "only contain" },
    { "n\xc3\xa4me", "only contain" },
    { "bad\xff", "only contain" },
    { "tab\t", "only contain" },
  };
  g_autofree char *too_long = g_strnfill (81, 'x');
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) case_error = NULL;

      g_assert_false (ws_mwaa_validate_environment_name (cases[i].input, &case_error));
      g_assert_error (case_error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (case_error->message, cases[i].reason));
      g_assert_true (g_utf8_validate (case_error->message, -1, NULL));
    }

  g_assert_false (ws_mwaa_validate_environment_name (too_long, &error));
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "81"));
  g_assert_nonnull (strstr (error->message, "80"));
}

typedef struct
{
  const char *ref;
  const char *profile;
  const char *region;
  const char *name;
} RefCase;

static void
test_ref_valid (void)
{
  static const RefCase cases[] = {
    { "analytics", NULL, NULL, "analytics" },
    { "prod/eu-west-1/analytics", "prod", "eu-west-1", "analytics" },
    { "team/prod/eu-west-1/analytics", "team/prod", "eu-west-1", "analytics" },
    { "a.b@c:d+e%f_g-h/us-east-1/X", "a.b@c:d+e%f_g-h", "us-east-1", "X" },
    { "arn:aws:airflow:eu-west-1:123456789012:environment/Name", NULL, "eu-west-1", "Name" },
    { "arn:aws:airflow:il-central-1:123456789012:environment/My-Env_2", NULL, "il-central-1", "My-Env_2" },
    { "arn:aws-cn:airflow:cn-north-1:123456789012:environment/Name", NULL, "cn-north-1", "Name" },
    { "arn:aws-us-gov:airflow:us-gov-west-1:123456789012:environment/Name", NULL, "us-gov-west-1", "Name" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *profile = NULL;
      g_autofree char *region = NULL;
      g_autofree char *name = NULL;

      g_test_message ("reference %s", cases[i].ref);
      g_assert_true (ws_mwaa_parse_environment_ref (cases[i].ref, &profile, &region, &name, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (profile, ==, cases[i].profile);
      g_assert_cmpstr (region, ==, cases[i].region);
      g_assert_cmpstr (name, ==, cases[i].name);
    }
}

static void
test_ref_optional_outputs (void)
{
  g_autofree char *name = NULL;

  g_assert_true (ws_mwaa_parse_environment_ref ("p/eu-west-1/Env", NULL, NULL, &name, NULL));
  g_assert_cmpstr (name, ==, "Env");
}

static void
test_ref_invalid (void)
{
  static const InvalidCase cases[] = {
    { "", "empty" },
    { "bad name", "only contain" },
    { "eu-west-1/analytics", "PROFILE/REGION/NAME" },
    { "/eu-west-1/analytics", "profile name" },
    { "pro file/eu-west-1/analytics", "profile name" },
    { "pr\xc3\xb6/eu-west-1/analytics", "profile name" },
    { "prod//analytics", "region" },
    { "prod/eu west 1/analytics", "region" },
    { "prod/eu-west-1/", "empty" },
    { "prod/eu-west-1/1bad", "start with a letter" },
    { "arn:aws:airflow:eu-west-1", "arn:aws:airflow:REGION" },
    { "arn:aws:s3:eu-west-1:123456789012:environment/Name", "arn:aws:airflow:REGION" },
    { "arn:aws:airflow:eu-west-1:123456789012:role/Name/Admin", "arn:aws:airflow:REGION" },
    { "arn:aws:airflow:eu-west-1:12345678901:environment/Name", "12 digits" },
    { "arn:aws:airflow:eu-west-1:12345678901x:environment/Name", "12 digits" },
    { "arn:aws-cn:airflow:eu-west-1:123456789012:environment/Name", "partition" },
    { "arn:aws:airflow:cn-north-1:123456789012:environment/Name", "partition" },
    { "arn:aws-moon:airflow:eu-west-1:123456789012:environment/Name", "partition" },
    /* Found by fuzz-environment-ref: the message goes on D-Bus. */
    { "arn:a\xb8ws:airflow:eu-west-1:123456789012:environment/Name", "partition" },
    { "arn:aws:airflow::123456789012:environment/Name", "region" },
    { "arn:aws:airflow:eu-west-1:123456789012:environment/", "empty" },
    { "arn:aws:airflow:eu-west-1:123456789012:environment/Name:x", "only contain" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *profile = NULL;
      g_autofree char *region = NULL;
      g_autofree char *name = NULL;

      g_test_message ("reference %s", cases[i].input);
      g_assert_false (ws_mwaa_parse_environment_ref (cases[i].input, &profile, &region, &name, &error));
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].reason));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_null (profile);
      g_assert_null (region);
      g_assert_null (name);
    }
}

typedef struct
{
  const char *hostname;
  const char *expected; /* NULL: rejected */
} HostCase;

static void
test_normalize_hostname (void)
{
  static const HostCase cases[] = {
    { "abc.c1.eu-west-1.airflow.amazonaws.com", "abc.c1.eu-west-1.airflow.amazonaws.com" },
    { "https://abc.eu-west-1.on.aws", "abc.eu-west-1.on.aws" },
    { "HTTPS://abc.eu-west-1.on.aws/", "abc.eu-west-1.on.aws" },
    { "abc-vpce.c2.us-east-1.airflow.amazonaws.com/", "abc-vpce.c2.us-east-1.airflow.amazonaws.com" },
    { "", NULL },
    { "https://", NULL },
    { "http://abc.on.aws", NULL },
    { "ftp://abc.on.aws", NULL },
    { "abc.on.aws/path", NULL },
    { "https://abc.on.aws/path/", NULL },
    { "abc.on.aws//", NULL },
    { "abc .on.aws", NULL },
    { "abc.on.aws:8443", NULL },
    { "user@abc.on.aws", NULL },
    { "abc.on.aws?x", NULL },
    { "abc.on.aws#x", NULL },
    { "https://https://abc.on.aws", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *host = NULL;

      g_test_message ("host name %s", cases[i].hostname);
      host = ws_mwaa_normalize_hostname (cases[i].hostname, &error);
      g_assert_cmpstr (host, ==, cases[i].expected);
      if (cases[i].expected == NULL)
        g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
      else
        g_assert_no_error (error);
    }
}

typedef struct
{
  const char *hostname;
  const char *token;
  const char *version;
  const char *expected; /* NULL: refused */
} LoginCase;

static void
test_login_url (void)
{
  static const LoginCase cases[] = {
    { "abc.airflow.eu-west-1.on.aws", "eyJ0eXAi.eyJ1c2Vy.c2ln-_", "2.10.3",
      "https://abc.airflow.eu-west-1.on.aws/aws_mwaa/aws-console-sso?login=true#eyJ0eXAi.eyJ1c2Vy.c2ln-_" },
    { "abc.on.aws", "tok", NULL,
      "https://abc.on.aws/aws_mwaa/aws-console-sso?login=true#tok" },
    { "https://abc.on.aws/", "tok", "2.11.0",
      "https://abc.on.aws/aws_mwaa/aws-console-sso?login=true#tok" },
    { "abc.on.aws", "tok", "3.0.6",
      "https://abc.on.aws/pluginsv2/aws_mwaa/aws-console-sso?login=true#tok" },
    { "abc.on.aws", "tok", "3",
      "https://abc.on.aws/pluginsv2/aws_mwaa/aws-console-sso?login=true#tok" },
    { "abc.on.aws", "tok", "10.1.0",
      "https://abc.on.aws/pluginsv2/aws_mwaa/aws-console-sso?login=true#tok" },
    { "abc.on.aws", "tok", "v3",
      "https://abc.on.aws/aws_mwaa/aws-console-sso?login=true#tok" },
    { "abc.on.aws", "tok", "",
      "https://abc.on.aws/aws_mwaa/aws-console-sso?login=true#tok" },
    /* Base64 padding stays; characters that could end the URL do not. */
    { "abc.on.aws", "a b#c\"<d>=", "2.9.2",
      "https://abc.on.aws/aws_mwaa/aws-console-sso?login=true#a%20b%23c%22%3Cd%3E=" },
    { "abc.on.aws", "", "2.9.2", NULL },
    { "http://abc.on.aws", "tok", "2.9.2", NULL },
    { "abc.on.aws/evil", "tok", "2.9.2", NULL },
    { "evil.test?x=", "tok", "2.9.2", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = ws_mwaa_build_login_url (cases[i].hostname, cases[i].token,
                                                      cases[i].version);

      g_assert_cmpstr (url, ==, cases[i].expected);
    }
}

static void
test_list_query (void)
{
  struct
  {
    const char *next_token;
    guint       max_results;
    const char *expected;
  } cases[] = {
    { NULL, 25, "MaxResults=25" },
    { NULL, 5, "MaxResults=5" },
    { NULL, 1, "MaxResults=1" },
    { NULL, 0, "MaxResults=1" },
    { NULL, 26, "MaxResults=25" },
    { NULL, G_MAXUINT, "MaxResults=25" },
    { "", 10, "MaxResults=10" },
    /* The signed example of mwaa-api.md §6.1. */
    { "abc/def", 5, "MaxResults=5&NextToken=abc%2Fdef" },
    { "a+b=c d~e-f_g.h", 25, "MaxResults=25&NextToken=a%2Bb%3Dc%20d~e-f_g.h" },
    { "\xc3\xa9&%", 25, "MaxResults=25&NextToken=%C3%A9%26%25" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = ws_mwaa_list_environments_query (cases[i].next_token,
                                                                cases[i].max_results);

      g_assert_cmpstr (query, ==, cases[i].expected);
    }
}

static GBytes *
bytes_from_string (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static gboolean
parse_web_login_token_text (const char  *text,
                            char       **hostname,
                            char       **token,
                            GError     **error)
{
  g_autoptr(GBytes) body = bytes_from_string (text);

  return ws_mwaa_parse_web_login_token (body, hostname, token, error);
}

static void
test_parse_web_login_token (void)
{
  static const char good[] =
    "{\"WebToken\":\"eyJ0eXAiOiJKV1Qi.eyJ1c2VyIjoicm9vdCJ9.c2ln\","
    "\"WebServerHostname\":\"abc.c1.eu-west-1.airflow.amazonaws.com\","
    "\"IamIdentity\":\"assumed-role/Admin/me\",\"AirflowIdentity\":\"assumed-role/Admin\"}";
  g_autoptr(GError) error = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *token = NULL;

  g_assert_true (parse_web_login_token_text (good, &hostname, &token, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hostname, ==, "abc.c1.eu-west-1.airflow.amazonaws.com");
  g_assert_cmpstr (token, ==, "eyJ0eXAiOiJKV1Qi.eyJ1c2VyIjoicm9vdCJ9.c2ln");

  g_clear_pointer (&hostname, g_free);
  g_clear_pointer (&token, g_free);
  g_assert_true (parse_web_login_token_text ("{\"WebServerHostname\":\"https://x.on.aws/\","
                                             "\"WebToken\":\"t\",\"Extra\":[1,{}]}",
                                             &hostname, &token, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (hostname, ==, "x.on.aws");
  g_assert_cmpstr (token, ==, "t");
}

static void
test_parse_web_login_token_invalid (void)
{
  static const InvalidCase cases[] = {
    { "{\"WebServerHostname\":\"x.on.aws\"}", "WebToken" },
    { "{\"WebToken\":null,\"WebServerHostname\":\"x.on.aws\"}", "WebToken" },
    { "{\"WebToken\":\"\",\"WebServerHostname\":\"x.on.aws\"}", "WebToken" },
    { "{\"WebToken\":42,\"WebServerHostname\":\"x.on.aws\"}", "WebToken" },
    { "{\"WebToken\":[\"t\"],\"WebServerHostname\":\"x.on.aws\"}", "WebToken" },
    { "{\"WebToken\":\"t\"}", "WebServerHostname" },
    { "{\"WebToken\":\"t\",\"WebServerHostname\":true}", "WebServerHostname" },
    { "{\"WebToken\":\"t\",\"WebServerHostname\":\"x.on.aws/login\"}", "WebServerHostname" },
    { "{\"WebToken\":\"t\",\"WebServerHostname\":\"http://x.on.aws\"}", "WebServerHostname" },
    { "[]", "object" },
    { "\"WebToken\"", "object" },
    { "null", "object" },
    { "", "JSON" },
    { "   ", "JSON" },
    { "{", "JSON" },
    { "<html>502 Bad Gateway</html>", "JSON" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *hostname = NULL;
      g_autofree char *token = NULL;

      g_test_message ("body %s", cases[i].input);
      g_assert_false (parse_web_login_token_text (cases[i].input, &hostname, &token, &error));
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].reason));
      g_assert_nonnull (strstr (error->message, "CreateWebLoginToken"));
      g_assert_null (hostname);
      g_assert_null (token);
    }
}

static GPtrArray *
parse_list_text (const char  *text,
                 char       **next_token,
                 GError     **error)
{
  g_autoptr(GBytes) body = bytes_from_string (text);

  return ws_mwaa_parse_list_environments (body, next_token, error);
}

static void
test_parse_list_environments (void)
{
  struct
  {
    const char *body;
    const char *names;      /* joined with "," */
    const char *next_token;
  } cases[] = {
    { "{\"Environments\":[\"a\",\"B-2\"],\"NextToken\":\"page/2\"}", "a,B-2", "page/2" },
    { "{\"Environments\":[\"a\"],\"NextToken\":null}", "a", NULL },
    { "{\"Environments\":[\"a\"]}", "a", NULL },
    { "{\"Environments\":[],\"NextToken\":\"\"}", "", NULL },
    { "{\"NextToken\":\"n\",\"Environments\":[\"x\"],\"Unknown\":{\"a\":[1,2]}}", "x", "n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) names = NULL;
      g_autofree char *next_token = NULL;
      g_autofree char *joined = NULL;

      names = parse_list_text (cases[i].body, &next_token, &error);
      g_assert_no_error (error);
      g_assert_nonnull (names);
      g_ptr_array_add (names, NULL);
      joined = g_strjoinv (",", (char **) names->pdata);
      g_assert_cmpstr (joined, ==, cases[i].names);
      g_assert_cmpstr (next_token, ==, cases[i].next_token);
    }
}

static void
test_parse_list_environments_invalid (void)
{
  static const InvalidCase cases[] = {
    { "{}", "Environments" },
    { "{\"Environments\":null}", "Environments" },
    { "{\"Environments\":\"a\"}", "Environments" },
    { "{\"Environments\":{\"a\":1}}", "Environments" },
    { "{\"Environments\":[\"a\",1]}", "Environments" },
    { "{\"Environments\":[\"a\",null]}", "Environments" },
    { "{\"Environments\":[[\"a\"]]}", "Environments" },
    { "{\"Environments\":[\"a\"],\"NextToken\":5}", "NextToken" },
    { "{\"Environments\":[\"a\"],\"NextToken\":{}}", "NextToken" },
    { "{\"Environments\":[\"a\"", "JSON" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) case_error = NULL;
      g_autoptr(GPtrArray) case_names = NULL;
      char *next_token = NULL;

      g_test_message ("body %s", cases[i].input);
      case_names = parse_list_text (cases[i].input, &next_token, &case_error);
      g_assert_null (case_names);
      g_assert_null (next_token);
      g_assert_error (case_error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (case_error->message, cases[i].reason));
    }

  /* The caller may not want the token. */
  names = parse_list_text ("{\"Environments\":[\"a\"],\"NextToken\":\"n\"}", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (names->len, ==, 1);
}

static WsMwaaEnvironment *
parse_environment_text (const char  *text,
                        GError     **error)
{
  g_autoptr(GBytes) body = bytes_from_string (text);

  return ws_mwaa_parse_get_environment (body, error);
}

static const char full_environment[] =
  "{\"Environment\":{"
  "\"Name\":\"analytics\","
  "\"Arn\":\"arn:aws:airflow:eu-west-1:123456789012:environment/analytics\","
  "\"Status\":\"UPDATE_FAILED\","
  "\"CreatedAt\":1700000000.5,"
  "\"AirflowVersion\":\"3.0.6\","
  "\"WebserverUrl\":\"https://abc.airflow.eu-west-1.on.aws\","
  "\"WebserverAccessMode\":\"PUBLIC_AND_PRIVATE\","
  "\"EnvironmentClass\":\"mw1.small\","
  "\"MaxWorkers\":10,"
  "\"AirflowConfigurationOptions\":{\"core.secret\":\"hidden\"},"
  "\"Tags\":{\"team\":\"data\"},"
  "\"NetworkConfiguration\":{\"SubnetIds\":[\"s-1\",\"s-2\"]},"
  "\"LastUpdate\":{\"Status\":\"FAILED\",\"CreatedAt\":1700000001,"
  "\"Error\":{\"ErrorCode\":\"E1\",\"ErrorMessage\":\"Requirements failed to install.\"}}"
  "}}";

static void
test_parse_get_environment (void)
{
  g_autoptr(WsMwaaEnvironment) environment = NULL;
  g_autoptr(WsMwaaEnvironment) copy = NULL;
  g_autoptr(GError) error = NULL;

  environment = parse_environment_text (full_environment, &error);
  g_assert_no_error (error);
  g_assert_nonnull (environment);
  g_assert_cmpstr (environment->name, ==, "analytics");
  g_assert_cmpstr (environment->arn, ==, "arn:aws:airflow:eu-west-1:123456789012:environment/analytics");
  g_assert_cmpstr (environment->status, ==, "UPDATE_FAILED");
  g_assert_cmpstr (environment->airflow_version, ==, "3.0.6");
  g_assert_cmpstr (environment->webserver_hostname, ==, "abc.airflow.eu-west-1.on.aws");
  g_assert_cmpstr (environment->access_mode, ==, "PUBLIC_AND_PRIVATE");
  g_assert_cmpstr (environment->environment_class, ==, "mw1.small");
  g_assert_cmpstr (environment->last_error, ==, "Requirements failed to install.");

  copy = g_boxed_copy (WS_TYPE_MWAA_ENVIRONMENT, environment);
  g_assert_true (copy != environment);
  g_assert_true (copy->name != environment->name);
  g_assert_cmpstr (copy->name, ==, environment->name);
  g_assert_cmpstr (copy->arn, ==, environment->arn);
  g_assert_cmpstr (copy->status, ==, environment->status);
  g_assert_cmpstr (copy->airflow_version, ==, environment->airflow_version);
  g_assert_cmpstr (copy->webserver_hostname, ==, environment->webserver_hostname);
  g_assert_cmpstr (copy->access_mode, ==, environment->access_mode);
  g_assert_cmpstr (copy->environment_class, ==, environment->environment_class);
  g_assert_cmpstr (copy->last_error, ==, environment->last_error);
}

static void
test_parse_get_environment_partial (void)
{
  g_autoptr(WsMwaaEnvironment) empty = NULL;
  g_autoptr(WsMwaaEnvironment) partial = NULL;
  g_autoptr(WsMwaaEnvironment) odd_url = NULL;
  g_autoptr(GError) error = NULL;

  empty = parse_environment_text ("{\"Environment\":{}}", &error);
  g_assert_no_error (error);
  g_assert_null (empty->name);
  g_assert_null (empty->status);
  g_assert_null (empty->webserver_hostname);
  g_assert_null (empty->last_error);

  /* Unknown statuses are kept; a bare WebserverUrl is accepted; a
   * LastUpdate without Error means no error. */
  partial = parse_environment_text ("{\"Environment\":{\"Name\":\"x\",\"Status\":\"HIBERNATING\","
                                    "\"WebserverUrl\":\"x.on.aws\",\"Arn\":null,"
                                    "\"LastUpdate\":{\"Status\":\"SUCCESS\"}}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (partial->status, ==, "HIBERNATING");
  g_assert_cmpstr (partial->webserver_hostname, ==, "x.on.aws");
  g_assert_null (partial->arn);
  g_assert_null (partial->last_error);

  /* WebserverUrl is informational: a bad one is dropped, not fatal. */
  odd_url = parse_environment_text ("{\"Environment\":{\"Name\":\"x\","
                                    "\"WebserverUrl\":\"http://x.on.aws/path\"}}", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (odd_url->name, ==, "x");
  g_assert_null (odd_url->webserver_hostname);

  ws_mwaa_environment_free (NULL);
}

static void
test_parse_get_environment_invalid (void)
{
  static const InvalidCase cases[] = {
    { "{}", "Environment" },
    { "{\"Environment\":null}", "Environment" },
    { "{\"Environment\":[]}", "Environment" },
    { "{\"Environment\":\"analytics\"}", "Environment" },
    { "{\"Environment\":{\"Status\":1}}", "Status" },
    { "{\"Environment\":{\"Name\":{}}}", "Name" },
    { "{\"Environment\":{\"AirflowVersion\":2.1}}", "AirflowVersion" },
    { "{\"Environment\":{\"WebserverUrl\":false}}", "WebserverUrl" },
    { "{\"Environment\":{\"LastUpdate\":\"FAILED\"}}", "LastUpdate" },
    { "{\"Environment\":{\"LastUpdate\":{\"Error\":[\"x\"]}}}", "Error" },
    { "{\"Environment\":{\"LastUpdate\":{\"Error\":{\"ErrorMessage\":7}}}}", "ErrorMessage" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(WsMwaaEnvironment) environment = NULL;

      g_test_message ("body %s", cases[i].input);
      environment = parse_environment_text (cases[i].input, &error);
      g_assert_null (environment);
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);
      g_assert_nonnull (strstr (error->message, cases[i].reason));
      g_assert_nonnull (strstr (error->message, "GetEnvironment"));
    }
}

/* Runs the three parsers on @body; each must either succeed or fail with
 * INVALID_RESPONSE. Returns how many succeeded. */
static guint
parse_with_all (GBytes *body)
{
  g_autoptr(GError) token_error = NULL;
  g_autoptr(GError) list_error = NULL;
  g_autoptr(GError) environment_error = NULL;
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(WsMwaaEnvironment) environment = NULL;
  g_autofree char *hostname = NULL;
  g_autofree char *token = NULL;
  g_autofree char *next_token = NULL;
  guint successes = 0;

  if (ws_mwaa_parse_web_login_token (body, &hostname, &token, &token_error))
    successes++;
  else
    g_assert_error (token_error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);

  names = ws_mwaa_parse_list_environments (body, &next_token, &list_error);
  if (names != NULL)
    successes++;
  else
    g_assert_error (list_error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);

  environment = ws_mwaa_parse_get_environment (body, &environment_error);
  if (environment != NULL)
    successes++;
  else
    g_assert_error (environment_error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_RESPONSE);

  return successes;
}

/* Every proper prefix of a JSON object is incomplete, so must be refused. */
static void
test_parse_truncated (void)
{
  static const char *bodies[] = {
    full_environment,
    "{\"WebToken\":\"t\",\"WebServerHostname\":\"x.on.aws\"}",
    "{\"Environments\":[\"a\",\"b\"],\"NextToken\":\"n\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      gsize length = strlen (bodies[i]);
      g_autoptr(GBytes) whole = g_bytes_new_static (bodies[i], length);

      g_assert_cmpuint (parse_with_all (whole), ==, 1);
      for (gsize cut = 0; cut < length; cut++)
        {
          g_autoptr(GBytes) body = g_bytes_new_static (bodies[i], cut);

          g_assert_cmpuint (parse_with_all (body), ==, 0);
        }
    }
}

static void
test_parse_hostile (void)
{
  static const char not_utf8[] = "{\"WebToken\":\"t\xff\xfe\",\"WebServerHostname\":\"x.on.aws\"}";
  static const char embedded_nul[] = "{\"WebToken\":\"t\0x\",\"WebServerHostname\":\"x.on.aws\"}";
  g_autoptr(GBytes) not_utf8_body = g_bytes_new_static (not_utf8, sizeof not_utf8 - 1);
  g_autoptr(GBytes) nul_body = g_bytes_new_static (embedded_nul, sizeof embedded_nul - 1);
  g_autoptr(GBytes) deep_body = NULL;
  g_autoptr(GBytes) huge_body = NULL;
  g_autoptr(GString) deep = g_string_new ("{\"Environments\":");
  g_autoptr(GString) huge = g_string_new ("{\"Environments\":[");
  GRand *rand = g_rand_new_with_seed (20250101);

  g_assert_cmpuint (parse_with_all (not_utf8_body), ==, 0);
  g_assert_cmpuint (parse_with_all (nul_body), ==, 0);

  /* Deep enough to exhaust the stack of a recursive parser. */
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  deep_body = g_string_free_to_bytes (g_steal_pointer (&deep));
  g_assert_cmpuint (parse_with_all (deep_body), ==, 0);

  /* Far beyond any real answer. */
  while (huge->len < 5 * 1024 * 1024)
    g_string_append (huge, "\"environment-name-padding\",");
  g_string_append (huge, "\"last\"]}");
  huge_body = g_string_free_to_bytes (g_steal_pointer (&huge));
  g_assert_cmpuint (parse_with_all (huge_body), ==, 0);

  /* Random bytes and random mutations of valid bodies. */
  for (guint i = 0; i < 2000; i++)
    {
      g_autofree guint8 *data = NULL;
      g_autoptr(GBytes) body = NULL;
      gsize length;

      if (i % 2 == 0)
        {
          length = g_rand_int_range (rand, 0, 64);
          data = g_malloc (length + 1);
          for (gsize j = 0; j < length; j++)
            data[j] = g_rand_int_range (rand, 0, 256);
        }
      else
        {
          length = strlen (full_environment);
          data = (guint8 *) g_strdup (full_environment);
          for (guint j = 0; j < 3; j++)
            data[g_rand_int_range (rand, 0, length)] = g_rand_int_range (rand, 0, 256);
        }

      body = g_bytes_new_take (g_steal_pointer (&data), length);
      g_assert_cmpuint (parse_with_all (body), <=, 1);
    }

  g_rand_free (rand);
}

static gboolean
nesting_within (const char *text,
                guint       max_depth)
{
  return ws_json_nesting_within (text, strlen (text), max_depth);
}

static void
test_json_nesting (void)
{
  g_assert_true (nesting_within ("", 0));
  g_assert_true (nesting_within ("\"x\"", 0));
  g_assert_false (nesting_within ("[]", 0));
  g_assert_true (nesting_within ("[]", 1));
  g_assert_true (nesting_within ("{\"a\":[1],\"b\":{\"c\":[]}}", 3));
  g_assert_false (nesting_within ("{\"a\":[1],\"b\":{\"c\":[]}}", 2));
  /* Closing brackets bring the depth back down. */
  g_assert_true (nesting_within ("[[]][[]][[]]", 2));
  /* Brackets inside strings, also after escaped quotes, do not count. */
  g_assert_true (nesting_within ("[\"[[[{{{\"]", 1));
  g_assert_true (nesting_within ("[\"\\\"[[[\"]", 1));
  g_assert_false (nesting_within ("[\"\\\\\"[[[\"]", 1));
}

static gboolean
escapes_valid (const char *text)
{
  return ws_json_escapes_valid (text, strlen (text));
}

static void
test_json_escapes (void)
{
  const char *lone_text = "{\"message\":\"a\\ud800b\"}";
  const char *pair_text = "{\"message\":\"\\ud83d\\ude00\"}";
  g_autoptr(JsonObject) lone = NULL;
  g_autoptr(JsonObject) pair = NULL;

  g_assert_true (escapes_valid ("{\"a\":\"\\u00e9 \\ud83d\\ude00 \\uFFFD\"}"));
  /* A lone high or low half, also at the very end or before a non-escape. */
  g_assert_false (escapes_valid ("\"\\ud800\""));
  g_assert_false (escapes_valid ("\"\\uDC00\""));
  g_assert_false (escapes_valid ("\"\\ud83d\\u0041\""));
  g_assert_false (escapes_valid ("\"\\ud83dx\""));
  g_assert_false (escapes_valid ("\\ud83d"));
  /* An escaped backslash before "u" is text, not an escape. */
  g_assert_true (escapes_valid ("\"\\\\ud800\""));
  /* json-glib reads any four characters after "\\u". */
  g_assert_false (escapes_valid ("\"\\u12\""));
  g_assert_false (escapes_valid ("\"\\ud8p0\""));
  /* Nor C's octal escapes, nor anything JSON does not escape. */
  g_assert_false (escapes_valid ("\"\\234\""));
  g_assert_false (escapes_valid ("\"\\x41\""));
  g_assert_false (escapes_valid ("\"a\\"));
  g_assert_true (escapes_valid ("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\""));

  /* json-glib would hand out the lone half as bytes that are not UTF-8. */
  lone = ws_json_parse_object (lone_text, strlen (lone_text), G_MAXSIZE);
  g_assert_null (lone);
  pair = ws_json_parse_object (pair_text, strlen (pair_text), G_MAXSIZE);
  g_assert_nonnull (pair);
  g_assert_cmpstr (ws_json_get_string (pair, "message"), ==, "\xf0\x9f\x98\x80");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  home = ws_test_isolate ("test-mwaa-protocol");

  g_test_add_func ("/mwaa-protocol/name/valid", test_name_valid);
  g_test_add_func ("/mwaa-protocol/name/invalid", test_name_invalid);
  g_test_add_func ("/mwaa-protocol/ref/valid", test_ref_valid);
  g_test_add_func ("/mwaa-protocol/ref/optional-outputs", test_ref_optional_outputs);
  g_test_add_func ("/mwaa-protocol/ref/invalid", test_ref_invalid);
  g_test_add_func ("/mwaa-protocol/hostname", test_normalize_hostname);
  g_test_add_func ("/mwaa-protocol/login-url", test_login_url);
  g_test_add_func ("/mwaa-protocol/list-query", test_list_query);
  g_test_add_func ("/mwaa-protocol/web-login-token/valid", test_parse_web_login_token);
  g_test_add_func ("/mwaa-protocol/web-login-token/invalid", test_parse_web_login_token_invalid);
  g_test_add_func ("/mwaa-protocol/list-environments/valid", test_parse_list_environments);
  g_test_add_func ("/mwaa-protocol/list-environments/invalid", test_parse_list_environments_invalid);
  g_test_add_func ("/mwaa-protocol/get-environment/full", test_parse_get_environment);
  g_test_add_func ("/mwaa-protocol/get-environment/partial", test_parse_get_environment_partial);
  g_test_add_func ("/mwaa-protocol/get-environment/invalid", test_parse_get_environment_invalid);
  g_test_add_func ("/mwaa-protocol/parsers/truncated", test_parse_truncated);
  g_test_add_func ("/mwaa-protocol/parsers/hostile", test_parse_hostile);
  g_test_add_func ("/mwaa-protocol/parsers/json-nesting", test_json_nesting);
  g_test_add_func ("/mwaa-protocol/parsers/json-escapes", test_json_escapes);

  ret = g_test_run ();
  /* Left empty: nothing may write to the process's own HOME. */
  g_assert_no_errno (g_rmdir (home));

  return ret;
}
