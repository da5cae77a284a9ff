/* test-endpoint.c — endpoint rules, overrides and region resolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gstdio.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"
#include "ws-test-util.h"

/* An environment of KEY, VALUE pairs (NULL-terminated), independent of the
 * process's own. */
static GStrv
make_environ (const char *first_key,
              ...)
{
  GStrv env = g_new0 (char *, 1);
  const char *key;
  va_list args;

  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    env = g_environ_setenv (env, key, va_arg (args, const char *), TRUE);
  va_end (args);

  return env;
}

static WsAwsConfig *
make_config (const char *text)
{
  g_autoptr(GError) error = NULL;
  WsAwsConfig *config;

  config = ws_aws_config_new_from_data (text, "config", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (config);

  return config;
}

static void
assert_endpoint (WsAwsService        service,
                 const char         *region,
                 const char         *host_prefix,
                 WsAwsConfig        *config,
                 const char * const *env,
                 const char         *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = ws_endpoint_resolve (service, region, host_prefix, config, NULL, env, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, expected);
}

/* Returns the error message, for the callers that check what it names. */
static char *
assert_endpoint_error (WsAwsService        service,
                       const char         *region,
                       const char         *host_prefix,
                       WsAwsConfig        *config,
                       const char * const *env,
                       int                 code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  url = ws_endpoint_resolve (service, region, host_prefix, config, NULL, env, &error);
  g_assert_error (error, WS_AWS_ERROR, code);
  g_assert_null (url);

  return g_strdup (error->message);
}

/* mwaa-api.md §2.1: the hosts verified against botocore and the CLI. */
static void
test_mwaa_default (void)
{
  g_auto(GStrv) env = make_environ (NULL);
  const char * const *e = (const char * const *) env;

  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "env.", NULL, e,
                   "https://env.airflow.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "api.", NULL, e,
                   "https://api.airflow.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-2", "env.", NULL, e,
                   "https://env.airflow.us-east-2.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, NULL, e,
                   "https://airflow.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "il-central-1", "api.", NULL, e,
                   "https://api.airflow.il-central-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "mx-central-1", "api.", NULL, e,
                   "https://api.airflow.mx-central-1.amazonaws.com");
}

