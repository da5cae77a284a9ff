/* ws-endpoint.c — where requests go: partitions, FIPS/dual-stack, host
 * prefixes, endpoint overrides, region (pure, no I/O)
 *
 * The rules follow botocore: the MWAA endpoint rule set
 * (endpoint-rule-set-1.json), partitions.json and the
 * ConfiguredEndpointProvider lookup order (see mwaa-api.md §2).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>
#include <gio/gio.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"

typedef struct
{
  const char *name;
  const char *region_regex;
  const char *dns_suffix;
  const char *dual_stack_dns_suffix;
} WsPartition;

/* From botocore's partitions.json. The aws partition comes last: it is
 * also the fallback for regions no pattern matches, as in botocore. */
static const WsPartition partitions[] = {
  { "aws-cn",     "^cn\\-\\w+\\-\\d+$",            "amazonaws.com.cn", "api.amazonwebservices.com.cn" },
  { "aws-us-gov", "^us\\-gov\\-\\w+\\-\\d+$",      "amazonaws.com",    "api.aws" },
  { "aws-iso",    "^us\\-iso\\-\\w+\\-\\d+$",      "c2s.ic.gov",       "api.aws.ic.gov" },
  { "aws-iso-b",  "^us\\-isob\\-\\w+\\-\\d+$",     "sc2s.sgov.gov",    "api.aws.scloud" },
  { "aws-iso-e",  "^eu\\-isoe\\-\\w+\\-\\d+$",     "cloud.adc-e.uk",   "api.cloud-aws.adc-e.uk" },
  { "aws-iso-f",  "^us\\-isof\\-\\w+\\-\\d+$",     "csp.hci.ic.gov",   "api.aws.hci.ic.gov" },
  { "aws-eusc",   "^eusc\\-(de)\\-\\w+\\-\\d+$",   "amazonaws.eu",     "api.amazonwebservices.eu" },
  { "aws",        "^(us|eu|ap|sa|ca|me|af|il|mx)\\-\\w+\\-\\d+$", "amazonaws.com", "api.aws" },
};

typedef struct
{
  const char *env_name;      /* AWS_ENDPOINT_URL_<env_name> */
  const char *services_key;  /* sub-section of [services NAME] */
  const char *label;         /* host labels before the region */
  const char *fips_label;
  gboolean    gov_fips_plain; /* in aws-us-gov the plain host already is FIPS */
} WsServiceInfo;

/* Indexed by WsAwsService. */
static const WsServiceInfo services[] = {
  { "MWAA",     "mwaa",     "airflow",    "airflow-fips",    FALSE },
  { "STS",      "sts",      "sts",        "sts-fips",        TRUE },
  { "SSO",      "sso",      "portal.sso", "portal.sso-fips", TRUE },
  { "SSO_OIDC", "sso_oidc", "oidc",       "oidc-fips",       TRUE },
};

static const WsPartition *
find_partition (const char *region)
{
  for (guint i = 0; i < G_N_ELEMENTS (partitions); i++)
    {
      if (g_regex_match_simple (partitions[i].region_regex, region, 0, 0))
        return &partitions[i];
    }

  return &partitions[G_N_ELEMENTS (partitions) - 1];
}

const char *
ws_endpoint_get_partition (const char *region)
{
  g_return_val_if_fail (region != NULL, NULL);

  return find_partition (region)->name;
}

static gboolean
is_valid_label (const char *label,
                gsize       len)
{
  if (len == 0 || len > 63)
    return FALSE;

  if (label[0] == '-' || label[len - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (label[i]) && label[i] != '-')
        return FALSE;
    }

  return TRUE;
}

gboolean
ws_endpoint_validate_region (const char  *region,
                             GError     **error)
{
  g_return_val_if_fail (region != NULL, FALSE);

  if (!is_valid_label (region, strlen (region)))
    {
      g_autofree char *shown = g_utf8_make_valid (region, -1);

      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid AWS region; use a region name such as “eu-west-1”."),
                   shown);
      return FALSE;
    }

  return TRUE;
}

gboolean
ws_endpoint_is_valid_hostname (const char *host)
{
  const char *label;

  g_return_val_if_fail (host != NULL, FALSE);

  if (strlen (host) > 255)
    return FALSE;

  label = host;
  for (;;)
    {
      const char *dot = strchr (label, '.');
      gsize len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!is_valid_label (label, len))
        return FALSE;
      if (dot == NULL)
        return TRUE;
      label = dot + 1;
    }
}

/* Like botocore's ensure_boolean(): only a case-insensitive "true" is true,
 * and the environment variable, when set, wins over the config file. */
