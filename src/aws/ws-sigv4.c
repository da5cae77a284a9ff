/* ws-sigv4.c — AWS Signature Version 4
 *
 * Everything but ws_sigv4_sign_message() is pure string work over the
 * request as it goes on the wire, following the steps of the AWS
 * documentation (canonical request → string to sign → signature) and the
 * conventions of botocore and aws-c-auth where the documentation is silent.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "ws-secret.h"
#include "ws-sigv4.h"

#define SCOPE_TERMINATOR "aws4_request"

typedef struct
{
  const char *name;
  const char *value;
  guint       order;
} CanonicalHeader;

typedef struct
{
  char *name;
  char *value;
} QueryParam;

/* Headers a client library or proxy may add or rewrite after signing
 * (botocore's SIGNED_HEADERS_BLACKLIST, aws-c-auth's s_skipped_headers),
 * and the ones that only the signer writes. */
static const char * const skipped_headers[] = {
  "authorization",
  "x-amz-date",
  "user-agent",
  "accept-encoding",
  "connection",
  "expect",
  "transfer-encoding",
  "upgrade",
  "x-amzn-trace-id",
};

static inline gboolean
is_unreserved (guchar c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '.' || c == '_' || c == '~';
}

/* Percent-encodes everything but the RFC 3986 unreserved characters (and
 * `/` when @keep_slash), with upper-case hex. With @decode_escapes, a valid
 * `%XX` is decoded first, so that an already encoded query component comes
 * out in the one canonical form whatever escapes the sender chose. */
static void
append_encoded (GString    *out,
                const char *string,
                gsize       length,
                gboolean    keep_slash,
                gboolean    decode_escapes)
{
  static const char hex[] = "0123456789ABCDEF";

  for (gsize i = 0; i < length; i++)
    {
      guchar c = string[i];

      if (decode_escapes && c == '%' && i + 2 < length &&
          g_ascii_isxdigit (string[i + 1]) && g_ascii_isxdigit (string[i + 2]))
        {
          c = (g_ascii_xdigit_value (string[i + 1]) << 4) | g_ascii_xdigit_value (string[i + 2]);
          i += 2;
        }

      if (is_unreserved (c) || (keep_slash && c == '/'))
        {
          g_string_append_c (out, c);
        }
      else
        {
          g_string_append_c (out, '%');
          g_string_append_c (out, hex[c >> 4]);
          g_string_append_c (out, hex[c & 0xf]);
        }
    }
}

char *
ws_sigv4_uri_encode (const char *string,
                     gboolean    keep_slash)
{
  GString *out;

  g_return_val_if_fail (string != NULL, NULL);

  out = g_string_sized_new (strlen (string) * 3 / 2 + 1);
  append_encoded (out, string, strlen (string), keep_slash, FALSE);

  return g_string_free (out, FALSE);
}

/* Writes 2 * @length lower-case hex digits and a NUL to @hex. */
void
ws_sigv4_hex_encode (const guint8 *data,
                     gsize         length,
                     char         *hex)
{
  static const char digits[] = "0123456789abcdef";

  for (gsize i = 0; i < length; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[2 * length] = '\0';
}

char *
ws_sigv4_hex_sha256 (const void *data,
                     gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
}

/* Like botocore's remove_dot_segments(): empty and `.` segments go, `..`
 * pops one, a trailing `/` stays when something is left before it. */
char *
ws_sigv4_normalize_path (const char *path)
{
  g_auto(GStrv) segments = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  GString *out;

  g_return_val_if_fail (path != NULL, NULL);

  segments = g_strsplit (path, "/", -1);
  kept = g_ptr_array_new ();

  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *segment = segments[i];

      if (*segment == '\0' || strcmp (segment, ".") == 0)
        continue;

      if (strcmp (segment, "..") == 0)
        {
          if (kept->len > 0)
            g_ptr_array_remove_index (kept, kept->len - 1);
          continue;
        }

      g_ptr_array_add (kept, (gpointer) segment);
    }

  out = g_string_new (path[0] == '/' ? "/" : "");
  for (guint i = 0; i < kept->len; i++)
    {
      if (i > 0)
        g_string_append_c (out, '/');
      g_string_append (out, g_ptr_array_index (kept, i));
    }
  if (kept->len > 0 && g_str_has_suffix (path, "/"))
    g_string_append_c (out, '/');
  if (out->len == 0)
    g_string_append_c (out, '/');

  return g_string_free (out, FALSE);
}