static void
test_mwaa_partitions (void)
{
  g_auto(GStrv) env = make_environ (NULL);
  const char * const *e = (const char * const *) env;

  assert_endpoint (WS_AWS_SERVICE_MWAA, "cn-north-1", "api.", NULL, e,
                   "https://api.airflow.cn-north-1.amazonaws.com.cn");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "cn-northwest-1", "env.", NULL, e,
                   "https://env.airflow.cn-northwest-1.amazonaws.com.cn");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-gov-west-1", "api.", NULL, e,
                   "https://api.airflow.us-gov-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-iso-east-1", "api.", NULL, e,
                   "https://api.airflow.us-iso-east-1.c2s.ic.gov");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-isob-east-1", "api.", NULL, e,
                   "https://api.airflow.us-isob-east-1.sc2s.sgov.gov");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eusc-de-east-1", "api.", NULL, e,
                   "https://api.airflow.eusc-de-east-1.amazonaws.eu");
  /* botocore puts any region it does not recognise in the aws partition. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "xx-newplace-7", "api.", NULL, e,
                   "https://api.airflow.xx-newplace-7.amazonaws.com");

  g_assert_cmpstr (ws_endpoint_get_partition ("eu-central-2"), ==, "aws");
  g_assert_cmpstr (ws_endpoint_get_partition ("cn-north-1"), ==, "aws-cn");
  g_assert_cmpstr (ws_endpoint_get_partition ("us-gov-east-1"), ==, "aws-us-gov");
  g_assert_cmpstr (ws_endpoint_get_partition ("us-isof-south-1"), ==, "aws-iso-f");
  g_assert_cmpstr (ws_endpoint_get_partition ("eu-isoe-west-1"), ==, "aws-iso-e");
  g_assert_cmpstr (ws_endpoint_get_partition ("moon-base-1"), ==, "aws");
}

static void
test_mwaa_fips_dualstack (void)
{
  g_auto(GStrv) fips = make_environ ("AWS_USE_FIPS_ENDPOINT", "true", NULL);
  g_auto(GStrv) fips_upper = make_environ ("AWS_USE_FIPS_ENDPOINT", "TRUE", NULL);
  g_auto(GStrv) fips_one = make_environ ("AWS_USE_FIPS_ENDPOINT", "1", NULL);
  g_auto(GStrv) dual = make_environ ("AWS_USE_DUALSTACK_ENDPOINT", "true", NULL);
  g_auto(GStrv) both = make_environ ("AWS_USE_FIPS_ENDPOINT", "true",
                                     "AWS_USE_DUALSTACK_ENDPOINT", "True", NULL);

  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "api.", NULL, (const char * const *) fips,
                   "https://api.airflow-fips.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-2", "env.", NULL, (const char * const *) fips_upper,
                   "https://env.airflow-fips.us-east-2.amazonaws.com");
  /* Like botocore, only "true" (any case) is true. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "api.", NULL, (const char * const *) fips_one,
                   "https://api.airflow.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "env.", NULL, (const char * const *) dual,
                   "https://env.airflow.us-east-1.api.aws");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "cn-north-1", "api.", NULL, (const char * const *) dual,
                   "https://api.airflow.cn-north-1.api.amazonwebservices.com.cn");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-2", "api.", NULL, (const char * const *) both,
                   "https://api.airflow-fips.us-east-2.api.aws");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-gov-west-1", "api.", NULL, (const char * const *) fips,
                   "https://api.airflow-fips.us-gov-west-1.amazonaws.com");
}

static void
test_fips_dualstack_config (void)
{
  g_autoptr(WsAwsConfig) config = NULL;
  g_auto(GStrv) empty = make_environ (NULL);
  g_auto(GStrv) fips_off = make_environ ("AWS_USE_FIPS_ENDPOINT", "false", NULL);

  config = make_config ("[default]\n"
                        "use_fips_endpoint = true\n"
                        "use_dualstack_endpoint = true\n");

  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "env.", config, (const char * const *) empty,
                   "https://env.airflow-fips.us-east-1.api.aws");
  /* The environment variable wins over the config file. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "us-east-1", "env.", config, (const char * const *) fips_off,
                   "https://env.airflow.us-east-1.api.aws");
}

static void
test_sts_sso_oidc (void)
{
  g_auto(GStrv) env = make_environ (NULL);
  g_auto(GStrv) fips = make_environ ("AWS_USE_FIPS_ENDPOINT", "true", NULL);
  g_auto(GStrv) dual = make_environ ("AWS_USE_DUALSTACK_ENDPOINT", "true", NULL);
  g_auto(GStrv) fips_dual = make_environ ("AWS_USE_FIPS_ENDPOINT", "true",
                                          "AWS_USE_DUALSTACK_ENDPOINT", "true", NULL);
  const char * const *e = (const char * const *) env;
  const char * const *f = (const char * const *) fips;
  const char * const *d = (const char * const *) dual;
  const char * const *fd = (const char * const *) fips_dual;

  assert_endpoint (WS_AWS_SERVICE_STS, "eu-west-1", NULL, NULL, e, "https://sts.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_STS, "cn-north-1", NULL, NULL, e, "https://sts.cn-north-1.amazonaws.com.cn");
  assert_endpoint (WS_AWS_SERVICE_STS, "us-east-1", NULL, NULL, f, "https://sts-fips.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_STS, "us-gov-west-1", NULL, NULL, f, "https://sts.us-gov-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_STS, "us-east-1", NULL, NULL, d, "https://sts.us-east-1.api.aws");
  /* GovCloud's plain hosts are FIPS ones, but not its dual-stack hosts. */
  assert_endpoint (WS_AWS_SERVICE_STS, "us-gov-west-1", NULL, NULL, fd, "https://sts-fips.us-gov-west-1.api.aws");

  assert_endpoint (WS_AWS_SERVICE_SSO, "eu-west-1", NULL, NULL, e, "https://portal.sso.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_SSO, "cn-north-1", NULL, NULL, e, "https://portal.sso.cn-north-1.amazonaws.com.cn");
  assert_endpoint (WS_AWS_SERVICE_SSO, "us-east-1", NULL, NULL, f, "https://portal.sso-fips.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_SSO, "us-gov-east-1", NULL, NULL, f, "https://portal.sso.us-gov-east-1.amazonaws.com");

  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "eu-west-1", NULL, NULL, e, "https://oidc.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "us-gov-west-1", NULL, NULL, e, "https://oidc.us-gov-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "us-east-1", NULL, NULL, f, "https://oidc-fips.us-east-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "us-east-1", NULL, NULL, d, "https://oidc.us-east-1.api.aws");
}

static const char override_config[] =
  "[default]\n"
  "services = local\n"
  "endpoint_url = https://profile.example.test\n"
  "[profile bare]\n"
  "endpoint_url = https://bare.example.test/\n"
  "[services local]\n"
  "mwaa =\n"
  "  endpoint_url = https://services-mwaa.example.test\n"
  "sts =\n"
  "  endpoint_url = https://services-sts.example.test\n"
  "sso =\n"
  "  endpoint_url = https://services-sso.example.test\n"
  "sso_oidc =\n"
  "  endpoint_url = https://services-oidc.example.test\n";

/* AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > [services] > endpoint_url,
 * each level checked with everything above it removed. */
static void
test_override_precedence (void)
{
  g_autoptr(WsAwsConfig) config = make_config (override_config);
  g_auto(GStrv) both = make_environ ("AWS_ENDPOINT_URL_MWAA", "https://specific.example.test",
                                     "AWS_ENDPOINT_URL", "https://general.example.test", NULL);
  g_auto(GStrv) general = make_environ ("AWS_ENDPOINT_URL", "https://general.example.test", NULL);
  g_auto(GStrv) empty = make_environ (NULL);
  g_auto(GStrv) bare = make_environ ("AWS_PROFILE", "bare", NULL);
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;

  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, config, (const char * const *) both,
                   "https://specific.example.test");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, config, (const char * const *) general,
                   "https://general.example.test");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, config, (const char * const *) empty,
                   "https://services-mwaa.example.test");
  /* AWS_PROFILE picks the profile when none is given. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, config, (const char * const *) bare,
                   "https://bare.example.test");

  /* An explicit profile wins over AWS_PROFILE. */
  url = ws_endpoint_resolve (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, config, "default",
                             (const char * const *) bare, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (url, ==, "https://services-mwaa.example.test");
}

