/* ws-tls-database.h — the system's trust store, or else a CA bundle
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define WS_TYPE_TLS_DATABASE (ws_tls_database_get_type ())
G_DECLARE_FINAL_TYPE (WsTlsDatabase, ws_tls_database, WS, TLS_DATABASE, GTlsDatabase)

/* Trusts what the system's database or @bundle verifies. */
GTlsDatabase *ws_tls_database_new (GTlsDatabase *bundle);

G_END_DECLS