static void
append_canonical_uri (GString      *out,
                      const char   *path,
                      WsSigv4Flags  flags)
{
  g_autofree char *normalized = NULL;

  if (path == NULL || *path == '\0')
    {
      g_string_append_c (out, '/');
      return;
    }

  if (flags & WS_SIGV4_NORMALIZE_PATH)
    path = normalized = ws_sigv4_normalize_path (path);

  /* The wire path is already percent-encoded: every service but S3
   * encodes it once more, so `%3A` is signed as `%253A`. */
  if (flags & WS_SIGV4_DOUBLE_ENCODE_PATH)
    append_encoded (out, path, strlen (path), TRUE, FALSE);
  else
    g_string_append (out, path);
}

char *
ws_sigv4_canonical_uri (const char   *path,
                        WsSigv4Flags  flags)
{
  GString *out = g_string_new (NULL);

  append_canonical_uri (out, path, flags);

  return g_string_free (out, FALSE);
}

static void
query_param_clear (gpointer data)
{
  QueryParam *param = data;

  /* A presigned query carries the session token. */
  g_clear_pointer (&param->name, g_free);
  g_clear_pointer (&param->value, ws_secret_free);
}

static GArray *
query_params_new (void)
{
  GArray *params = g_array_sized_new (FALSE, FALSE, sizeof (QueryParam), 8);

  g_array_set_clear_func (params, query_param_clear);

  return params;
}

static char *
encode_component (const char *string,
                  gsize       length,
                  gboolean    decode_escapes)
{
  GString *out = g_string_sized_new (length + 8);

  append_encoded (out, string, length, FALSE, decode_escapes);

  return g_string_free (out, FALSE);
}

static void
query_params_add (GArray     *params,
                  const char *name,
                  const char *value)
{
  QueryParam param;

  param.name = encode_component (name, strlen (name), FALSE);
  param.value = encode_component (value, strlen (value), FALSE);
  g_array_append_val (params, param);
}

/* Splits a wire query on `&` and the first `=` of each pair; a bare
 * name is the same as an empty value (`b` → `b=`). */
static void
query_params_parse (GArray     *params,
                    const char *query)
{
  const char *p = query;

  while (p != NULL && *p != '\0')
    {
      const char *end = strchr (p, '&');
      const char *equals;
      QueryParam param;

      if (end == NULL)
        end = p + strlen (p);

      if (end > p)
        {
          equals = memchr (p, '=', end - p);
          if (equals == NULL)
            equals = end;

          param.name = encode_component (p, equals - p, TRUE);
          param.value = encode_component (equals == end ? end : equals + 1,
                                          equals == end ? 0 : end - equals - 1,
                                          TRUE);
          g_array_append_val (params, param);
        }

      p = *end != '\0' ? end + 1 : end;
    }
}

/* Byte order of the encoded name, then of the encoded value. */
static int
query_param_compare (gconstpointer a,
                     gconstpointer b)
{
  const QueryParam *pa = a;
  const QueryParam *pb = b;
  int ret = strcmp (pa->name, pb->name);

  return ret != 0 ? ret : strcmp (pa->value, pb->value);
}

static void
append_query_params (GString *out,
                     GArray  *params)
{
  g_array_sort (params, query_param_compare);

  for (guint i = 0; i < params->len; i++)
    {
      const QueryParam *param = &g_array_index (params, QueryParam, i);

      if (i > 0)
        g_string_append_c (out, '&');
      g_string_append (out, param->name);
      g_string_append_c (out, '=');
      g_string_append (out, param->value);
    }
}

