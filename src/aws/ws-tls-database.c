/* ws-tls-database.c — the system's trust store, or else a CA bundle
 *
 * AWS_CA_BUNDLE / ca_bundle adds to the system store (a corporate proxy's
 * CA), it does not replace it: a chain is trusted when either store
 * verifies it fully, host name included. Nothing is ever bypassed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-tls-database.h"

struct _WsTlsDatabase
{
  GTlsDatabase  parent_instance;
  GTlsDatabase *system;  /* NULL when the TLS backend has none */
  gsize         system_looked_up;
  GTlsDatabase *bundle;
};

G_DEFINE_FINAL_TYPE (WsTlsDatabase, ws_tls_database, G_TYPE_TLS_DATABASE)

/* Parsing the system store takes a few milliseconds and megabytes: not at
 * start-up, but in the first handshake (in GIO's TLS thread). */
static GTlsDatabase *
system_database (WsTlsDatabase *self)
{
  if (g_once_init_enter (&self->system_looked_up))
    {
      self->system = g_tls_backend_get_default_database (g_tls_backend_get_default ());
      g_once_init_leave (&self->system_looked_up, 1);
    }
  return self->system;
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
  GTlsDatabase *system = system_database (self);
  GTlsCertificateFlags result;

  if (system != NULL)
    {
      result = g_tls_database_verify_chain (system, chain, purpose, identity, interaction,
                                            flags, cancellable, error);
      if (result == 0 || (error != NULL && *error != NULL))
        return result;
    }

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
  GTlsDatabase *system = system_database (self);
  GTlsCertificate *issuer = NULL;

  if (system != NULL)
    issuer = g_tls_database_lookup_certificate_issuer (system, certificate, interaction,
                                                       flags, cancellable, NULL);
  if (issuer != NULL)
    return issuer;

  return g_tls_database_lookup_certificate_issuer (self->bundle, certificate, interaction,
                                                   flags, cancellable, error);
}

static void
ws_tls_database_finalize (GObject *object)
{
  WsTlsDatabase *self = (WsTlsDatabase *) object;

  g_clear_object (&self->system);
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
  WsTlsDatabase *self = g_object_new (WS_TYPE_TLS_DATABASE, NULL);

  self->bundle = g_object_ref (bundle);

  return G_TLS_DATABASE (self);
}