static gboolean
get_boolean_setting (WsAwsConfig        *config,
                     const char         *profile,
                     const char * const *environ,
                     const char         *env_name,
                     const char         *config_key)
{
  const char *value = g_environ_getenv ((char **) environ, env_name);

  if (value == NULL)
    value = ws_aws_config_get_profile_setting (config, profile, config_key);

  return value != NULL && g_ascii_strcasecmp (value, "true") == 0;
}

static const char *
effective_profile (const char         *profile,
                   const char * const *environ)
{
  return profile != NULL ? profile : ws_aws_config_get_default_profile_name (environ);
}

/* botocore's ConfiguredEndpointProvider order. @setting receives a
 * description of where the URL came from, for error messages. */
static const char *
find_configured_endpoint (const WsServiceInfo *info,
                          WsAwsConfig         *config,
                          const char          *profile,
                          const char * const  *environ,
                          char               **setting)
{
  g_autofree char *service_var = g_strconcat ("AWS_ENDPOINT_URL_", info->env_name, NULL);
  const char *services_name;
  const char *url;

  if (get_boolean_setting (config, profile, environ,
                           "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                           "ignore_configured_endpoint_urls"))
    return NULL;

  if ((url = ws_aws_config_getenv (environ, service_var)) != NULL)
    {
      *setting = g_steal_pointer (&service_var);
      return url;
    }

  if ((url = ws_aws_config_getenv (environ, "AWS_ENDPOINT_URL")) != NULL)
    {
      *setting = g_strdup ("AWS_ENDPOINT_URL");
      return url;
    }

  services_name = ws_aws_config_get_profile_setting (config, profile, "services");
  if (services_name != NULL)
    {
      url = ws_aws_config_get_services_value (config, services_name,
                                              info->services_key, "endpoint_url");
      if (url != NULL && url[0] != '\0')
        {
          *setting = g_strdup_printf (_("“%s.endpoint_url” in [services %s]"),
                                      info->services_key, services_name);
          return url;
        }
    }

  if ((url = ws_aws_config_get_profile_setting (config, profile, "endpoint_url")) != NULL)
    {
      *setting = g_strdup_printf (_("“endpoint_url” in profile %s"), profile);
      return url;
    }

  return NULL;
}

/* Loopback by address, or the name "localhost" itself. Names under it
 * ("env.localhost" after the host prefix) are reserved by RFC 6761, but the
 * resolver may still ask DNS for them, and an answer from there would carry
 * a signed request and its session token off the machine in clear text. */
static gboolean
is_loopback_host (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);

  return g_ascii_strcasecmp (host, "localhost") == 0;
}

static char *
build_custom_endpoint (const char  *url,
                       const char  *setting,
                       const char  *host_prefix,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *host = NULL;
  g_autofree char *path = NULL;
  gboolean is_ip;
  const char *scheme;

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The endpoint URL from %s is not a valid URL; set it to https://HOST[:PORT][/PATH]."),
                   setting);
      return NULL;
    }

  if (g_uri_get_userinfo (uri) != NULL ||
      g_uri_get_query (uri) != NULL ||
      g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The endpoint URL from %s may not contain a user name, a query or a fragment; set it to https://HOST[:PORT][/PATH]."),
                   setting);
      return NULL;
    }

  host = g_ascii_strdown (g_uri_get_host (uri), -1);
  is_ip = g_hostname_is_ip_address (host);
  if (!is_ip && !ws_endpoint_is_valid_hostname (host))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The endpoint URL from %s has an invalid host name; correct it."),
                   setting);
      return NULL;
    }

  if (host_prefix != NULL)
    {
      /* botocore would send "env.127.0.0.1", a name that never resolves;
       * and plain http:// is for loopback only, which "env.localhost" may
       * not be (see is_loopback_host()). */
      if (is_ip || g_strcmp0 (g_uri_get_scheme (uri), "http") == 0)
        {
          g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                       _("The host prefix “%s” cannot be added to the endpoint URL from %s (an IP address or plain http://); set AWS_DISABLE_HOST_PREFIX_INJECTION=true, or use https:// with a host name."),
                       host_prefix, setting);
          return NULL;
        }

      g_autofree char *bare_host = g_steal_pointer (&host);

      host = g_strconcat (host_prefix, bare_host, NULL);
    }

  /* Checked on the final host, the one the request really goes to. */
  scheme = g_uri_get_scheme (uri);
  if (g_strcmp0 (scheme, "https") != 0 &&
      !(g_strcmp0 (scheme, "http") == 0 && is_loopback_host (host)))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                   _("The endpoint URL from %s must use https:// (plain http:// is only allowed to this computer); correct it."),
                   setting);
      return NULL;
    }

  path = g_strdup (g_uri_get_path (uri));
  while (g_str_has_suffix (path, "/"))
    path[strlen (path) - 1] = '\0';

  return g_uri_join (G_URI_FLAGS_ENCODED, scheme, NULL, host,
                     g_uri_get_port (uri), path, NULL, NULL);
}