char *
ws_sigv4_canonical_query (const char *query)
{
  g_autoptr(GArray) params = query_params_new ();
  GString *out = g_string_new (NULL);

  query_params_parse (params, query);
  append_query_params (out, params);

  return g_string_free (out, FALSE);
}

static gboolean
is_skipped_header (const char          *name,
                   const WsSigv4Params *params)
{
  for (guint i = 0; i < G_N_ELEMENTS (skipped_headers); i++)
    {
      if (g_ascii_strcasecmp (name, skipped_headers[i]) == 0)
        return TRUE;
    }

  /* The signer writes these itself, replacing a stale copy (a retry). */
  if (params->session_token != NULL &&
      g_ascii_strcasecmp (name, "x-amz-security-token") == 0)
    return TRUE;
  if ((params->flags & WS_SIGV4_SIGN_BODY) &&
      g_ascii_strcasecmp (name, "x-amz-content-sha256") == 0)
    return TRUE;

  return FALSE;
}

static int
canonical_header_compare (gconstpointer a,
                          gconstpointer b)
{
  const CanonicalHeader *ha = a;
  const CanonicalHeader *hb = b;
  int ret = g_ascii_strcasecmp (ha->name, hb->name);

  /* Repeated headers keep the order they were sent in. */
  return ret != 0 ? ret : (int) ha->order - (int) hb->order;
}

static void
append_lower (GString    *out,
              const char *string)
{
  for (const char *p = string; *p != '\0'; p++)
    g_string_append_c (out, g_ascii_tolower (*p));
}

/* Trims the value and collapses every run of whitespace (spaces, tabs,
 * obs-folded line breaks, even inside quotes) to one space. */
static void
append_collapsed (GString    *out,
                  const char *value)
{
  gboolean pending_space = FALSE;
  gsize start = out->len;

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p))
        {
          pending_space = out->len > start;
          continue;
        }

      if (pending_space)
        g_string_append_c (out, ' ');
      pending_space = FALSE;
      g_string_append_c (out, *p);
    }
}

static GArray *
collect_headers (const WsSigv4Request *request,
                 const WsSigv4Params  *params,
                 const char           *payload)
{
  gboolean presign = (params->flags & WS_SIGV4_PRESIGN) != 0;
  GArray *headers = g_array_sized_new (FALSE, FALSE, sizeof (CanonicalHeader), request->n_headers + 3);
  CanonicalHeader header;

  for (gsize i = 0; i < request->n_headers; i++)
    {
      if (is_skipped_header (request->headers[i].name, params))
        continue;

      header = (CanonicalHeader) { request->headers[i].name, request->headers[i].value, headers->len };
      g_array_append_val (headers, header);
    }

  /* A presigned request carries date and token in its query instead. */
  if (!presign)
    {
      header = (CanonicalHeader) { "x-amz-date", params->amz_date, headers->len };
      g_array_append_val (headers, header);
    }

  if (!presign && params->session_token != NULL && !(params->flags & WS_SIGV4_OMIT_SESSION_TOKEN))
    {
      header = (CanonicalHeader) { "x-amz-security-token", params->session_token, headers->len };
      g_array_append_val (headers, header);
    }

  /* aws-c-auth declares the payload of a presigned request only when it
   * is an explicit value such as UNSIGNED-PAYLOAD. */
  if ((params->flags & WS_SIGV4_SIGN_BODY) && (!presign || params->signed_body_value != NULL))
    {
      header = (CanonicalHeader) { "x-amz-content-sha256", payload, headers->len };
      g_array_append_val (headers, header);
    }

  g_array_sort (headers, canonical_header_compare);

  return headers;
}

/* Writes one `name:value\n` line per header name (repeated values joined
 * with `,`) to @block and the `;`-separated names to @signed_headers. */
