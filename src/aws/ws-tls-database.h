/* ws-tls-database.h — the system's trust store, plus an optional CA bundle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_TLS_DATABASE (ws_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (WsTlsDatabase, ws_tls_database, WS, TLS_DATABASE, GTlsDatabase)

/* Trusts what the system's store or @bundle (may be %NULL) verifies. */
GTlsDatabase *ws_tls_database_new (GTlsDatabase *bundle);

/* Before a new connection: makes a bundle-less WsTlsDatabase the default of every
 * TLS connection in the process (once), and starts parsing the system store
 * in a thread if it is not parsed. */
void ws_tls_database_prepare (void);

/* Frees the parsed system store until a chain needs it again. */
void ws_tls_database_release_system_store (void);

G_END_DECLS
