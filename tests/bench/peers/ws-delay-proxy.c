/* ws-delay-proxy.c — a TCP relay on loopback that adds a round-trip time
 *
 * The benchmark's stand-in for `tc netem` where the kernel has no netem:
 * every chunk is passed on RTT/2 after it arrived, in each direction, and
 * the first bytes of a connection wait one RTT more, as the TCP handshake
 * would have cost them. Each direction has a reader thread, which stamps
 * the chunks as they arrive, and a writer thread, which sleeps until each
 * one is due with clock_nanosleep(TIMER_ABSTIME): a GLib timeout's
 * millisecond granularity would blur the delay.
 *
 * Usage: ws-delay-proxy --rtt-ms MS --target-port PORT; prints its own
 * port on stdout once it listens, and relays until it is killed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <gio/gio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <time.h>

#define CHUNK_SIZE 65536
#define NSEC_PER_MSEC G_GINT64_CONSTANT (1000000)

typedef struct
{
  gint64 due_ns;
  gsize length;            /* 0: the sender closed its side */
  guint8 data[];
} Chunk;

typedef struct
{
  gint refs;
  GSocket *client;
  GSocket *server;
} Connection;

typedef struct
{
  Connection *connection;
  GSocket *from;
  GSocket *to;
  GAsyncQueue *chunks;
  gint64 first_extra_ns;
} Direction;

static gint64 one_way_ns;
static gint64 handshake_ns;

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
sleep_until_ns (gint64 due_ns)
{
  struct timespec ts = {
    .tv_sec = due_ns / G_GINT64_CONSTANT (1000000000),
    .tv_nsec = due_ns % G_GINT64_CONSTANT (1000000000),
  };

  while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
    ;
}

static void
connection_unref (Connection *connection)
{
  if (!g_atomic_int_dec_and_test (&connection->refs))
    return;

  g_socket_close (connection->client, NULL);
  g_socket_close (connection->server, NULL);
  g_object_unref (connection->client);
  g_object_unref (connection->server);
  g_free (connection);
}

static gpointer
read_chunks (gpointer user_data)
{
  Direction *direction = user_data;
  /* The writer frees @direction once it has the EOF chunk. */
  Connection *connection = direction->connection;
  gint64 extra_ns = direction->first_extra_ns;

  for (;;)
    {
      Chunk *chunk = g_malloc (sizeof (Chunk) + CHUNK_SIZE);
      gssize got = g_socket_receive (direction->from, (char *) chunk->data, CHUNK_SIZE, NULL, NULL);

      chunk->due_ns = now_ns () + one_way_ns + extra_ns;
      chunk->length = MAX (got, 0);
      extra_ns = 0;
      g_async_queue_push (direction->chunks, chunk);
      if (got <= 0)
        break;
    }

  connection_unref (connection);
  return NULL;
}

static gboolean
send_all (GSocket     *socket,
          const guint8 *data,
          gsize        length)
{
  while (length > 0)
    {
      gssize sent = g_socket_send (socket, (const char *) data, length, NULL, NULL);

      if (sent <= 0)
        return FALSE;
      data += sent;
      length -= sent;
    }

  return TRUE;
}

static gpointer
write_chunks (gpointer user_data)
{
  Direction *direction = user_data;
  gboolean writable = TRUE;

  for (;;)
    {
      Chunk *chunk = g_async_queue_pop (direction->chunks);
      gsize length = chunk->length;

      if (writable)
        {
          sleep_until_ns (chunk->due_ns);
          if (length == 0)
            g_socket_shutdown (direction->to, FALSE, TRUE, NULL);
          else if (!send_all (direction->to, chunk->data, length))
            {
              /* The receiver is gone: stop the reader too, so that the
               * connection ends. */
              writable = FALSE;
              g_socket_shutdown (direction->from, TRUE, FALSE, NULL);
            }
        }
      g_free (chunk);
      if (length == 0)
        break;
    }

  g_async_queue_unref (direction->chunks);
  connection_unref (direction->connection);
  g_free (direction);
  return NULL;
}

static void
start_direction (Connection *connection,
                 GSocket    *from,
                 GSocket    *to,
                 gint64      first_extra_ns)
{
  Direction *direction = g_new0 (Direction, 1);

  direction->connection = connection;
  direction->from = from;
  direction->to = to;
  direction->chunks = g_async_queue_new ();
  direction->first_extra_ns = first_extra_ns;
  /* The writer owns the direction and frees it after the reader's EOF
   * chunk; each thread holds a reference on the connection. */
  g_atomic_int_add (&connection->refs, 2);
  g_thread_unref (g_thread_new ("writer", write_chunks, direction));
  g_thread_unref (g_thread_new ("reader", read_chunks, direction));
}

static void
set_no_delay (GSocket *socket)
{
  /* Each chunk goes on at once, as it came: Nagle would add a delay of
   * its own. */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

static GSocket *
connect_target (guint16   port,
                GError  **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL || !g_socket_connect (socket, address, NULL, error))
    return NULL;
  set_no_delay (socket);
  return g_steal_pointer (&socket);
}

/* Listens on 127.0.0.1, a free port, and prints the port. */
static GSocket *
listen_loopback (GError **error)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, error);

  if (socket == NULL || !g_socket_bind (socket, any_port, TRUE, error)
      || !g_socket_listen (socket, error))
    return NULL;
  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return NULL;
  printf ("%u\n", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local)));
  fflush (stdout);
  return g_steal_pointer (&socket);
}

static gboolean
parse_options (int    *argc,
               char ***argv,
               int    *rtt_ms,
               int    *target_port)
{
  GOptionEntry entries[] = {
    { "rtt-ms", 0, 0, G_OPTION_ARG_INT, rtt_ms, "Round-trip time to add", "MS" },
    { "target-port", 0, 0, G_OPTION_ARG_INT, target_port, "Port on 127.0.0.1 to relay to", "PORT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— relay TCP with a round-trip delay");
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return FALSE;
    }
  if (*rtt_ms < 0 || *target_port <= 0 || *target_port > G_MAXUINT16)
    {
      g_printerr ("ws-delay-proxy: --rtt-ms and --target-port are needed\n");
      return FALSE;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  int rtt_ms = -1;
  int target_port = 0;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_options (&argc, &argv, &rtt_ms, &target_port))
    return 2;
  one_way_ns = rtt_ms * NSEC_PER_MSEC / 2;
  handshake_ns = rtt_ms * NSEC_PER_MSEC;

  listener = listen_loopback (&error);
  if (listener == NULL)
    {
      g_printerr ("ws-delay-proxy: cannot listen on 127.0.0.1: %s\n", error->message);
      return 1;
    }

  for (;;)
    {
      g_autoptr(GSocket) client = g_socket_accept (listener, NULL, &error);
      g_autoptr(GSocket) server = NULL;
      Connection *connection;

      if (client == NULL)
        {
          g_printerr ("ws-delay-proxy: accept: %s\n", error->message);
          g_clear_error (&error);
          continue;
        }
      set_no_delay (client);
      server = connect_target (target_port, &error);
      if (server == NULL)
        {
          g_printerr ("ws-delay-proxy: cannot reach port %d: %s\n", target_port, error->message);
          g_clear_error (&error);
          continue;
        }

      connection = g_new0 (Connection, 1);
      connection->refs = 1;
      connection->client = g_steal_pointer (&client);
      connection->server = g_steal_pointer (&server);
      start_direction (connection, connection->client, connection->server, handshake_ns);
      start_direction (connection, connection->server, connection->client, 0);
      connection_unref (connection);
    }
}