static void
append_canonical_headers (GString *block,
                          GString *signed_headers,
                          GArray  *headers)
{
  for (guint i = 0; i < headers->len; i++)
    {
      const CanonicalHeader *header = &g_array_index (headers, CanonicalHeader, i);
      const CanonicalHeader *previous = i > 0 ? header - 1 : NULL;

      if (previous != NULL && g_ascii_strcasecmp (previous->name, header->name) == 0)
        {
          g_string_append_c (block, ',');
          append_collapsed (block, header->value);
          continue;
        }

      if (previous != NULL)
        {
          g_string_append_c (block, '\n');
          g_string_append_c (signed_headers, ';');
        }
      append_lower (block, header->name);
      g_string_append_c (block, ':');
      append_collapsed (block, header->value);
      append_lower (signed_headers, header->name);
    }

  g_string_append_c (block, '\n');
}

static void
hmac_sha256 (const guint8 *key,
             gsize         key_length,
             const char   *data,
             gsize         data_length,
             guint8        digest[WS_SIGV4_KEY_LENGTH])
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, key, key_length);
  gsize digest_length = WS_SIGV4_KEY_LENGTH;

  g_hmac_update (hmac, (const guchar *) data, data_length);
  g_hmac_get_digest (hmac, digest, &digest_length);
}

/**
 * ws_sigv4_derive_signing_key:
 * @date: the scope date `YYYYMMDD`; only its first 8 characters are used,
 *   so an X-Amz-Date works too
 * @key: (out caller-allocates): the signing key; wipe it after use
 *
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"), each step keyed with the raw digest of the previous one.
 */
void
ws_sigv4_derive_signing_key (const char *secret_access_key,
                             const char *date,
                             const char *region,
                             const char *service,
                             guint8      key[WS_SIGV4_KEY_LENGTH])
{
  gsize secret_length;
  g_autofree guint8 *k_secret = NULL;
  guint8 k_date[WS_SIGV4_KEY_LENGTH];
  guint8 k_region[WS_SIGV4_KEY_LENGTH];
  guint8 k_service[WS_SIGV4_KEY_LENGTH];

  g_return_if_fail (secret_access_key != NULL);
  g_return_if_fail (date != NULL && strlen (date) >= 8);
  g_return_if_fail (region != NULL);
  g_return_if_fail (service != NULL);

  secret_length = strlen (secret_access_key);
  k_secret = g_malloc (4 + secret_length);
  memcpy (k_secret, "AWS4", 4);
  memcpy (k_secret + 4, secret_access_key, secret_length);

  /* Only the YYYYMMDD part of an X-Amz-Date is in the scope. */
  hmac_sha256 (k_secret, 4 + secret_length, date, 8, k_date);
  hmac_sha256 (k_date, sizeof k_date, region, strlen (region), k_region);
  hmac_sha256 (k_region, sizeof k_region, service, strlen (service), k_service);
  hmac_sha256 (k_service, sizeof k_service, SCOPE_TERMINATOR, strlen (SCOPE_TERMINATOR), key);

  explicit_bzero (k_secret, 4 + secret_length);
  explicit_bzero (k_date, sizeof k_date);
  explicit_bzero (k_region, sizeof k_region);
  explicit_bzero (k_service, sizeof k_service);
}

/* Deriving the key is 16 of the ~25 SHA-256 blocks of a signature, and
 * its inputs change once a day: like the AWS SDKs for Java and Go, keep the
 * few recent keys. A slot is found by a SHA-256 of the secret, so the
 * cache never holds the secret itself. */
#define KEY_CACHE_SLOTS 8

typedef struct
{
  gboolean used;
  guint8   secret_hash[WS_SIGV4_KEY_LENGTH];
  char     date[9];
  char     region[32];
  char     service[32];
  guint8   key[WS_SIGV4_KEY_LENGTH];
} CachedKey;

