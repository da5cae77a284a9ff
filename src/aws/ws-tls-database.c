/* ws-tls-database.c — the system's trust store, plus an optional CA bundle
 *
 * AWS_CA_BUNDLE / ca_bundle adds to the system store (a corporate proxy's
 * CA), it does not replace it: a chain is trusted when either store
 * verifies it fully, host name included. Nothing is ever bypassed.
 *
 * Why not GIO's default database as it is: libsoup 3.2 creates each TLS
 * connection before it gives it the session's database, and glib-networking
 * 2.74 builds a new connection's credentials from the default database,
 * parsing the whole system store again (27 ms and 4 MB for Debian's roots)
 * for every connection, and keeping that copy while the connection lives.
 * With this database as the process's default, connections get empty
 * credentials (verification always goes through the database), the store is
 * parsed once, in a worker thread while the first connection is being made
 * (glib-networking verifies on the main context), and a resident process can
 * drop it while it is idle.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-tls-database.h"

struct _WsTlsDatabase
{
  GTlsDatabase  parent_instance;
  GTlsDatabase *bundle;  /* NULL: the system store only */
};

G_DEFINE_FINAL_TYPE (WsTlsDatabase, ws_tls_database, G_TYPE_TLS_DATABASE)

/* The system store, shared by every WsTlsDatabase; chains are verified in
 * GIO's TLS threads, so it is guarded. Loading under the lock makes a second
 * handshake wait for the first parse instead of parsing too. */
static GMutex system_store_lock;
static GTlsDatabase *system_store;

/* Where distributions keep the roots GnuTLS and OpenSSL trust, as one PEM
 * file (the list Go's crypto/x509 probes); SSL_CERT_FILE names another, as
 * for OpenSSL. */
static const char * const system_store_files[] = {
  "/etc/ssl/certs/ca-certificates.crt",                 /* Debian, Ubuntu, Arch, Flatpak runtimes */
  "/etc/pki/tls/certs/ca-bundle.crt",                   /* Fedora, RHEL */
  "/etc/ssl/ca-bundle.pem",                             /* openSUSE */
  "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  /* RHEL 7 */
  "/etc/ssl/cert.pem",                                  /* Alpine */
};

static GTlsDatabase *
load_system_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = g_tls_file_database_new (path, &error);

  if (database != NULL)
    g_debug ("Trusting the system's certificates in %s", path);
  else
    g_debug ("Could not read the system's certificates in %s: %s", path, error->message);
  return database;
}

static GTlsDatabase *
load_system_store (void)
{
  const char *path = g_getenv ("SSL_CERT_FILE");
  GTlsBackend *backend;

  if (path != NULL && path[0] != '\0')
    return load_system_file (path);

  for (gsize i = 0; i < G_N_ELEMENTS (system_store_files); i++)
    if (g_file_test (system_store_files[i], G_FILE_TEST_IS_REGULAR))
      return load_system_file (system_store_files[i]);

  /* No file: ask the TLS backend itself (this database may be the
   * process's default, which g_tls_backend_get_default_database() returns). */
  backend = g_tls_backend_get_default ();
  if (G_TLS_BACKEND_GET_INTERFACE (backend)->get_default_database == NULL)
    return NULL;
  return G_TLS_BACKEND_GET_INTERFACE (backend)->get_default_database (backend);
}

static GTlsDatabase *
system_store_ref (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&system_store_lock);

  if (system_store == NULL)
    g_atomic_pointer_set (&system_store, load_system_store ());
  return system_store != NULL ? g_object_ref (system_store) : NULL;
}

static GTlsCertificateFlags
ws_tls_database_verify_chain (GTlsDatabase             *database,
                              GTlsCertificate          *chain,
                              const char               *purpose,
                              GSocketConnectable       *identity,
                              GTlsInteraction          *interaction,
                              GTlsDatabaseVerifyFlags   flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  WsTlsDatabase *self = WS_TLS_DATABASE (database);
  g_autoptr(GTlsDatabase) system = system_store_ref ();
  GTlsCertificateFlags result = G_TLS_CERTIFICATE_UNKNOWN_CA;

  if (system != NULL)
    {
      result = g_tls_database_verify_chain (system, chain, purpose, identity, interaction,
                                            flags, cancellable, error);
      if (result == 0 || self->bundle == NULL || (error != NULL && *error != NULL))
        return result;
    }
  if (self->bundle == NULL)
    return result;
  return g_tls_database_verify_chain (self->bundle, chain, purpose, identity, interaction,
                                      flags, cancellable, error);
}

static GTlsCertificate *
ws_tls_database_lookup_certificate_issuer (GTlsDatabase             *database,
                                           GTlsCertificate          *certificate,
                                           GTlsInteraction          *interaction,
                                           GTlsDatabaseLookupFlags   flags,
                                           GCancellable             *cancellable,
                                           GError                  **error)
{
  WsTlsDatabase *self = WS_TLS_DATABASE (database);
  g_autoptr(GTlsDatabase) system = system_store_ref ();
  GTlsCertificate *issuer = NULL;

  if (system != NULL)
    issuer = g_tls_database_lookup_certificate_issuer (system, certificate, interaction,
                                                       flags, cancellable,
                                                       self->bundle != NULL ? NULL : error);
  if (issuer != NULL || self->bundle == NULL)
    return issuer;
  return g_tls_database_lookup_certificate_issuer (self->bundle, certificate, interaction,
                                                   flags, cancellable, error);
}

static void
ws_tls_database_finalize (GObject *object)
{
  WsTlsDatabase *self = (WsTlsDatabase *) object;

  g_clear_object (&self->bundle);

  G_OBJECT_CLASS (ws_tls_database_parent_class)->finalize (object);
}

static void
ws_tls_database_class_init (WsTlsDatabaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GTlsDatabaseClass *database_class = G_TLS_DATABASE_CLASS (klass);

  object_class->finalize = ws_tls_database_finalize;
  database_class->verify_chain = ws_tls_database_verify_chain;
  database_class->lookup_certificate_issuer = ws_tls_database_lookup_certificate_issuer;
}

static void
ws_tls_database_init (WsTlsDatabase *self)
{
}

GTlsDatabase *
ws_tls_database_new (GTlsDatabase *bundle)
{
  WsTlsDatabase *self;

  g_return_val_if_fail (bundle == NULL || G_IS_TLS_DATABASE (bundle), NULL);

  self = g_object_new (WS_TYPE_TLS_DATABASE, NULL);
  self->bundle = bundle != NULL ? g_object_ref (bundle) : NULL;
  return G_TLS_DATABASE (self);
}

static void
install_default (void)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  if (g_tls_backend_supports_tls (backend))
    {
      g_autoptr(GTlsDatabase) database = ws_tls_database_new (NULL);

      g_tls_backend_set_default_database (backend, database);
    }
}

static void
preload_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GTlsDatabase) system = system_store_ref ();
}

void
ws_tls_database_prepare (void)
{
  static gsize installed;
  g_autoptr(GTask) task = NULL;

  if (g_once_init_enter (&installed))
    {
      install_default ();
      g_once_init_leave (&installed, 1);
    }

  if (g_atomic_pointer_get (&system_store) != NULL)
    return;
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_name (task, "[windsock] system trust store");
  g_task_run_in_thread (task, preload_in_thread);
}

void
ws_tls_database_release_system_store (void)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&system_store_lock);
  GTlsDatabase *store = g_atomic_pointer_exchange (&system_store, NULL);

  g_clear_object (&store);
}