static char *
build_default_endpoint (const WsServiceInfo *info,
                        const char          *region,
                        const char          *host_prefix,
                        gboolean             fips,
                        gboolean             dual_stack)
{
  const WsPartition *partition = find_partition (region);
  const char *suffix = dual_stack ? partition->dual_stack_dns_suffix : partition->dns_suffix;
  const char *label = info->label;

  if (fips &&
      !(info->gov_fips_plain && !dual_stack && g_str_equal (partition->name, "aws-us-gov")))
    label = info->fips_label;

  return g_strdup_printf ("https://%s%s.%s.%s",
                          host_prefix != NULL ? host_prefix : "",
                          label, region, suffix);
}

static void
set_no_region_error (GError     **error,
                     const char  *profile)
{
  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION,
               _("No AWS region is configured for profile %s. Set one with --region, AWS_REGION or “region” in profile %s."),
               profile, profile);
}

char *
ws_endpoint_resolve (WsAwsService        service,
                     const char         *region,
                     const char         *host_prefix,
                     WsAwsConfig        *config,
                     const char         *profile,
                     const char * const *environ,
                     GError            **error)
{
  const WsServiceInfo *info;
  g_autofree char *setting = NULL;
  const char *custom_url;
  gboolean fips;
  gboolean dual_stack;

  g_return_val_if_fail (service < G_N_ELEMENTS (services), NULL);
  g_return_val_if_fail (config == NULL || WS_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (environ != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  info = &services[service];
  profile = effective_profile (profile, environ);

  /* A configured endpoint needs no region and ignores FIPS/dual-stack, as
   * botocore forces both off when an endpoint URL is set. */
  custom_url = find_configured_endpoint (info, config, profile, environ, &setting);
  if (custom_url != NULL)
    {
      if (get_boolean_setting (config, profile, environ,
                               "AWS_DISABLE_HOST_PREFIX_INJECTION",
                               "disable_host_prefix_injection"))
        host_prefix = NULL;

      return build_custom_endpoint (custom_url, setting, host_prefix, error);
    }

  if (region == NULL || region[0] == '\0')
    {
      set_no_region_error (error, profile);
      return NULL;
    }

  if (!ws_endpoint_validate_region (region, error))
    return NULL;

  fips = get_boolean_setting (config, profile, environ,
                              "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
  dual_stack = get_boolean_setting (config, profile, environ,
                                    "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");

  return build_default_endpoint (info, region, host_prefix, fips, dual_stack);
}

char *
ws_endpoint_resolve_region (const char         *explicit_region,
                            WsAwsConfig        *config,
                            const char         *profile,
                            const char * const *environ,
                            GError            **error)
{
  g_autofree char *profile_source = NULL;
  const char *region;
  const char *source;

  g_return_val_if_fail (config == NULL || WS_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (environ != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  profile = effective_profile (profile, environ);

  if (explicit_region != NULL && explicit_region[0] != '\0')
    {
      region = explicit_region;
      source = "--region";
    }
  else if ((region = ws_aws_config_getenv (environ, "AWS_REGION")) != NULL)
    source = "AWS_REGION";
  else if ((region = ws_aws_config_getenv (environ, "AWS_DEFAULT_REGION")) != NULL)
    source = "AWS_DEFAULT_REGION";
  else if ((region = ws_aws_config_get_profile_setting (config, profile, "region")) != NULL)
    source = profile_source = g_strdup_printf (_("profile %s"), profile);
  else
    {
      set_no_region_error (error, profile);
      return NULL;
    }

  if (!ws_endpoint_validate_region (region, error))
    {
      g_prefix_error (error, "%s: ", source);
      return NULL;
    }

  return g_strdup (region);
}

char *
ws_endpoint_get_ca_bundle (WsAwsConfig        *config,
                           const char         *profile,
                           const char * const *environ)
{
  const char *path;

  g_return_val_if_fail (config == NULL || WS_IS_AWS_CONFIG (config), NULL);
  g_return_val_if_fail (environ != NULL, NULL);

  path = ws_aws_config_getenv (environ, "AWS_CA_BUNDLE");
  if (path == NULL)
    path = ws_aws_config_get_profile_setting (config, effective_profile (profile, environ), "ca_bundle");

  return g_strdup (path);
}