static GMutex key_cache_lock;
static CachedKey key_cache[KEY_CACHE_SLOTS];
static guint key_cache_next;

static gboolean
cached_key_matches (const CachedKey *slot,
                    const guint8    *secret_hash,
                    const char      *date,
                    const char      *region,
                    const char      *service)
{
  return slot->used &&
         memcmp (slot->secret_hash, secret_hash, sizeof slot->secret_hash) == 0 &&
         strncmp (slot->date, date, 8) == 0 &&
         strcmp (slot->region, region) == 0 &&
         strcmp (slot->service, service) == 0;
}

static gboolean
key_cache_lookup (const guint8 *secret_hash,
                  const char   *date,
                  const char   *region,
                  const char   *service,
                  guint8        key[WS_SIGV4_KEY_LENGTH])
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&key_cache_lock);

  for (guint i = 0; i < KEY_CACHE_SLOTS; i++)
    {
      if (cached_key_matches (&key_cache[i], secret_hash, date, region, service))
        {
          memcpy (key, key_cache[i].key, WS_SIGV4_KEY_LENGTH);
          return TRUE;
        }
    }

  return FALSE;
}

static void
key_cache_insert (const guint8 *secret_hash,
                  const char   *date,
                  const char   *region,
                  const char   *service,
                  const guint8  key[WS_SIGV4_KEY_LENGTH])
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&key_cache_lock);
  CachedKey *slot = &key_cache[key_cache_next];

  key_cache_next = (key_cache_next + 1) % KEY_CACHE_SLOTS;
  slot->used = TRUE;
  memcpy (slot->secret_hash, secret_hash, sizeof slot->secret_hash);
  g_strlcpy (slot->date, date, sizeof slot->date);
  g_strlcpy (slot->region, region, sizeof slot->region);
  g_strlcpy (slot->service, service, sizeof slot->service);
  memcpy (slot->key, key, sizeof slot->key);
}

/**
 * ws_sigv4_derive_signing_key_cached:
 *
 * Like ws_sigv4_derive_signing_key(), through a small process-wide cache
 * (thread-safe). ws_sigv4_sign_message() uses it.
 */
void
ws_sigv4_derive_signing_key_cached (const char *secret_access_key,
                                    const char *date,
                                    const char *region,
                                    const char *service,
                                    guint8      key[WS_SIGV4_KEY_LENGTH])
{
  g_autoptr(GChecksum) checksum = NULL;
  guint8 secret_hash[WS_SIGV4_KEY_LENGTH];
  gsize hash_length = sizeof secret_hash;

  g_return_if_fail (secret_access_key != NULL);
  g_return_if_fail (date != NULL && strlen (date) >= 8);
  g_return_if_fail (region != NULL);
  g_return_if_fail (service != NULL);

  /* Names too long for a slot are simply not cached. */
  if (strlen (region) >= sizeof key_cache[0].region ||
      strlen (service) >= sizeof key_cache[0].service)
    {
      ws_sigv4_derive_signing_key (secret_access_key, date, region, service, key);
      return;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) secret_access_key, strlen (secret_access_key));
  g_checksum_get_digest (checksum, secret_hash, &hash_length);

  if (!key_cache_lookup (secret_hash, date, region, service, key))
    {
      ws_sigv4_derive_signing_key (secret_access_key, date, region, service, key);
      key_cache_insert (secret_hash, date, region, service, key);
    }

  explicit_bzero (secret_hash, sizeof secret_hash);
}

/**
 * ws_sigv4_clear_key_cache:
 *
 * Wipes every cached signing key, e.g. when credentials are dropped.
 */
void
ws_sigv4_clear_key_cache (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&key_cache_lock);

  explicit_bzero (key_cache, sizeof key_cache);
  key_cache_next = 0;
}

