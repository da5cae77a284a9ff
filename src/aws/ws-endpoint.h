/* ws-endpoint.h — where requests go: partitions, FIPS/dual-stack, host
 * prefixes, endpoint overrides, region (pure, no I/O)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "ws-aws-config.h"

G_BEGIN_DECLS

typedef enum
{
  WS_AWS_SERVICE_MWAA,
  WS_AWS_SERVICE_STS,
  WS_AWS_SERVICE_SSO,
  WS_AWS_SERVICE_SSO_OIDC,
} WsAwsService;

/**
 * ws_endpoint_resolve:
 * @service: the service
 * @region: the region
 * @host_prefix: (nullable): "env." / "api." for MWAA operations
 * @config: (nullable): the parsed config files
 * @profile: (nullable): the profile whose settings apply
 * @environ: the environment (g_get_environ())
 *
 * Returns: the base URL, scheme://host[:port][/path] without a trailing
 * slash, or %NULL with WS_AWS_ERROR_INVALID_ARGUMENT / _NO_REGION /
 * _INVALID_CONFIG (e.g. plain http:// to a non-loopback host).
 */
char *ws_endpoint_resolve        (WsAwsService        service,
                                  const char         *region,
                                  const char         *host_prefix,
                                  WsAwsConfig        *config,
                                  const char         *profile,
                                  const char * const *environ,
                                  GError            **error);
/* --region > AWS_REGION > AWS_DEFAULT_REGION > profile region. */
char *ws_endpoint_resolve_region (const char         *explicit_region,
                                  WsAwsConfig        *config,
                                  const char         *profile,
                                  const char * const *environ,
                                  GError            **error);
/* AWS_CA_BUNDLE > profile ca_bundle; %NULL when unset. */
char *ws_endpoint_get_ca_bundle  (WsAwsConfig        *config,
                                  const char         *profile,
                                  const char * const *environ);

/* The partition ("aws", "aws-cn", "aws-us-gov", …) whose region pattern
 * matches @region; like botocore, anything unknown belongs to "aws". */
const char *ws_endpoint_get_partition     (const char         *region);
/* A region is one DNS label: letters, digits and inner hyphens, 1–63
 * characters (botocore's check). WS_AWS_ERROR_INVALID_ARGUMENT otherwise. */
gboolean    ws_endpoint_validate_region   (const char         *region,
                                           GError            **error);
/* A bare DNS host name: dot-separated labels of letters, digits and inner
 * hyphens, at most 255 characters; no port, no trailing dot. */
gboolean    ws_endpoint_is_valid_hostname (const char         *host);

G_END_DECLS
