/* ws-json.h — parsing JSON that came from outside (AWS answers,
 * credential_process output, cache files) safely
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Deeper documents are refused: no AWS answer nests beyond a handful. */
#define WS_JSON_MAX_DEPTH 64

gboolean    ws_json_nesting_within        (const char *data,
                                           gsize       length,
                                           guint       max_depth);
gboolean    ws_json_escapes_valid         (const char *data,
                                           gsize       length);
JsonObject *ws_json_parse_object          (const char *data,
                                           gsize       length,
                                           gsize       max_size);
/* The member's string, or %NULL when absent, null or of another type. */
const char *ws_json_get_string            (JsonObject *object,
                                           const char *member);

G_END_DECLS