static void
add_presign_params (GArray              *query,
                    const WsSigv4Params *params,
                    const char          *scope,
                    const char          *signed_headers)
{
  g_autofree char *credential = g_strconcat (params->access_key_id, "/", scope, NULL);
  char expires[16];

  g_snprintf (expires, sizeof expires, "%u", params->expires);

  query_params_add (query, "X-Amz-Algorithm", WS_SIGV4_ALGORITHM);
  query_params_add (query, "X-Amz-Credential", credential);
  query_params_add (query, "X-Amz-Date", params->amz_date);
  query_params_add (query, "X-Amz-Expires", expires);
  query_params_add (query, "X-Amz-SignedHeaders", signed_headers);
  if (params->session_token != NULL && !(params->flags & WS_SIGV4_OMIT_SESSION_TOKEN))
    query_params_add (query, "X-Amz-Security-Token", params->session_token);
}

static char *
build_string_to_sign (const char *amz_date,
                      const char *scope,
                      const char *canonical_request)
{
  g_autofree char *hash = ws_sigv4_hex_sha256 (canonical_request, strlen (canonical_request));

  return g_strconcat (WS_SIGV4_ALGORITHM "\n", amz_date, "\n", scope, "\n", hash, NULL);
}

static char *
compute_signature (const WsSigv4Params *params,
                   const char          *string_to_sign)
{
  guint8 key[WS_SIGV4_KEY_LENGTH];
  guint8 digest[WS_SIGV4_KEY_LENGTH];
  char hex[2 * WS_SIGV4_KEY_LENGTH + 1];

  if (params->signing_key != NULL)
    memcpy (key, params->signing_key, sizeof key);
  else
    ws_sigv4_derive_signing_key (params->secret_access_key, params->amz_date,
                                 params->region, params->service, key);

  hmac_sha256 (key, sizeof key, string_to_sign, strlen (string_to_sign), digest);
  explicit_bzero (key, sizeof key);
  ws_sigv4_hex_encode (digest, sizeof digest, hex);

  return g_strdup (hex);
}

/* What the server sees after the signature: the signature itself, and an
 * unsigned token when the service wants it outside the signature. */
static char *
build_presigned_query (const char          *canonical_query,
                       const WsSigv4Params *params,
                       const char          *signature)
{
  gsize token_length = params->session_token != NULL ? strlen (params->session_token) : 0;
  GString *out = g_string_sized_new (strlen (canonical_query) + 3 * token_length + 128);

  g_string_append (out, canonical_query);
  if (params->session_token != NULL && (params->flags & WS_SIGV4_OMIT_SESSION_TOKEN))
    {
      g_string_append (out, "&X-Amz-Security-Token=");
      append_encoded (out, params->session_token, strlen (params->session_token), FALSE, FALSE);
    }
  g_string_append (out, "&X-Amz-Signature=");
  g_string_append (out, signature);

  return g_string_free (out, FALSE);
}

/**
 * ws_sigv4_sign:
 * @request: the request as it goes on the wire
 * @params: credentials, scope, time and options
 * @result: (out caller-allocates): the intermediate products and the
 *   signature; free with ws_sigv4_result_clear()
 *
 * Signs @request. In header signing the caller sends `X-Amz-Date`
 * (@params' amz_date), `X-Amz-Security-Token` (unless omitted) and, with
 * %WS_SIGV4_SIGN_BODY, `x-amz-content-sha256` with the values signed here.
 */