static void
test_override_services (void)
{
  g_autoptr(WsAwsConfig) config = make_config (override_config);
  g_autoptr(WsAwsConfig) profile_only = make_config ("[default]\n"
                                                     "endpoint_url = https://profile.example.test\n");
  g_auto(GStrv) empty = make_environ (NULL);
  g_auto(GStrv) sts = make_environ ("AWS_ENDPOINT_URL_STS", "https://sts.local.test",
                                    "AWS_ENDPOINT_URL_SSO", "https://sso.local.test",
                                    "AWS_ENDPOINT_URL_SSO_OIDC", "https://oidc.local.test",
                                    "AWS_ENDPOINT_URL_AIRFLOW", "https://airflow.local.test", NULL);
  const char * const *e = (const char * const *) empty;
  const char * const *s = (const char * const *) sts;

  assert_endpoint (WS_AWS_SERVICE_STS, "eu-west-1", NULL, config, e, "https://services-sts.example.test");
  assert_endpoint (WS_AWS_SERVICE_SSO, "eu-west-1", NULL, config, e, "https://services-sso.example.test");
  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "eu-west-1", NULL, config, e, "https://services-oidc.example.test");

  /* Each variable applies to its service only; _AIRFLOW is not a name botocore knows. */
  assert_endpoint (WS_AWS_SERVICE_STS, "eu-west-1", NULL, NULL, s, "https://sts.local.test");
  assert_endpoint (WS_AWS_SERVICE_SSO, "eu-west-1", NULL, NULL, s, "https://sso.local.test");
  assert_endpoint (WS_AWS_SERVICE_SSO_OIDC, "eu-west-1", NULL, NULL, s, "https://oidc.local.test");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "api.", NULL, s,
                   "https://api.airflow.eu-west-1.amazonaws.com");

  /* Without a [services] entry the profile's endpoint_url serves every service. */
  assert_endpoint (WS_AWS_SERVICE_STS, "eu-west-1", NULL, profile_only, e, "https://profile.example.test");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, profile_only, e, "https://profile.example.test");
}

