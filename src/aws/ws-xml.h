/* ws-xml.h — reading the few fields we need from an AWS XML answer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Appends the text of each element named @names[i] whose parent element is
 * @parent to @texts[i]; @names is %NULL-terminated, with one GString per name.
 * Returns %FALSE on a broken document; @texts then hold what came before. */
gboolean ws_xml_read_children (const char          *xml,
                               gsize                length,
                               GMarkupParseFlags    flags,
                               const char          *parent,
                               const char * const  *names,
                               GString            **texts);

G_END_DECLS
