/* bench-sigv4.c — how many CreateWebLoginToken requests the signer signs
 * per second: canonical request → string to sign → signature, with and
 * without deriving the signing key each time, and through
 * ws_sigv4_sign_message() on a SoupMessage (with and without its cache)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib.h>

#include "ws-bench-util.h"
#include "ws-sigv4.h"
#include "ws-test-util.h"

#define ACCESS_KEY  "AKIDEXAMPLE"
#define SECRET      "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define URL         "https://env.airflow.us-east-1.amazonaws.com/webtoken/MyEnv"
#define HOST        "env.airflow.us-east-1.amazonaws.com"
#define AMZ_DATE    "20250101T000000Z"
/* mwaa-api.md §6.1, the first vector: proves the measured path is right. */
#define SIGNATURE   "d82ce07efdaca426735758419c99fe58a56269750ddcf0e60fc4bc81122aecbd"
#define DURATION    (2 * G_USEC_PER_SEC)
#define BATCH       1000

typedef void (*SignFunc) (gpointer data);

typedef struct
{
  WsSigv4Request request;
  WsSigv4Params  params;
} PureCase;

typedef struct
{
  SoupMessage   *msg;
  WsCredentials *credentials;
  GDateTime     *now;
} MessageCase;

static void
sign_pure (gpointer data)
{
  PureCase *c = data;
  g_auto(WsSigv4Result) result = { 0 };

  ws_sigv4_sign (&c->request, &c->params, &result);
  g_assert (strcmp (result.signature, SIGNATURE) == 0);
}

static void
sign_message (gpointer data)
{
  MessageCase *c = data;

  ws_sigv4_sign_message (c->msg, NULL, c->credentials, "us-east-1", "airflow", c->now);
}

static void
sign_message_uncached (gpointer data)
{
  ws_sigv4_clear_key_cache ();
  sign_message (data);
}

/* Signs for about DURATION and returns signatures per second. */
static double
measure (SignFunc func,
         gpointer data)
{
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint64 count = 0;

  do
    {
      for (guint i = 0; i < BATCH; i++)
        func (data);
      count += BATCH;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < DURATION);

  return count / ((double) elapsed / G_USEC_PER_SEC);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = ws_test_isolate ("bench-sigv4");
  WsSigv4Header headers[] = { { "host", HOST } };
  PureCase pure = {
    { "POST", "/webtoken/MyEnv", NULL, headers, G_N_ELEMENTS (headers), NULL },
    { ACCESS_KEY, SECRET, NULL, "us-east-1", "airflow", AMZ_DATE, WS_SIGV4_DOUBLE_ENCODE_PATH },
  };
  guint8 key[WS_SIGV4_KEY_LENGTH];
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", URL);
  g_autoptr(WsCredentials) credentials = ws_credentials_new (ACCESS_KEY, SECRET, NULL, NULL, "bench");
  g_autoptr(GDateTime) now = g_date_time_new_utc (2025, 1, 1, 0, 0, 0);
  MessageCase message = { msg, credentials, now };
  const char *authorization;
  WsBenchResults *results;

  results = ws_bench_results_new ("bench-sigv4",
                                  "SigV4 signatures of a CreateWebLoginToken request per second, one thread, "
                                  "each way signed for 2 s");
  ws_bench_results_add (results, "sign", measure (sign_pure, &pure), "signatures/s", "sigv4");

  /* With the key derived once per (secret, date, region, service), as
   * ws_sigv4_sign_message() does through its key cache. */
  ws_sigv4_derive_signing_key (SECRET, AMZ_DATE, "us-east-1", "airflow", key);
  pure.params.signing_key = key;
  ws_bench_results_add (results, "sign_cached_key", measure (sign_pure, &pure), "signatures/s",
                        "sigv4 (cached signing key)");
  explicit_bzero (key, sizeof key);

  ws_bench_results_add (results, "sign_message", measure (sign_message, &message), "signatures/s",
                        "sigv4 (ws_sigv4_sign_message, key cache)");
  ws_bench_results_add (results, "sign_message_uncached", measure (sign_message_uncached, &message),
                        "signatures/s", "sigv4 (ws_sigv4_sign_message, no key cache)");
  authorization = soup_message_headers_get_one (soup_message_get_request_headers (msg), "Authorization");
  g_assert (g_str_has_suffix (authorization, "Signature=" SIGNATURE));

  ws_bench_results_finish (results);
  ws_test_remove_tree (home);

  return 0;
}
