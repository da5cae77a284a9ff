/* windsock-mfa-prompt.h — asks for MFA codes in WindsockMfaWindows, in
 * this process, for a WsAwsContext's credentials provider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "ws-aws-context.h"

G_BEGIN_DECLS

#define WINDSOCK_TYPE_MFA_PROMPT (windsock_mfa_prompt_get_type ())

G_DECLARE_FINAL_TYPE (WindsockMfaPrompt, windsock_mfa_prompt, WINDSOCK, MFA_PROMPT, GObject)

/**
 * windsock_mfa_prompt_install:
 * @context: the context whose MFA prompt this becomes (it keeps the
 *   prompt for as long as it lives)
 * @parent: (nullable): the window the MFA windows belong to
 *
 * One MFA window per device: a code AWS refuses is asked for again in it,
 * and it closes when the device's turn is over.
 */
void windsock_mfa_prompt_install (WsAwsContext *context,
                                  GtkWindow    *parent);

G_END_DECLS
