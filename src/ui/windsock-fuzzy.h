/* windsock-fuzzy.h — the picker's type-to-filter match: a case-insensitive
 * subsequence, scored so that prefixes and word starts rank first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Pure. Returns -1 when @pattern is not a subsequence of @text (ASCII
 * case-insensitive), else a score: higher is a better match. An empty
 * pattern matches everything with 0. */
int windsock_fuzzy_score (const char *pattern,
                          const char *text);

G_END_DECLS
