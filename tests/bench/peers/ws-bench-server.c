/* ws-bench-server.c — the tests' fake of MWAA as a standalone HTTPS server
 *
 * For the side-by-side benchmark: windsock, the AWS CLI, boto3 and curl
 * all talk to this one process. It serves one environment to one static
 * key, prints its port on stdout once it listens, prints the counts of
 * requests and TCP connections served so far on SIGUSR1 (to tell a run
 * the service forwarded from a one-shot one), and exits cleanly on
 * SIGTERM or SIGINT.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>

#include "ws-fake-aws.h"

typedef struct
{
  GMainLoop *loop;
  WsFakeAws *fake;
} Server;

static gboolean
on_quit_signal (gpointer user_data)
{
  Server *server = user_data;

  g_main_loop_quit (server->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_report_signal (gpointer user_data)
{
  Server *server = user_data;

  printf ("requests %u connections %u\n",
          ws_fake_aws_count_requests (server->fake, NULL, "/"),
          ws_fake_aws_count_connections (server->fake));
  fflush (stdout);
  return G_SOURCE_CONTINUE;
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *cert_path = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *access_key_id = NULL;
  g_autofree char *secret_access_key = NULL;
  g_autofree char *region = NULL;
  g_autofree char *environment = NULL;
  GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_path, "PEM certificate", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_path, "PEM private key", "FILE" },
    { "access-key-id", 0, 0, G_OPTION_ARG_STRING, &access_key_id, "Key accepted", "ID" },
    { "secret-access-key", 0, 0, G_OPTION_ARG_STRING, &secret_access_key, "Its secret", "SECRET" },
    { "region", 0, 0, G_OPTION_ARG_STRING, &region, "Region of the environment", "REGION" },
    { "environment", 0, 0, G_OPTION_ARG_STRING, &environment, "Environment served", "NAME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— serve the fake MWAA over HTTPS");
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = NULL;
  Server server = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (cert_path == NULL || key_path == NULL || access_key_id == NULL || secret_access_key == NULL
      || region == NULL || environment == NULL)
    {
      g_printerr ("ws-bench-server: --cert, --key, --access-key-id, --secret-access-key, "
                  "--region and --environment are all needed\n");
      return 2;
    }

  certificate = g_tls_certificate_new_from_files (cert_path, key_path, &error);
  if (certificate == NULL)
    {
      g_printerr ("ws-bench-server: %s\n", error->message);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  server.loop = loop;
  server.fake = ws_fake_aws_new_tls (certificate);
  ws_fake_aws_add_credentials (server.fake, access_key_id, secret_access_key, NULL);
  ws_fake_aws_add_environment (server.fake, region, environment, "AVAILABLE", "2.10.3");

  g_unix_signal_add (SIGTERM, on_quit_signal, &server);
  g_unix_signal_add (SIGINT, on_quit_signal, &server);
  g_unix_signal_add (SIGUSR1, on_report_signal, &server);

  uri = g_uri_parse (ws_fake_aws_get_url (server.fake), G_URI_FLAGS_NONE, NULL);
  printf ("%d\n", g_uri_get_port (uri));
  fflush (stdout);

  g_main_loop_run (loop);

  g_object_unref (server.fake);
  return 0;
}