static void
test_override_ignored (void)
{
  g_autoptr(WsAwsConfig) config = make_config (override_config);
  g_autoptr(WsAwsConfig) ignoring = make_config ("[default]\n"
                                                 "ignore_configured_endpoint_urls = true\n"
                                                 "endpoint_url = https://profile.example.test\n");
  g_auto(GStrv) ignore = make_environ ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true",
                                       "AWS_ENDPOINT_URL_MWAA", "https://specific.example.test", NULL);
  g_auto(GStrv) not_ignore = make_environ ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false", NULL);
  g_auto(GStrv) empty = make_environ (NULL);

  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", config, (const char * const *) ignore,
                   "https://env.airflow.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", ignoring, (const char * const *) empty,
                   "https://env.airflow.eu-west-1.amazonaws.com");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, ignoring, (const char * const *) not_ignore,
                   "https://profile.example.test");
}

static void
test_override_host_prefix (void)
{
  g_autoptr(WsAwsConfig) disabling = make_config ("[default]\n"
                                                  "disable_host_prefix_injection = TRUE\n"
                                                  "endpoint_url = https://mwaa.example.test\n");
  g_auto(GStrv) custom = make_environ ("AWS_ENDPOINT_URL", "https://mwaa.example.test:8443/base/", NULL);
  g_auto(GStrv) disabled = make_environ ("AWS_ENDPOINT_URL", "http://127.0.0.1:18765",
                                         "AWS_DISABLE_HOST_PREFIX_INJECTION", "true", NULL);
  g_auto(GStrv) ip = make_environ ("AWS_ENDPOINT_URL", "http://127.0.0.1:18765", NULL);
  g_auto(GStrv) not_disabled = make_environ ("AWS_DISABLE_HOST_PREFIX_INJECTION", "false", NULL);
  g_auto(GStrv) empty = make_environ (NULL);
  g_auto(GStrv) fips = make_environ ("AWS_ENDPOINT_URL_MWAA", "https://mwaa.example.test",
                                     "AWS_USE_FIPS_ENDPOINT", "true",
                                     "AWS_USE_DUALSTACK_ENDPOINT", "true", NULL);
  g_autofree char *message = NULL;

  /* botocore prepends the prefix to custom endpoints too. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", NULL, (const char * const *) custom,
                   "https://env.mwaa.example.test:8443/base");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, NULL, (const char * const *) custom,
                   "https://mwaa.example.test:8443/base");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", NULL, (const char * const *) disabled,
                   "http://127.0.0.1:18765");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "api.", disabling, (const char * const *) custom,
                   "https://mwaa.example.test:8443/base");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "api.", disabling, (const char * const *) empty,
                   "https://mwaa.example.test");
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "api.", disabling, (const char * const *) not_disabled,
                   "https://api.mwaa.example.test");
  /* FIPS and dual-stack do not apply to a custom endpoint. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", NULL, (const char * const *) fips,
                   "https://env.mwaa.example.test");
  /* A custom endpoint needs no region. */
  assert_endpoint (WS_AWS_SERVICE_MWAA, NULL, "env.", NULL, (const char * const *) fips,
                   "https://env.mwaa.example.test");

  /* A prefixed IP address never resolves: say how to fix it instead. */
  message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, "eu-west-1", "env.", NULL,
                                   (const char * const *) ip, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (message, "AWS_DISABLE_HOST_PREFIX_INJECTION"));
  g_assert_nonnull (strstr (message, "AWS_ENDPOINT_URL"));
}

typedef struct
{
  const char *url;
  const char *prefix;
  const char *expected; /* NULL: rejected */
} UrlCase;