void
ws_sigv4_sign (const WsSigv4Request *request,
               const WsSigv4Params  *params,
               WsSigv4Result        *result)
{
  gboolean presign;
  const char *payload;
  gsize token_length;
  g_autofree char *scope = NULL;
  g_autoptr(GArray) headers = NULL;
  g_autoptr(GArray) query = NULL;
  g_autoptr(WsSecretString) header_block = NULL;
  g_autoptr(WsSecretString) canonical_query = NULL;
  GString *signed_headers;
  GString *canonical;

  g_return_if_fail (request != NULL && request->method != NULL);
  g_return_if_fail (params != NULL);
  g_return_if_fail (params->access_key_id != NULL);
  g_return_if_fail (params->secret_access_key != NULL || params->signing_key != NULL);
  g_return_if_fail (params->region != NULL && params->service != NULL);
  g_return_if_fail (params->amz_date != NULL && strlen (params->amz_date) >= 8);
  g_return_if_fail (result != NULL);

  memset (result, 0, sizeof *result);
  presign = (params->flags & WS_SIGV4_PRESIGN) != 0;
  scope = g_strdup_printf ("%.8s/%s/%s/" SCOPE_TERMINATOR,
                           params->amz_date, params->region, params->service);
  payload = params->signed_body_value != NULL ? params->signed_body_value
          : request->payload_hash != NULL ? request->payload_hash
          : WS_SIGV4_EMPTY_SHA256;

  /* Buffers that may hold the session token are sized up front, so that
   * no realloc leaves a copy behind that we cannot wipe. */
  token_length = params->session_token != NULL ? 3 * strlen (params->session_token) : 0;

  headers = collect_headers (request, params, payload);
  header_block = g_string_sized_new (256 + token_length);
  signed_headers = g_string_sized_new (64);
  append_canonical_headers (header_block, signed_headers, headers);

  /* The presigned query lists the signed headers, so it comes second. */
  query = query_params_new ();
  query_params_parse (query, request->query);
  if (presign)
    add_presign_params (query, params, scope, signed_headers->str);
  canonical_query = g_string_sized_new (256 + token_length);
  append_query_params (canonical_query, query);

  /* An encoded path byte takes at most 3. */
  canonical = g_string_sized_new (512 + 3 * (request->path != NULL ? strlen (request->path) : 0)
                                  + header_block->len + canonical_query->len);
  g_string_append (canonical, request->method);
  g_string_append_c (canonical, '\n');
  append_canonical_uri (canonical, request->path, params->flags);
  g_string_append_c (canonical, '\n');
  g_string_append_len (canonical, canonical_query->str, canonical_query->len);
  g_string_append_c (canonical, '\n');
  g_string_append_len (canonical, header_block->str, header_block->len);
  g_string_append_c (canonical, '\n');
  g_string_append_len (canonical, signed_headers->str, signed_headers->len);
  g_string_append_c (canonical, '\n');
  g_string_append (canonical, payload);

  result->signed_headers = g_string_free (signed_headers, FALSE);
  result->canonical_request = g_string_free (canonical, FALSE);
  result->string_to_sign = build_string_to_sign (params->amz_date, scope, result->canonical_request);
  result->signature = compute_signature (params, result->string_to_sign);

  if (presign)
    result->query = build_presigned_query (canonical_query->str, params, result->signature);
  else
    result->authorization = g_strdup_printf (WS_SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
                                             params->access_key_id, scope,
                                             result->signed_headers, result->signature);
}

void
ws_sigv4_result_clear (WsSigv4Result *result)
{
  /* The canonical request and a presigned query hold the session token. */
  g_clear_pointer (&result->canonical_request, ws_secret_free);
  g_clear_pointer (&result->query, ws_secret_free);
  g_clear_pointer (&result->string_to_sign, g_free);
  g_clear_pointer (&result->signed_headers, g_free);
  g_clear_pointer (&result->signature, g_free);
  g_clear_pointer (&result->authorization, g_free);
}

char *
ws_sigv4_format_date (GDateTime *time)
{
  g_autoptr(GDateTime) utc = NULL;

  g_return_val_if_fail (time != NULL, NULL);

  utc = g_date_time_to_utc (time);

  return g_date_time_format (utc, "%Y%m%dT%H%M%SZ");
}

/* The Host header libsoup would send: lower-case name, IPv6 literals in
 * brackets, and the port only when it is not the scheme's default. */