static void
test_override_validation (void)
{
  static const UrlCase cases[] = {
    { "http://localhost:18765", NULL, "http://localhost:18765" },
    { "http://LOCALHOST:18765/", NULL, "http://localhost:18765" },
    { "https://localhost:18765", "env.", "https://env.localhost:18765" },
    { "http://localhost:18765", "env.", NULL },
    { "http://127.0.0.1:18765", NULL, "http://127.0.0.1:18765" },
    { "http://127.1.2.3", NULL, "http://127.1.2.3" },
    { "http://[::1]:8080", NULL, "http://[::1]:8080" },
    { "https://10.0.0.1", NULL, "https://10.0.0.1" },
    { "https://mwaa.example.test/a/b", NULL, "https://mwaa.example.test/a/b" },
    { "http://example.com", NULL, NULL },
    { "http://10.0.0.1:8080", NULL, NULL },
    { "http://[::2]:8080", NULL, NULL },
    { "http://localhost.example.com", NULL, NULL },
    { "http://127.0.0.1.example.com", NULL, NULL },
    { "ftp://mwaa.example.test", NULL, NULL },
    { "mwaa.example.test", NULL, NULL },
    { "not a url", NULL, NULL },
    { "https://", NULL, NULL },
    { "https://user:secret@mwaa.example.test", NULL, NULL },
    { "https://mwaa.example.test/?q=1", NULL, NULL },
    { "https://mwaa.example.test/#frag", NULL, NULL },
    { "https://bad_host.example.test", NULL, NULL },
    { "https://-bad.example.test", NULL, NULL },
    { "https://[::1]", "env.", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) env = make_environ ("AWS_ENDPOINT_URL_MWAA", cases[i].url, NULL);
      g_autofree char *message = NULL;

      g_test_message ("endpoint URL %s", cases[i].url);
      if (cases[i].expected != NULL)
        {
          assert_endpoint (WS_AWS_SERVICE_MWAA, "eu-west-1", cases[i].prefix, NULL,
                           (const char * const *) env, cases[i].expected);
          continue;
        }

      message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, "eu-west-1", cases[i].prefix, NULL,
                                       (const char * const *) env, WS_AWS_ERROR_INVALID_CONFIG);
      g_assert_nonnull (strstr (message, "AWS_ENDPOINT_URL_MWAA"));
      /* The URL may hold a password: it is never repeated. */
      g_assert_null (strstr (message, "secret"));
    }
}

/* Errors name the setting the bad URL came from. */
static void
test_override_error_names_setting (void)
{
  g_autoptr(WsAwsConfig) services = make_config ("[profile work]\n"
                                                 "services = mine\n"
                                                 "[services mine]\n"
                                                 "mwaa =\n"
                                                 "  endpoint_url = http://mwaa.example.test\n");
  g_autoptr(WsAwsConfig) profile = make_config ("[profile work]\n"
                                                "endpoint_url = http://mwaa.example.test\n");
  g_auto(GStrv) env = make_environ ("AWS_PROFILE", "work", NULL);
  g_autofree char *services_message = NULL;
  g_autofree char *profile_message = NULL;

  services_message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, services,
                                            (const char * const *) env, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (services_message, "[services mine]"));
  g_assert_nonnull (strstr (services_message, "mwaa.endpoint_url"));

  profile_message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, "eu-west-1", NULL, profile,
                                           (const char * const *) env, WS_AWS_ERROR_INVALID_CONFIG);
  g_assert_nonnull (strstr (profile_message, "profile work"));
}

static void
test_resolve_region_errors (void)
{
  g_autoptr(WsAwsConfig) config = make_config ("[profile work]\noutput = json\n");
  g_auto(GStrv) env = make_environ (NULL);
  g_autofree char *message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, NULL, "env.", config,
                                   (const char * const *) env, WS_AWS_ERROR_NO_REGION);
  g_assert_nonnull (strstr (message, "--region"));
  g_assert_nonnull (strstr (message, "AWS_REGION"));
  g_assert_nonnull (strstr (message, "default"));

  url = ws_endpoint_resolve (WS_AWS_SERVICE_STS, "", NULL, config, "work",
                             (const char * const *) env, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION);
  g_assert_null (url);
  g_assert_nonnull (strstr (error->message, "profile work"));

  g_clear_pointer (&message, g_free);
  message = assert_endpoint_error (WS_AWS_SERVICE_MWAA, "eu-west-1.evil.test/", "env.", NULL,
                                   (const char * const *) env, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (message, "eu-west-1.evil.test/"));
}

static void
test_validate_region (void)
{
  static const char *valid[] = { "eu-west-1", "us-gov-west-1", "a", "local", "EU-WEST-1" };
  static const char *invalid[] = { "", "-eu-west-1", "eu-west-1-", "eu west 1", "eu_west_1",
                                   "eu.west.1", "r\xc3\xa9gion", "eu-west-1\n" };
  g_autofree char *longest = g_strnfill (63, 'a');
  g_autofree char *too_long = g_strnfill (64, 'a');

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (ws_endpoint_validate_region (valid[i], NULL));
  g_assert_true (ws_endpoint_validate_region (longest, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (ws_endpoint_validate_region (invalid[i], &error));
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  g_assert_false (ws_endpoint_validate_region (too_long, NULL));
}

static void
test_hostname (void)
{
  static const char *valid[] = { "a", "localhost", "abc.c1.eu-west-1.airflow.amazonaws.com",
                                 "x1-y2.on.aws", "123.example" };
  static const char *invalid[] = { "", ".", "a.", ".a", "a..b", "-a.b", "a-.b", "a_b.c",
                                   "a b", "a/b", "a:443", "h\xc3\xb6st" };
  g_autofree char *label64 = g_strnfill (64, 'a');
  g_autofree char *label63 = g_strnfill (63, 'a');
  g_autofree char *long_host = g_strjoin (".", label63, label63, label63, label63, NULL);
  g_autofree char *too_long_host = g_strconcat (long_host, ".a", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    g_assert_true (ws_endpoint_is_valid_hostname (valid[i]));
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    g_assert_false (ws_endpoint_is_valid_hostname (invalid[i]));

  g_assert_true (ws_endpoint_is_valid_hostname (label63));
  g_assert_false (ws_endpoint_is_valid_hostname (label64));
  /* 4 × 63 + 3 dots = 255 is the limit; one more label is too long. */
  g_assert_true (ws_endpoint_is_valid_hostname (long_host));
  g_assert_false (ws_endpoint_is_valid_hostname (too_long_host));
}

static void
assert_region (const char         *explicit_region,
               WsAwsConfig        *config,
               const char         *profile,
               const char * const *env,
               const char         *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  region = ws_endpoint_resolve_region (explicit_region, config, profile, env, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (region, ==, expected);
}

/* --region > AWS_REGION > AWS_DEFAULT_REGION > profile region. */
static void
test_region_precedence (void)
{
  g_autoptr(WsAwsConfig) config = make_config ("[default]\n"
                                               "region = eu-west-1\n"
                                               "[profile work]\n"
                                               "region = ap-south-1\n"
                                               "sso_region = us-east-1\n"
                                               "[profile sso-only]\n"
                                               "sso_region = us-east-1\n");
  g_auto(GStrv) both = make_environ ("AWS_REGION", "eu-central-1",
                                     "AWS_DEFAULT_REGION", "eu-north-1", NULL);
  g_auto(GStrv) default_only = make_environ ("AWS_DEFAULT_REGION", "eu-north-1", NULL);
  g_auto(GStrv) empty_values = make_environ ("AWS_REGION", "", "AWS_DEFAULT_REGION", "", NULL);
  g_auto(GStrv) work = make_environ ("AWS_PROFILE", "work", NULL);
  g_auto(GStrv) empty = make_environ (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  assert_region ("us-west-2", config, NULL, (const char * const *) both, "us-west-2");
  assert_region (NULL, config, NULL, (const char * const *) both, "eu-central-1");
  assert_region ("", config, NULL, (const char * const *) default_only, "eu-north-1");
  assert_region (NULL, config, NULL, (const char * const *) empty_values, "eu-west-1");
  assert_region (NULL, config, "work", (const char * const *) empty, "ap-south-1");
  assert_region (NULL, config, NULL, (const char * const *) work, "ap-south-1");

  /* sso_region is where the portal is, not where the environments are. */
  region = ws_endpoint_resolve_region (NULL, config, "sso-only", (const char * const *) empty, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION);
  g_assert_null (region);
  g_assert_nonnull (strstr (error->message, "sso-only"));
  g_clear_error (&error);

  region = ws_endpoint_resolve_region (NULL, NULL, NULL, (const char * const *) empty, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION);
  g_assert_null (region);
  g_clear_error (&error);

  /* A profile the files do not have is no region, not a crash. */
  region = ws_endpoint_resolve_region (NULL, config, "nope", (const char * const *) empty, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION);
  g_assert_null (region);
  g_assert_nonnull (strstr (error->message, "profile nope"));
}

static void
test_region_invalid (void)
{
  g_autoptr(WsAwsConfig) config = make_config ("[default]\nregion = eu west 1\n");
  g_auto(GStrv) bad_env = make_environ ("AWS_REGION", "eu-west-1/x", NULL);
  g_auto(GStrv) empty = make_environ (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *region = NULL;

  region = ws_endpoint_resolve_region (NULL, NULL, NULL, (const char * const *) bad_env, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_null (region);
  g_assert_true (g_str_has_prefix (error->message, "AWS_REGION: "));
  g_clear_error (&error);

  region = ws_endpoint_resolve_region (NULL, config, NULL, (const char * const *) empty, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_null (region);
  g_assert_nonnull (strstr (error->message, "profile default"));
  g_clear_error (&error);

  region = ws_endpoint_resolve_region ("bad region", config, NULL, (const char * const *) empty, &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_null (region);
  g_assert_true (g_str_has_prefix (error->message, "--region: "));
}

static void
test_ca_bundle (void)
{
  g_autoptr(WsAwsConfig) config = make_config ("[default]\n"
                                               "ca_bundle = /etc/corp/ca.pem\n"
                                               "[profile plain]\n"
                                               "region = eu-west-1\n");
  g_auto(GStrv) env = make_environ ("AWS_CA_BUNDLE", "/opt/ca.pem", NULL);
  g_auto(GStrv) empty = make_environ (NULL);
  g_autofree char *from_env = NULL;
  g_autofree char *from_profile = NULL;
  g_autofree char *unset = NULL;
  g_autofree char *no_config = NULL;

  from_env = ws_endpoint_get_ca_bundle (config, NULL, (const char * const *) env);
  from_profile = ws_endpoint_get_ca_bundle (config, NULL, (const char * const *) empty);
  unset = ws_endpoint_get_ca_bundle (config, "plain", (const char * const *) empty);
  no_config = ws_endpoint_get_ca_bundle (NULL, NULL, (const char * const *) empty);

  g_assert_cmpstr (from_env, ==, "/opt/ca.pem");
  g_assert_cmpstr (from_profile, ==, "/etc/corp/ca.pem");
  g_assert_null (unset);
  g_assert_null (no_config);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  home = ws_test_isolate ("test-endpoint");

  g_test_add_func ("/endpoint/mwaa/default", test_mwaa_default);
  g_test_add_func ("/endpoint/mwaa/partitions", test_mwaa_partitions);
  g_test_add_func ("/endpoint/mwaa/fips-dualstack", test_mwaa_fips_dualstack);
  g_test_add_func ("/endpoint/mwaa/fips-dualstack-config", test_fips_dualstack_config);
  g_test_add_func ("/endpoint/sts-sso-oidc", test_sts_sso_oidc);
  g_test_add_func ("/endpoint/override/precedence", test_override_precedence);
  g_test_add_func ("/endpoint/override/services", test_override_services);
  g_test_add_func ("/endpoint/override/ignored", test_override_ignored);
  g_test_add_func ("/endpoint/override/host-prefix", test_override_host_prefix);
  g_test_add_func ("/endpoint/override/validation", test_override_validation);
  g_test_add_func ("/endpoint/override/error-names-setting", test_override_error_names_setting);
  g_test_add_func ("/endpoint/region/errors", test_resolve_region_errors);
  g_test_add_func ("/endpoint/region/validate", test_validate_region);
  g_test_add_func ("/endpoint/region/precedence", test_region_precedence);
  g_test_add_func ("/endpoint/region/invalid", test_region_invalid);
  g_test_add_func ("/endpoint/hostname", test_hostname);
  g_test_add_func ("/endpoint/ca-bundle", test_ca_bundle);

  ret = g_test_run ();
  /* Left empty: nothing may write to the process's own HOME. */
  g_assert_no_errno (g_rmdir (home));

  return ret;
}