char *
ws_sigv4_host_header (GUri *uri)
{
  const char *host;
  const char *scheme;
  int port;
  int default_port = -1;
  GString *out;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (g_uri_get_host (uri) != NULL, NULL);

  host = g_uri_get_host (uri);
  scheme = g_uri_get_scheme (uri);
  port = g_uri_get_port (uri);

  if (g_ascii_strcasecmp (scheme, "https") == 0)
    default_port = 443;
  else if (g_ascii_strcasecmp (scheme, "http") == 0)
    default_port = 80;

  out = g_string_new (NULL);
  if (strchr (host, ':') != NULL)
    g_string_append_c (out, '[');
  append_lower (out, host);
  if (strchr (host, ':') != NULL)
    g_string_append_c (out, ']');
  if (port > 0 && port != default_port)
    g_string_append_printf (out, ":%d", port);

  return g_string_free (out, FALSE);
}

void
ws_sigv4_sign_message (SoupMessage         *msg,
                       GBytes              *body,
                       const WsCredentials *credentials,
                       const char          *region,
                       const char          *service,
                       GDateTime           *now)
{
  SoupMessageHeaders *request_headers;
  GUri *uri;
  const char *token;
  const char *content_type;
  g_autofree char *host = NULL;
  g_autofree char *amz_date = NULL;
  g_autofree char *payload_hash = NULL;
  WsSigv4Header headers[2];
  guint8 key[WS_SIGV4_KEY_LENGTH];
  WsSigv4Request request = { 0 };
  WsSigv4Params params = { 0 };
  g_auto(WsSigv4Result) result = { 0 };

  g_return_if_fail (SOUP_IS_MESSAGE (msg));
  g_return_if_fail (credentials != NULL);
  g_return_if_fail (region != NULL);
  g_return_if_fail (service != NULL);
  g_return_if_fail (now != NULL);

  uri = soup_message_get_uri (msg);
  request_headers = soup_message_get_request_headers (msg);
  host = ws_sigv4_host_header (uri);
  amz_date = ws_sigv4_format_date (now);
  token = ws_credentials_get_session_token (credentials);
  if (token != NULL && *token == '\0')
    token = NULL;

  if (body != NULL)
    {
      gsize length;
      gconstpointer data = g_bytes_get_data (body, &length);

      payload_hash = ws_sigv4_hex_sha256 (data, length);
    }

  /* Only what libsoup sends unchanged is signed: never Content-Length,
   * Accept-Encoding or User-Agent, which it may add or rewrite. */
  request.n_headers = 0;
  headers[request.n_headers++] = (WsSigv4Header) { "host", host };
  content_type = soup_message_headers_get_one (request_headers, "Content-Type");
  if (content_type != NULL)
    headers[request.n_headers++] = (WsSigv4Header) { "content-type", content_type };

  /* The path and query exactly as libsoup will write them; non-S3
   * services double-encode the path, and GUri already removed dot
   * segments, so no further normalization. */
  request.method = soup_message_get_method (msg);
  request.path = g_uri_get_path (uri);
  request.query = g_uri_get_query (uri);
  request.headers = headers;
  request.payload_hash = payload_hash;

  params.access_key_id = ws_credentials_get_access_key_id (credentials);
  params.secret_access_key = ws_credentials_get_secret_access_key (credentials);
  params.session_token = token;
  params.region = region;
  params.service = service;
  params.amz_date = amz_date;
  params.flags = WS_SIGV4_DOUBLE_ENCODE_PATH;
  ws_sigv4_derive_signing_key_cached (params.secret_access_key, amz_date, region, service, key);
  params.signing_key = key;

  ws_sigv4_sign (&request, &params, &result);
  explicit_bzero (key, sizeof key);

  soup_message_headers_replace (request_headers, "Host", host);
  soup_message_headers_replace (request_headers, "X-Amz-Date", amz_date);
  if (token != NULL)
    soup_message_headers_replace (request_headers, "X-Amz-Security-Token", token);
  else
    soup_message_headers_remove (request_headers, "X-Amz-Security-Token");
  soup_message_headers_replace (request_headers, "Authorization", result.authorization);
}
